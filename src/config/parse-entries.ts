import { isNode, isSeq, type Node } from 'yaml'
import { listLimit } from './limits.js'
import { closedOnItsLine, Lines } from './lines.js'
import { ENTRY_OPTIONS, find, findIn, marksOf, parse, plain, type YamlSource } from './parse-document.js'

/*
 * The entry-at-a-time parse, kept for memory: yaml holds a whole document's syntax tree and nodes at
 * once, one entry's only while it is read. Validating 10,000 reports (3.6 MB) peaks at 320 MB and
 * 1.9 s of CPU parsed whole, at 124 MB and 1.15 s an entry at a time; the benchmark's target is under
 * 150 MB at 10,000 reports. It is the same parser with the same options on the same text: a large file of
 * plain block YAML (no anchors, tags or directives, the list last) is cut where its entries start,
 * and each entry is read as the list item it is in the whole document, so it means what it means
 * there. Anything that could make a part depend on another (an anchor, an alias, a tag, an error)
 * sends the file to the whole-document parse instead, and every bound is counted as that parse counts
 * it, with the same words (test/unit/source.test.ts holds the two to the same data and errors).
 */

const TOP_LEVEL_REPORTS = /^reports:[ \t]*(#.*)?$/
// Anchors, aliases, tags, directives, document markers, tabs: whatever could make an entry mean
// something other than its own text says. A cheap first look (the syntax tree of each part is the
// proof); conservative: a false alarm only costs the whole-file path.
const NOT_PLAIN = /(^|[\s[{,:?])[&*!][^\s]|^%|^---|^\.\.\.|\t/m
const MIN_ENTRIES_FOR_SPLIT = 200

const SPACE = 32
const HASH = 35
const DASH = 45

/** `- ` (or a lone `-`) at text[at]: a list item. */
function isItem(text: string, at: number, to: number): boolean {
  return text.charCodeAt(at) === DASH && (at + 1 === to || text.charCodeAt(at + 1) === SPACE)
}

function isReportsKey(text: string, from: number, to: number): boolean {
  return text.startsWith('reports:', from) && TOP_LEVEL_REPORTS.test(text.slice(from, to))
}

/**
 * The file offsets where the entries of the top-level `reports:` block begin, when the file has the
 * plain shape `export` writes: the block runs to the end of the file, each entry starts with `- ` on the
 * block's indentation, nothing else sits there, and every quote and bracket closes on its line.
 * Otherwise undefined.
 */
function entryOffsets(lines: Lines): number[] | undefined {
  const text = lines.text
  let inBlock = false
  let indent = -1
  const entries: number[] = []
  for (let i = 0; i < lines.count; i++) {
    const from = lines.start(i)
    const to = lines.end(i)
    if (!closedOnItsLine(text, from, to)) return undefined
    if (!inBlock) inBlock = isReportsKey(text, from, to)
    else {
      if (isReportsKey(text, from, to)) return undefined
      const col = lines.indent(i)
      const at = from + col
      if (at < to && text.charCodeAt(at) !== HASH) {
        const item = isItem(text, at, to)
        if (indent < 0) {
          if (!item) return undefined
          indent = col
        }
        if (col < indent || (col === indent && !item)) return undefined
        if (col === indent) entries.push(from)
      }
    }
  }
  return inBlock ? entries : undefined
}

/**
 * Where each entry of `reports` starts, when the file has the plain shape whose entries can be read
 * one at a time (entryOffsets, and none of what NOT_PLAIN looks for); otherwise undefined.
 */
export function plainEntryOffsets(text: string, lines?: Lines): number[] | undefined {
  // __proto__ keys are for the whole-document parse to report as unknown keys, with their place.
  if (NOT_PLAIN.test(text) || text.includes('__proto__')) return undefined
  return entryOffsets(lines ?? new Lines(text))
}

/**
 * The node of the one entry of the reports list that text[from, to) holds, read on its own as byEntry
 * reads it (offsets in the node are relative to `from`).
 */
function entryNode(text: string, from: number, to: number): Node | undefined {
  const seq = parse(text.slice(from, to), 1, ENTRY_OPTIONS).doc?.contents
  return isSeq(seq) && isNode(seq.items[0]) ? seq.items[0] : undefined
}

/** The file read an entry at a time, when it is large and plain enough (see above); otherwise undefined. */
export function byEntry(text: string, lines?: Lines): YamlSource | undefined {
  const entries = plainEntryOffsets(text, lines)
  if (!entries || entries.length < MIN_ENTRIES_FOR_SPLIT) return undefined
  // Counted here as the whole-document parse counts the list (at its first `-`), before any entry is read.
  let dash = entries[0]!
  while (text.charCodeAt(dash) === SPACE) dash++
  const limit = listLimit(dash, entries.length, 1)
  if (limit)
    return {
      data: undefined,
      syntax: [],
      limit,
      locate: () => ({ base: 0 }),
      mark: () => ({}),
      idOffset: () => 0,
    }

  const head = parse(text.slice(0, entries[0]))
  if (!plain(head)) return undefined
  const data = head.doc.toJS() as { reports?: unknown } | null
  if (data?.reports !== null) return undefined
  const reports = readEntries(text, entries)
  if (!reports) return undefined
  data.reports = reports

  const spanOf = (i: number) =>
    i >= 0 && i < entries.length ? { from: entries[i]!, to: entries[i + 1] ?? text.length } : undefined
  // Positions come from the same parse of one entry, repeated only when asked: for an error, or a
  // report that fails.
  const entry = (i: number) => {
    const span = spanOf(i)
    return span && { node: entryNode(text, span.from, span.to), base: span.from }
  }
  return {
    data,
    syntax: [],
    mark(i) {
      const e = entry(i)
      return marksOf(e?.node, e?.base ?? 0)
    },
    idOffset(i) {
      // `- id: …` or `id: …` at the entry's key column: found in the text, so no entry is parsed twice.
      const span = spanOf(i)!
      const first = /^( *- +)id: */.exec(text.slice(span.from, Math.min(span.to, span.from + 200)))
      if (first) return span.from + first[0].length
      const keyCol = /^ *- +/.exec(text.slice(span.from, span.from + 200))?.[0].length ?? 0
      const rest = new RegExp(`^ {${keyCol}}id: *`, 'm').exec(text.slice(span.from, span.to))
      return rest ? span.from + rest.index + rest[0].length : (this.mark(i).id ?? span.from)
    },
    locate(path, key) {
      if (path[0] !== 'reports' || path.length < 2) return { node: find(head.doc, path, key), base: 0 }
      const e = entry(path[1] as number)
      if (!e?.node) return { base: 0 }
      const inner = path.slice(2)
      const node = !inner.length && key === undefined ? e.node : findIn(e.node, inner, key)
      return { node, base: e.base }
    },
  }
}

/** Each entry read on its own, as byEntry reads it; undefined as soon as one cannot be. */
function readEntries(text: string, entries: readonly number[]): unknown[] | undefined {
  const all: unknown[] = []
  for (let i = 0; i < entries.length; i++) {
    // Inside the list, an entry sits at depth 1 of the whole document.
    const entry = parse(text.slice(entries[i], entries[i + 1] ?? text.length), 1, ENTRY_OPTIONS)
    const list = entry.doc?.contents
    if (!plain(entry) || !isSeq(list) || list.items.length !== 1) return undefined
    all.push((entry.doc.toJS() as unknown[])[0])
  }
  return all
}
