import type { TextEdit } from '../model.js'
import { MAX_ITEMS, MAX_LINE_LENGTH } from './limits.js'
import { yamlScalar, type ScalarStyle as Style } from './scalar.js'
import { entryNode, plainEntryOffsets, wholeDocument } from './source.js'
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml'

// reports.yaml is edited as text, at the offsets yaml gives each node: re-stringifying a parsed
// Document would normalise what people wrote (`x   # c` to `x # c`, `[bob]` to `[ bob ]`), and a
// reviewer must see only the values that changed.

/** The fields of an entry that hold one value. */
export type ScalarField = 'kind' | 'level' | 'enabled' | 'hide_zero_usage' | 'show_skus'

/** How an entry's recipient list changes; values are written as given (UUIDs or names). */
export interface RecipientsEdit {
  /** Per item as written: undefined keeps it; a list replaces it (an empty one removes it, with its trailing comment). */
  items: readonly (readonly string[] | undefined)[]
  /** Values added after the last item. */
  append: readonly string[]
}

/** New values for one entry of `reports`: only the fields it names change; a field the entry lacks is never added. */
export interface EntryEdit {
  /** The entry's index in `reports`. */
  index: number
  scalars?: Partial<Record<ScalarField, string | boolean>>
  recipients?: RecipientsEdit
  /** An entry without id: the id of the report it now stands for, written as the entry's first key. */
  id?: string
}

/** A change that cannot be made in place (the value is anchored, say): that field is left as it is. */
export interface EditProblem {
  /** The entry's index; -1 for the list itself (appending entries). */
  index: number
  field: ScalarField | 'recipients' | 'reports' | 'id'
  message: string
}

/** The edited text, the edits that made it (for a diff), and what could not be changed. */
export interface Edited {
  text: string
  edits: TextEdit[]
  problems: EditProblem[]
}

/**
 * Writes new values into the text of a valid reports.yaml, and appends entries (`appended`: each
 * entry's lines as export lays them out, `- id:` at column 0 and its keys at column 2; they take the
 * file's indentation). Every line no edit touches stays byte for byte, line endings included.
 */
export function editReports(
  text: string,
  entries: readonly EntryEdit[],
  appended: readonly (readonly string[])[] = [],
): Edited {
  if (!entries.length && !appended.length) return { text, edits: [], problems: [] }
  const editor = new Editor(text)
  const list = entriesOf(text)
  for (const e of entries) {
    const { node, base } = list.entry(e.index)
    editor.entry(node, base, e)
  }
  if (appended.length) editor.appendEntries(list, appended)
  const edits = sortEdits(editor.edits)
  return { text: applyEdits(text, edits), edits, problems: editor.problems }
}

/** The entries of `reports`, each as a node and the file offset its ranges count from. */
interface Entries {
  count: number
  /** `reports: [...]`: entries cannot be appended as block lines. */
  flow: boolean
  entry(i: number): { node: unknown; base: number }
  /** For appending to `reports: []`: the key and its empty flow list (whole-document parse only). */
  emptyFlow?: { key: Node; list: YAMLSeq }
}

/**
 * A file of the plain shape export writes is parsed only where it changes, an entry at a time (a
 * typical pull changes a few entries of thousands; the whole document costs ~1.2 s and ~200 MB at
 * 10,000 reports); any other file is parsed whole.
 */
function entriesOf(text: string): Entries {
  const offsets = plainEntryOffsets(text)
  if (offsets?.length) {
    return {
      count: offsets.length,
      flow: false,
      entry(i) {
        const base = offsets[i]!
        return { node: entryNode(text, base, offsets[i + 1] ?? text.length), base }
      },
    }
  }
  const doc = wholeDocument(text)
  const reports = isMap(doc?.contents) ? doc.contents.items.find((p) => keyIs(p, 'reports')) : undefined
  const list = reports?.value
  if (!doc || doc.errors.length || !isSeq(list) || !isNode(reports?.key))
    throw new Error('editReports needs a valid reports.yaml with a `reports` list')
  return {
    count: list.items.length,
    flow: !!list.flow,
    entry: (i) => ({ node: list.items[i], base: 0 }),
    emptyFlow: list.flow && !list.items.length ? { key: reports.key, list } : undefined,
  }
}

