import { CST } from 'yaml'
import type { TextEdit } from '../model.js'
import { anchorIn, contentEnd, isValue, itemsOf, pairOf, styleOf, type Item } from './edit-cst.js'
import { MAX_ITEMS } from './limits.js'
import type { Lines } from './lines.js'
import { yamlScalar, type ScalarStyle as Style } from './scalar.js'
import { count } from '../util/plural.js'

/** How an entry's recipient list changes; values are written as given (UUIDs or names). */
export interface RecipientsEdit {
  /** Per item as written: undefined keeps it; a list replaces it (an empty one removes it, with its trailing comment). */
  items: readonly (readonly string[] | undefined)[]
  /** Values added after the last item. */
  append: readonly string[]
}

/** What a list's edit needs of the editor: the file's lines, where edits go, where problems are told. */
interface ListEditor {
  readonly lines: Lines
  readonly edits: TextEdit[]
  /** Where the text of the entry at hand starts: its tokens' offsets count from there. */
  readonly base: number
  /** A token's offset in the file. */
  at(token: CST.Token | CST.SourceToken): number
  /** Writes `source`, yamlScalar's text for `value`, into a scalar token. */
  write(token: CST.Token, value: string, source: string): void
  problem(index: number, field: 'recipients', message: string): void
  insertLines(at: number, lines: readonly string[]): void
}

/**
 * An entry's recipients: items kept, replaced (by one value or several, each on its own line as the
 * list writes them) or removed with their line, values appended; a flow list `[a, b]` is rewritten
 * whole. Refused, with the field listed, when the list or an item carries an anchor another entry may
 * use, when an item is not a single scalar, or when the list would pass MAX_ITEMS.
 */
export function editRecipients(editor: ListEditor, index: number, pairs: Item[], edit: RecipientsEdit): void {
  const pair = pairOf(pairs, 'recipients')
  const list = pair?.value
  const items = itemsOf(list)
  if (!pair || !list || !items) return editor.problem(index, 'recipients', 'the value is not a list')
  const anchor = anchorIn(pair.sep)
  if (anchor) return editor.problem(index, 'recipients', `the list carries the anchor &${anchor}`)
  if (items.some((item) => !isValue(item.value)))
    return editor.problem(index, 'recipients', 'an item is not a single scalar')
  // An alias elsewhere may stand for an item: changing the list here would change that entry too.
  const anchored = items.map((item) => anchorIn(item.start)).find((a) => a !== undefined)
  if (anchored) return editor.problem(index, 'recipients', `an item carries the anchor &${anchored}`)
  const total = items.reduce((n, _, k) => n + (edit.items[k]?.length ?? 1), 0) + edit.append.length
  if (total > MAX_ITEMS)
    return editor.problem(
      index,
      'recipients',
      `the live report has ${count(total)} recipients; a list holds at most ${count(MAX_ITEMS)}`,
    )
  const style = styleOf([...items].reverse().find((item) => CST.isScalar(item.value))?.value)
  if (list.type === 'flow-collection') return flowList(editor, index, list, items, edit, style)

  let left = 0
  items.forEach((item, k) => {
    const value = item.value!
    const next = edit.items[k]
    if (next === undefined) return void left++
    const dash = item.start.find((t) => t.type === 'seq-item-ind')
    const from = editor.lines.lineStart(editor.at(dash ?? value))
    const lineEnd = editor.lines.lineEnd(editor.base + contentEnd(value))
    if (!next.length) return void editor.edits.push({ start: from, end: lineEnd, text: '' })
    left += next.length
    editor.write(value, next[0]!, yamlScalar(next[0]!, style, false))
    const prefix = itemPrefix(editor.lines, editor.at(value))
    editor.insertLines(
      lineEnd,
      next.slice(1).map((v) => prefix + yamlScalar(v, style, false)),
    )
  })
  if (edit.append.length) {
    const last = items[items.length - 1]!.value!
    const prefix = itemPrefix(editor.lines, editor.at(last))
    const lines = edit.append.map((v) => prefix + yamlScalar(v, style, false))
    editor.insertLines(editor.lines.lineEnd(editor.base + contentEnd(last)), lines)
    left += lines.length
  }
  // Nothing left: `recipients: []`, as export writes an empty list (a block list cannot be empty).
  const colon = pair.sep?.find((t) => t.type === 'map-value-ind')
  if (!left && colon)
    editor.edits.push({ start: editor.at(colon) + 1, end: editor.at(colon) + 1, text: ' []' })
}

/** `[a, b]` is rewritten whole, keeping its spacing; the rest of its line stays. */
function flowList(
  editor: ListEditor,
  index: number,
  list: CST.FlowCollection,
  items: Item[],
  edit: RecipientsEdit,
  style: Style,
): void {
  const start = editor.at(list)
  const end = editor.base + contentEnd(list)
  const source = editor.lines.text.slice(start, end)
  if (source.includes('\n') && source.includes('#'))
    return editor.problem(index, 'recipients', 'the list spans lines with comments in it')
  const own = (item: Item) => {
    const value = item.value as CST.FlowScalar
    return [editor.at(value), editor.at(value) + value.source.length] as const
  }
  const values: string[] = []
  items.forEach((item, k) => {
    const next = edit.items[k]
    if (next === undefined) values.push(editor.lines.text.slice(...own(item)))
    else values.push(...next.map((v) => yamlScalar(v, style, true)))
  })
  values.push(...edit.append.map((v) => yamlScalar(v, style, true)))
  const between = items.length > 1 ? editor.lines.text.slice(own(items[0]!)[1], own(items[1]!)[0]) : ', '
  const sep = between.trim() === ',' && !between.includes('\n') ? between : ', '
  const pad = items.length && source[1] === ' ' ? ' ' : ''
  const text = values.length ? `[${pad}${values.join(sep)}${pad}]` : '[]'
  editor.edits.push({ start, end, text })
}

/** `      - ` of the block list item whose value starts at `start`: what a new item's line starts with. */
function itemPrefix(lines: Lines, start: number): string {
  const text = lines.text
  const line = lines.lineStart(start)
  const dash = text.indexOf('-', line)
  if (dash < 0 || dash >= start || text.slice(line, dash).trim())
    return ' '.repeat(Math.max(0, start - line - 2)) + '- '
  let after = dash + 1
  while (text[after] === ' ') after++
  return text.slice(line, after)
}
