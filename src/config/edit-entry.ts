import { CST } from 'yaml'
import type { TextEdit } from '../model.js'
import {
  anchorIn,
  contentEnd,
  isValue,
  itemsOf,
  pairOf,
  pairsOf,
  setScalar,
  styleOf,
  type Item,
} from './edit-cst.js'
import { insertId } from './edit-add.js'
import { MAX_ITEMS, MAX_LINE_LENGTH } from './limits.js'
import type { Lines } from './lines.js'
import { sameCase, yamlScalar, type ScalarStyle as Style } from './scalar.js'

const count = (n: number) => n.toLocaleString('en')

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

/**
 * The edits of one file: each value goes into its token of yaml's syntax tree (CST) and comes out
 * through CST.stringify, at the token's own offset; lines are found by the one scanner (Lines).
 */
export class Editor {
  readonly edits: TextEdit[] = []
  readonly problems: EditProblem[] = []
  /** The file's line ending, for the lines it gains. */
  readonly eol: string
  /** Where the text of the entry at hand starts: its tokens' offsets count from there. */
  private base = 0
  private readonly text: string

  constructor(readonly lines: Lines) {
    this.text = lines.text
    const nl = this.text.indexOf('\n')
    this.eol = nl > 0 && this.text[nl - 1] === '\r' ? '\r\n' : '\n'
  }

  /** A token's offset in the file. */
  private at(token: CST.Token | CST.SourceToken): number {
    return this.base + token.offset
  }

  entry(token: CST.Token | undefined, base: number, edit: EntryEdit): void {
    this.base = base
    const fields = [
      ...Object.keys(edit.scalars ?? {}),
      ...(edit.recipients ? ['recipients'] : []),
      ...(edit.id ? ['id'] : []),
    ]
    const pairs = pairsOf(token)
    if (!token || !pairs) {
      for (const field of fields) this.problem(edit.index, field as ScalarField, 'the entry is not a mapping')
      return
    }
    for (const [field, value] of Object.entries(edit.scalars ?? {}) as [ScalarField, string | boolean][])
      this.field(edit.index, field, () => this.scalar(edit.index, field, pairOf(pairs, field), value))
    const recipients = edit.recipients
    if (recipients) this.field(edit.index, 'recipients', () => this.recipients(edit.index, pairs, recipients))
    const id = edit.id
    if (id) this.field(edit.index, 'id', () => insertId(this, edit.index, token, this.base, pairs, id))
  }

  /**
   * Makes one field's edits, and takes them back when a line they make would be longer than reading
   * allows (a list of a thousand UUIDs in `[...]`): that field is listed, the others still change.
   */
  private field(index: number, field: EditProblem['field'], make: () => void): void {
    const mark = this.edits.length
    make()
    const longest = Math.max(0, ...this.edits.slice(mark).map((e) => this.lines.longestAfter(e)))
    if (longest <= MAX_LINE_LENGTH) return
    this.edits.length = mark
    this.problem(
      index,
      field,
      `the live value would make a line ${count(longest)} characters long; the limit is ${count(MAX_LINE_LENGTH)}`,
    )
  }

  problem(index: number, field: EditProblem['field'], message: string): void {
    this.problems.push({ index, field, message })
  }

  /** Writes `source` into the value token (yamlScalar's text), as an edit of the token's own text. */
  private write(token: CST.Token, value: string, source: string): void {
    const start = this.at(token)
    const old = CST.stringify(token)
    setScalar(token, value, source)
    this.edits.push({ start, end: start + old.length, text: CST.stringify(token) })
  }

  private scalar(index: number, field: ScalarField, pair: Item | undefined, value: string | boolean): void {
    const token = pair?.value
    if (!isValue(token)) return this.problem(index, field, 'the value is not a single scalar')
    // Another entry may use the anchor through an alias: changing it here would change that one too.
    const anchor = anchorIn(pair?.sep, token.type === 'block-scalar' ? token.props : undefined)
    if (anchor) return this.problem(index, field, `the value carries the anchor &${anchor}`)
    const text =
      typeof value === 'boolean'
        ? sameCase(String(value), token.source)
        : yamlScalar(value, styleOf(token), false)
    this.write(token, String(value), text)
  }

