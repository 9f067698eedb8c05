import { CST } from 'yaml'
import type { TextEdit } from '../model.js'
import { contentEnd, hasProps, pairOf, pairsOf, type Entries, type Item } from './edit-cst.js'
import type { Lines } from './lines.js'
import { yamlScalar } from './scalar.js'

// What pull adds to reports.yaml rather than changes in it: an entry's id, and new entries.

/** What adding needs of the editor: the file's lines, where edits go, where problems are told. */
interface Adder {
  readonly lines: Lines
  readonly eol: string
  readonly edits: TextEdit[]
  problem(index: number, field: 'id' | 'reports', message: string): void
  insertLines(at: number, lines: readonly string[]): void
}

/**
 * `id: <uuid>` before the entry's first key, at that key's column (`- name: x` becomes `- id: …` and
 * `  name: x` below it; `{kind: …}` becomes `{id: …, kind: …}`): the one key pull adds. `base`: where
 * the entry's text starts in the file.
 */
export function insertId(
  editor: Adder,
  index: number,
  entry: CST.Token,
  base: number,
  pairs: Item[],
  id: string,
): void {
  if (pairOf(pairs, 'id')) return editor.problem(index, 'id', 'the entry has an id already')
  const first = pairs[0]
  if (!first?.key || !CST.isScalar(first.key) || first.key.type === 'block-scalar' || hasProps(first.start))
    return editor.problem(index, 'id', 'the entry does not start with a plain key')
  const flow = entry.type === 'flow-collection'
  const start = base + first.key.offset
  const lineStart = editor.lines.lineStart(start)
  const value = yamlScalar(id, undefined, flow)
  // A block entry must start its line with the key (after `- ` or spaces): then the new line lines up.
  if (!flow && !/^[ ]*(- +)?$/.test(editor.lines.text.slice(lineStart, start)))
    return editor.problem(index, 'id', 'the entry does not start its line')
  const text = flow ? `id: ${value}, ` : `id: ${value}${editor.eol}${' '.repeat(start - lineStart)}`
  editor.edits.push({ start, end: start, text })
}

/**
 * New entries after the last one of `reports`, indented as it is (or as export writes them under
 * `reports: []`, which becomes `reports:` with the entries below it); with a blank line before each
 * when the file has one between its entries (export's layout).
 */
export function appendEntries(editor: Adder, list: Entries, entries: readonly (readonly string[])[]): void {
  const { lines } = editor
  const text = lines.text
  let dash = 2
  let keys = 4
  let blank = true
  let at: number
  if (list.emptyFlow) {
    const colon = list.emptyFlow.sep?.find((t) => t.type === 'map-value-ind')
    const end = contentEnd(list.emptyFlow.value!)
    editor.edits.push({ start: colon!.offset + 1, end, text: '' })
    at = lines.lineEnd(end)
  } else {
    const { token: last, base } = list.count ? list.entry(list.count - 1) : { token: undefined, base: 0 }
    if (list.flow || !last || !pairsOf(last))
      return editor.problem(
        -1,
        'reports',
        'entries cannot be appended to a flow list ([...]): add them by hand',
      )
    const start = base + last.offset
    const lineStart = lines.lineStart(start)
    dash = Math.max(0, text.indexOf('-', lineStart) - lineStart)
    keys = start - lineStart
    if (list.count > 1) blank = blankAbove(lines, lineStart)
    at = lines.lineEnd(base + contentEnd(last))
  }
  const indent = (line: string) => {
    const n = line.length - line.trimStart().length
    return ' '.repeat(n ? keys + n - 2 : dash) + line.trimStart()
  }
  editor.insertLines(
    at,
    entries.flatMap((entry) => [...(blank ? [''] : []), ...entry.map(indent)]),
  )
}

/** Whether a blank line comes before the first line of content above `lineStart` (comments skipped). */
function blankAbove(lines: Lines, lineStart: number): boolean {
  for (let i = lines.position(lineStart).line - 2; i >= 0; i--) {
    const line = lines.text.slice(lines.start(i), lines.end(i)).trim()
    if (!line) return true
    if (!line.startsWith('#')) return false
  }
  return false
}