/** Edits in the order they apply: by offset, an insertion before a replacement that starts where it is. */
function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map(({ e }) => e)
}

/** Applies sorted, non-overlapping edits in one pass. */
function applyEdits(text: string, sorted: readonly TextEdit[]): string {
  const parts: string[] = []
  let at = 0
  for (const e of sorted) {
    if (e.start < at) throw new Error(`overlapping edits at offset ${e.start}`)
    parts.push(text.slice(at, e.start), e.text)
    at = e.end
  }
  parts.push(text.slice(at))
  return parts.join('')
}

const keyIs = (p: Pair<unknown, unknown>, key: string): boolean => isScalar(p.key) && p.key.value === key

class Editor {
  readonly edits: TextEdit[] = []
  readonly problems: EditProblem[] = []
  /** The file's line ending, for the lines it gains. */
  private readonly eol: string
  /** Where the text of the entry at hand starts: its nodes' ranges count from there. */
  private base = 0

  constructor(private readonly text: string) {
    const nl = text.indexOf('\n')
    this.eol = nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n'
  }

  /** A node's [start, end) in the file. */
  private at(node: Node): [number, number] {
    return [this.base + node.range![0], this.base + node.range![1]]
  }

  entry(node: unknown, base: number, edit: EntryEdit): void {
    this.base = base
    const fields = [
      ...Object.keys(edit.scalars ?? {}),
      ...(edit.recipients ? ['recipients'] : []),
      ...(edit.id ? ['id'] : []),
    ]
    if (!isMap(node)) {
      for (const field of fields) this.problem(edit.index, field as ScalarField, 'the entry is not a mapping')
      return
    }
    for (const [field, value] of Object.entries(edit.scalars ?? {}) as [ScalarField, string | boolean][]) {
      this.field(edit.index, field, () =>
        this.scalar(edit.index, field, node.items.find((p) => keyIs(p, field))?.value, value),
      )
    }
    const recipients = edit.recipients
    if (recipients) this.field(edit.index, 'recipients', () => this.recipients(edit.index, node, recipients))
    const id = edit.id
    if (id) this.field(edit.index, 'id', () => this.insertId(edit.index, node, id))
  }

  /**
   * `id: <uuid>` before the entry's first key, at that key's column (`- name: x` becomes `- id: …` and
   * `  name: x` below it; `{kind: …}` becomes `{id: …, kind: …}`): the one key pull adds.
   */
  private insertId(index: number, entry: YAMLMap, id: string): void {
    if (entry.items.some((p) => keyIs(p, 'id')))
      return this.problem(index, 'id', 'the entry has an id already')
    const key = entry.items[0]?.key
    if (!isScalar(key) || !key.range || key.anchor || key.tag)
      return this.problem(index, 'id', 'the entry does not start with a plain key')
    const [start] = this.at(key)
    const value = yamlScalar(id, undefined, !!entry.flow)
    const column = start - this.lineStart(start)
    // A block entry must start its line with the key (after `- ` or spaces): then the new line lines up.
    if (!entry.flow && !/^[ ]*(- +)?$/.test(this.text.slice(this.lineStart(start), start)))
      return this.problem(index, 'id', 'the entry does not start its line')
    const text = entry.flow ? `id: ${value}, ` : `id: ${value}${this.eol}${' '.repeat(column)}`
    this.edits.push({ start, end: start, text })
  }

  /**
   * Makes one field's edits, and takes them back when a line they make would be longer than reading
   * allows (a list of a thousand UUIDs in `[...]`): that field is listed, the others still change.
   */
  private field(index: number, field: EditProblem['field'], make: () => void): void {
    const mark = this.edits.length
    make()
    const longest = Math.max(0, ...this.edits.slice(mark).map((e) => this.longestLine(e)))
    if (longest <= MAX_LINE_LENGTH) return
    this.edits.length = mark
    this.problem(
      index,
      field,
      `the live value would make a line ${count(longest)} characters long; the limit is ${count(MAX_LINE_LENGTH)}`,
    )
  }

