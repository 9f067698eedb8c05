import { clip } from './errors.js'
import { closedOnItsLine, type Lines } from './lines.js'

/** A mistake in how a line is indented, in plain words, at the line that has it. */
export interface IndentationProblem {
  offset: number
  message: string
}

/** A key or a list item that lines below may sit beside (same column) or inside (deeper). */
interface Open {
  column: number
  name: string
  /** A `- ` list item rather than a key. */
  item: boolean
}

/** What one line holds, read as YAML's block structure: its entries, and whether it opens a block. */
interface Line {
  /** A `- ` per list item, then a `key:`, each with its 0-based column. */
  entries: Open[]
  /** Ends with `key:`, `-` or a block scalar's `|`/`>`: the next lines may be deeper. */
  opens: boolean
  /** A block scalar (`|`, `>`) starts: deeper lines are its text. */
  blockScalar: boolean
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]}:,][^#]*?)[ \t]*:(?:[ \t]|$)/
const BLOCK_SCALAR = /^[|>][-+0-9]*[ \t]*(#.*)?$/

const shown = (name: string) => `\`${clip(name, 40)}\``

/** Reads a line's block structure; undefined for what this reading does not know (it then stays silent). */
function readLine(text: string, from: number, to: number, indent: number): Line | 'continuation' | undefined {
  const entries: Open[] = []
  let at = from + indent
  for (;;) {
    const c = text[at]
    if (c === '-' && (at + 1 === to || text[at + 1] === ' ')) {
      entries.push({ column: at - from, name: '-', item: true })
      at++
      while (text[at] === ' ') at++
      if (at === to || text[at] === '#') return { entries, opens: true, blockScalar: false }
      continue
    }
    if (c === '?' || c === '%' || (c === ':' && text[at + 1] === ' ')) return undefined
    break
  }
  const rest = text.slice(at, to).replace(/\r$/, '')
  const key = KEY.exec(rest)
  if (!key) {
    if (!entries.length) return 'continuation'
    entries[entries.length - 1]!.name = rest.replace(/[ \t]+#.*$/, '').trim() || '-'
    return { entries, opens: false, blockScalar: BLOCK_SCALAR.test(rest) }
  }
  entries.push({ column: at - from, name: key[1]!, item: false })
  const value = rest.slice(key[0].length).trim()
  const blockScalar = BLOCK_SCALAR.test(value)
  return { entries, opens: value === '' || value.startsWith('#') || blockScalar, blockScalar }
}

/**
 * The first line whose indentation cannot be right: a key deeper than the key above it when that key
 * already has its value, or a key that lines up with nothing above it. yaml notices both, in its own
 * words and often at the line before ("Nested mappings are not allowed in compact mappings"); this
 * names the line and the two keys. Silent (undefined) wherever it is unsure: flow collections or
 * quoted text over several lines, explicit keys, directives.
 */
export function indentationProblem(lines: Lines): IndentationProblem | undefined {
  const text = lines.text
  let open: Open[] = []
  let previous: Line | undefined
  let scalarColumn = -1 // a block scalar's text: lines deeper than this column
  for (let i = 0; i < lines.count; i++) {
    const number = i + 1
    const start = lines.start(i)
    const to = lines.end(i)
    const indent = lines.indent(i)
    const first = text[start + indent]
    if (start + indent >= to || first === '#' || first === '\r') continue // blank or comment
    if (scalarColumn >= 0 && indent > scalarColumn) continue
    scalarColumn = -1
    if (first === '\t') return undefined // tabs have their own message
    if (indent === 0 && /^(---|\.\.\.)(\s|$)/.test(text.slice(start, Math.min(to, start + 4)))) {
      open = []
      previous = undefined
      continue
    }
    if (!closedOnItsLine(text, start, to)) return undefined
    const line = readLine(text, start, to, indent)
    if (line === undefined) return undefined
    if (line === 'continuation') continue

    const head = line.entries[0]!
    const top = () => open[open.length - 1]
    let above: Open | undefined // the nearest entry deeper than this line: what it fails to line up with
    while (top() && top()!.column > indent) above = open.pop()
    const misplaced = (message: string) => ({
      offset: start + indent,
      message: `check the indentation of line ${number}: ${shown(head.name)} ${message}`,
    })
    const notLinedUp = (o: Open) =>
      misplaced(`does not line up with ${shown(o.name)} above it (column ${indent + 1}, not ${o.column + 1})`)
    if (top()?.column === indent && top()!.item && !head.item) {
      // A key where a list's items are: the list has ended, and a mapping further out must take it.
      above ??= top()
      open.pop()
      if (top()?.column !== indent) return notLinedUp(above!)
    }
    const beside = top()?.column === indent
    if (beside && !top()!.item && head.item) {
      // `key:` with its list at the key's own column; anything else here is not this reading's to judge.
      if (!previous?.opens) return undefined
    } else if (!beside && previous && !previous.opens) {
      const last = previous.entries[previous.entries.length - 1]!
      return above ? notLinedUp(above) : misplaced(`is indented deeper than ${shown(last.name)} above it`)
    } else if (beside) open.pop()
    open.push(...line.entries)
    if (line.blockScalar) scalarColumn = line.entries[line.entries.length - 1]!.column
    previous = line
  }
  return undefined
}