  private recipients(index: number, pairs: Item[], edit: RecipientsEdit): void {
    const pair = pairOf(pairs, 'recipients')
    const list = pair?.value
    const items = itemsOf(list)
    if (!pair || !list || !items) return this.problem(index, 'recipients', 'the value is not a list')
    const anchor = anchorIn(pair.sep)
    if (anchor) return this.problem(index, 'recipients', `the list carries the anchor &${anchor}`)
    if (items.some((item) => !isValue(item.value)))
      return this.problem(index, 'recipients', 'an item is not a single scalar')
    // An alias elsewhere may stand for an item: changing the list here would change that entry too.
    const anchored = items.map((item) => anchorIn(item.start)).find((a) => a !== undefined)
    if (anchored) return this.problem(index, 'recipients', `an item carries the anchor &${anchored}`)
    const total = items.reduce((n, _, k) => n + (edit.items[k]?.length ?? 1), 0) + edit.append.length
    if (total > MAX_ITEMS)
      return this.problem(
        index,
        'recipients',
        `the live report has ${count(total)} recipients; a list holds at most ${count(MAX_ITEMS)}`,
      )
    const style = styleOf([...items].reverse().find((item) => CST.isScalar(item.value))?.value)
    if (list.type === 'flow-collection') return this.flowList(index, list, items, edit, style)

    let left = 0
    items.forEach((item, k) => {
      const value = item.value!
      const next = edit.items[k]
      if (next === undefined) return void left++
      const dash = item.start.find((t) => t.type === 'seq-item-ind')
      const from = this.lines.lineStart(this.at(dash ?? value))
      const lineEnd = this.lines.lineEnd(this.base + contentEnd(value))
      if (!next.length) return void this.edits.push({ start: from, end: lineEnd, text: '' })
      left += next.length
      this.write(value, next[0]!, yamlScalar(next[0]!, style, false))
      const prefix = this.itemPrefix(this.at(value))
      this.insertLines(
        lineEnd,
        next.slice(1).map((v) => prefix + yamlScalar(v, style, false)),
      )
    })
    if (edit.append.length) {
      const last = items[items.length - 1]!.value!
      const prefix = this.itemPrefix(this.at(last))
      const lines = edit.append.map((v) => prefix + yamlScalar(v, style, false))
      this.insertLines(this.lines.lineEnd(this.base + contentEnd(last)), lines)
      left += lines.length
    }
    // Nothing left: `recipients: []`, as export writes an empty list (a block list cannot be empty).
    const colon = pair.sep?.find((t) => t.type === 'map-value-ind')
    if (!left && colon) this.edits.push({ start: this.at(colon) + 1, end: this.at(colon) + 1, text: ' []' })
  }

  /** `[a, b]` is rewritten whole, keeping its spacing; the rest of its line stays. */
  private flowList(
    index: number,
    list: CST.FlowCollection,
    items: Item[],
    edit: RecipientsEdit,
    style: Style,
  ): void {
    const start = this.at(list)
    const end = this.base + contentEnd(list)
    const source = this.text.slice(start, end)
    if (source.includes('\n') && source.includes('#'))
      return this.problem(index, 'recipients', 'the list spans lines with comments in it')
    const own = (item: Item) => {
      const value = item.value as CST.FlowScalar
      return [this.at(value), this.at(value) + value.source.length] as const
    }
    const values: string[] = []
    items.forEach((item, k) => {
      const next = edit.items[k]
      if (next === undefined) values.push(this.text.slice(...own(item)))
      else values.push(...next.map((v) => yamlScalar(v, style, true)))
    })
    values.push(...edit.append.map((v) => yamlScalar(v, style, true)))
    const between = items.length > 1 ? this.text.slice(own(items[0]!)[1], own(items[1]!)[0]) : ', '
    const sep = between.trim() === ',' && !between.includes('\n') ? between : ', '
    const pad = items.length && source[1] === ' ' ? ' ' : ''
    const text = values.length ? `[${pad}${values.join(sep)}${pad}]` : '[]'
    this.edits.push({ start, end, text })
  }

  /** New lines at `at` (a line's start), each ending as the file's lines end. */
  insertLines(at: number, lines: readonly string[]): void {
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
    const line = this.lines.lineStart(start)
    const dash = this.text.indexOf('-', line)
    if (dash < 0 || dash >= start || this.text.slice(line, dash).trim())
      return ' '.repeat(Math.max(0, start - line - 2)) + '- '
    let after = dash + 1
    while (this.text[after] === ' ') after++
    return this.text.slice(line, after)
  }
}