  /** The longest line an edit leaves, with what stays of the lines it starts and ends on. */
  private longestLine(e: TextEdit): number {
    const head = e.start - this.lineStart(e.start)
    const nl = this.text.indexOf('\n', e.end)
    const tail = (nl < 0 ? this.text.length : nl) - e.end
    const parts = e.text.split('\n')
    if (parts.length === 1) return head + e.text.length + tail
    const inner = parts.slice(1, -1).map((p) => p.length)
    return Math.max(head + parts[0]!.length, ...inner, parts[parts.length - 1]!.length + tail)
  }

  private problem(index: number, field: EditProblem['field'], message: string): void {
    this.problems.push({ index, field, message })
  }

  private scalar(index: number, field: ScalarField, node: unknown, value: string | boolean): void {
    if (!(isScalar(node) || isAlias(node)) || !node.range) {
      return this.problem(index, field, 'the value is not a single scalar')
    }
    // Another entry may use the anchor through an alias: changing it here would change that one too.
    if (node.anchor) return this.problem(index, field, `the value carries the anchor &${node.anchor}`)
    const [start, end] = this.at(node)
    const old = this.text.slice(start, end)
    let text =
      typeof value === 'boolean'
        ? sameCase(String(value), old)
        : yamlScalar(value, isScalar(node) ? (node.type as Style) : undefined, false)
    // A block scalar's range takes its line break with it.
    if (old.endsWith('\n')) text += this.eol
    this.edits.push({ start, end, text })
  }

  private recipients(index: number, entry: YAMLMap, edit: RecipientsEdit): void {
    const pair = entry.items.find((p) => keyIs(p, 'recipients'))
    const seq = pair?.value
    if (!isSeq(seq) || !seq.range || !isNode(pair?.key) || !pair.key.range)
      return this.problem(index, 'recipients', 'the value is not a list')
    if (seq.anchor) return this.problem(index, 'recipients', `the list carries the anchor &${seq.anchor}`)
    const items = seq.items as Node[]
    if (items.some((item) => !(isScalar(item) || isAlias(item)) || !item.range))
      return this.problem(index, 'recipients', 'an item is not a single scalar')
    // An alias elsewhere may stand for an item: changing the list here would change that entry too.
    const anchored = items.find((item) => item.anchor)
    if (anchored) return this.problem(index, 'recipients', `an item carries the anchor &${anchored.anchor}`)
    const total = items.reduce((n, _, k) => n + (edit.items[k]?.length ?? 1), 0) + edit.append.length
    if (total > MAX_ITEMS)
      return this.problem(
        index,
        'recipients',
        `the live report has ${count(total)} recipients; a list holds at most ${count(MAX_ITEMS)}`,
      )
    const last = [...items].reverse().find(isScalar)
    const style = last?.type as Style
    if (seq.flow) return this.flowList(index, seq, items, edit, style)

    let left = 0
    items.forEach((item, k) => {
      const [start, end] = this.at(item)
      const next = edit.items[k]
      if (next === undefined) return void left++
      if (!next.length)
        return void this.edits.push({ start: this.lineStart(start), end: this.lineEnd(end), text: '' })
      left += next.length
      this.edits.push({ start, end, text: yamlScalar(next[0]!, style, false) })
      const more = next.slice(1).map((v) => this.itemPrefix(start) + yamlScalar(v, style, false))
      this.insertLines(this.lineEnd(end), more)
    })
    if (edit.append.length) {
      const [start, end] = this.at(items[items.length - 1]!)
      const lines = edit.append.map((v) => this.itemPrefix(start) + yamlScalar(v, style, false))
      this.insertLines(this.lineEnd(end), lines)
      left += lines.length
    }
    // Nothing left: `recipients: []`, as export writes an empty list (a block list cannot be empty).
    if (!left) {
      const colon = this.text.indexOf(':', this.at(pair.key)[1])
      this.edits.push({ start: colon + 1, end: colon + 1, text: ' []' })
    }
  }

  /** `[a, b]` is rewritten whole, keeping its spacing; the rest of its line stays. */
  private flowList(index: number, seq: YAMLSeq, items: Node[], edit: RecipientsEdit, style: Style): void {
    const [start, end] = this.at(seq)
    const source = this.text.slice(start, end)
    if (source.includes('\n') && source.includes('#'))
      return this.problem(index, 'recipients', 'the list spans lines with comments in it')
    const values: string[] = []
    items.forEach((item, k) => {
      const next = edit.items[k]
      if (next === undefined) values.push(this.text.slice(...this.at(item)))
      else values.push(...next.map((v) => yamlScalar(v, style, true)))
    })
    values.push(...edit.append.map((v) => yamlScalar(v, style, true)))
    const between = items.length > 1 ? this.text.slice(this.at(items[0]!)[1], this.at(items[1]!)[0]) : ', '
    const sep = between.trim() === ',' && !between.includes('\n') ? between : ', '
    const pad = items.length && source[1] === ' ' ? ' ' : ''
    const text = values.length ? `[${pad}${values.join(sep)}${pad}]` : '[]'
    this.edits.push({ start, end, text })
  }

  /** New entries after the last one, indented as it is (or as export writes them under `reports: []`). */
  appendEntries(list: Entries, entries: readonly (readonly string[])[]): void {
    let dash = 2
    let keys = 4
    let blank = true
    let at: number
    if (list.emptyFlow) {
      // `reports: []` becomes `reports:` with the entries below it.
      const { key, list: seq } = list.emptyFlow
      this.base = 0
      const colon = this.text.indexOf(':', this.at(key)[1])
      this.edits.push({ start: colon + 1, end: this.at(seq)[1], text: '' })
      at = this.lineEnd(this.at(seq)[1])
    } else {
      const { node: last, base } = list.count ? list.entry(list.count - 1) : { node: undefined, base: 0 }
      if (list.flow || !isMap(last) || !last.range)
        return this.problem(
          -1,
          'reports',
          'entries cannot be appended to a flow list ([...]): add them by hand',
        )
      this.base = base
      const [start, end] = this.at(last)
      const lineStart = this.lineStart(start)
      dash = Math.max(0, this.text.indexOf('-', lineStart) - lineStart)
      keys = start - lineStart
      // Blank lines between entries (export's layout) if the lines above the last entry have one.
      if (list.count > 1) blank = this.blankAbove(lineStart)
      at = this.lineEnd(end)
    }
    const indent = (line: string) => {
      const n = line.length - line.trimStart().length
      return ' '.repeat(n ? keys + n - 2 : dash) + line.trimStart()
    }
    this.insertLines(
      at,
      entries.flatMap((lines) => [...(blank ? [''] : []), ...lines.map(indent)]),
    )
  }

  /** Whether a blank line comes before the first line of content above `lineStart` (comments skipped). */
  private blankAbove(lineStart: number): boolean {
    let end = lineStart - 1
    while (end > 0) {
      const start = this.text.lastIndexOf('\n', end - 1) + 1
      const line = this.text.slice(start, end).trim()
      if (!line) return true
      if (!line.startsWith('#')) return false
      end = start - 1
    }
    return false
  }

  private insertLines(at: number, lines: readonly string[]): void {
    if (!lines.length) return
    const eol = this.eol
    // A file that does not end with a line break keeps not ending with one.
    const text =
      at === this.text.length && at > 0 && !this.text.endsWith('\n')
        ? eol + lines.join(eol)
        : lines.map((l) => l + eol).join('')
    this.edits.push({ start: at, end: at, text })
  }

  /** `      - ` of the block list item whose value starts at `start`: what a new item's line starts with. */
  private itemPrefix(start: number): string {
    const line = this.lineStart(start)
    const dash = this.text.indexOf('-', line)
    if (dash < 0 || dash >= start || this.text.slice(line, dash).trim())
      return ' '.repeat(Math.max(0, start - line - 2)) + '- '
    let after = dash + 1
    while (this.text[after] === ' ') after++
    return this.text.slice(line, after)
  }

  private lineStart(at: number): number {
    return this.text.lastIndexOf('\n', at - 1) + 1
  }

  /** The offset after the line break of the line that `at` is on (or ends, when right after one). */
  private lineEnd(at: number): number {
    if (at > 0 && this.text[at - 1] === '\n') return at
    const nl = this.text.indexOf('\n', at)
    return nl < 0 ? this.text.length : nl + 1
  }
}

const count = (n: number) => n.toLocaleString('en')

/** `false` for `true`, `False` for `True`, `FALSE` for `TRUE`. */
function sameCase(value: string, old: string): string {
  if (/^[A-Z]+$/.test(old)) return value.toUpperCase()
  if (/^[A-Z]/.test(old)) return value[0]!.toUpperCase() + value.slice(1)
  return value
}
