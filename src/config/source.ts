import {
  Composer,
  Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  Parser,
  YAMLParseError,
  type Node,
} from 'yaml'
import { inspect, listLimit, quoteEnd, type Limit } from './limits.js'

/** Far above any honest use of anchors, far below what a billion-laughs document needs. */
const MAX_ALIAS_COUNT = 1000
// logLevel 'error': yaml's warnings go to process.emitWarning, and quote the file (a key that is a collection).
const OPTIONS = { uniqueKeys: true, prettyErrors: false, logLevel: 'error' } as const
/**
 * An entry read on its own gets the schema a whole document gets (YAML 1.2, core), made once rather
 * than once per entry. Only there: an entry has no directive that could ask for another version.
 */
const ENTRY_OPTIONS = { ...OPTIONS, schema: new Document(undefined, OPTIONS).schema }

/** A YAML node and the offset in the file where the text it was parsed from starts. */
interface Located {
  node?: Node
  base: number
}

/** One of yaml's syntax errors: where, its words, and its code (TAB_AS_INDENT, BAD_INDENT, …). */
export interface YamlProblem {
  offset: number
  message: string
  code: string
}

/** reports.yaml parsed: its data, and the way back from a path in the data to the file. */
export interface YamlSource {
  data: unknown
  /** YAML syntax errors, by file offset. */
  syntax: YamlProblem[]
  /** Set when the document is nested too deep or a mapping is too large to compose (nothing else is read). */
  limit?: Limit
  /** Set when aliases expand past the limit (the "billion laughs" attack). */
  aliasError?: string
  /** The node at a path of the data; for an unknown key, the key's own node so an annotation lands on it. */
  locate(path: readonly (string | number)[], key?: string): Located
  /** File offsets of entry i's id and recipients (annotations of later failures). */
  mark(i: number): EntryMarks
  /** File offset of entry i's id value (or of the entry, when it has none): cheap, unlike mark(). */
  idOffset(i: number): number
}

/** Where a `reports` entry's id and each of its recipients are in the file. */
interface EntryMarks {
  /** The entry itself: where an entry without id is located. */
  start?: number
  id?: number
  recipients?: number[]
}

function marksOf(entry: unknown, base: number): EntryMarks {
  if (!isMap(entry)) return {}
  const id = entry.get('id', true)
  const list = entry.get('recipients', true)
  return {
    start: entry.range ? base + entry.range[0] : undefined,
    id: isNode(id) && id.range ? base + id.range[0] : undefined,
    recipients: isSeq(list)
      ? list.items.map((n) => base + (isNode(n) && n.range ? n.range[0] : 0))
      : undefined,
  }
}

/**
 * Parses reports.yaml with yaml, the one parser: a file means the same whatever its size. A large file
 * of plain block YAML (no anchors, tags or directives, the list last) is parsed an entry at a time:
 * yaml holds a whole document's syntax tree and nodes at once (~1.2 s and ~210 MB at 10,000 reports),
 * one entry's only while it is read. Each entry is the same text, read by the same parser with the same
 * options, so it means what it means in the whole document; anything that could make a part depend on
 * another (an anchor, an alias, a tag, an error) sends the file to the whole-document parse instead.
 */
export function parseYaml(text: string): YamlSource {
  return byEntry(text) ?? whole(text)
}

interface Parsed {
  doc?: Document.Parsed
  limit?: Limit
  references: boolean
}

/**
 * yaml's parseDocument in its two steps, with the syntax tree checked between them: composing recurses
 * once per level of nesting, so a document nested too deep is refused before it could overflow the stack.
 */
function parse(text: string, depth = 0, options: typeof OPTIONS | typeof ENTRY_OPTIONS = OPTIONS): Parsed {
  const tokens = Array.from(new Parser().parse(text))
  const shape = inspect(tokens, depth)
  if (shape.limit) return shape
  let doc: Document.Parsed | undefined
  for (const next of new Composer(options).compose(tokens, true, text.length)) {
    if (!doc) doc = next
    else {
      const [from, to] = next.range
      doc.errors.push(
        new YAMLParseError(
          [from, to],
          'MULTIPLE_DOCS',
          'a second YAML document starts here (after `---` or `...`); reports.yaml holds one',
        ),
      )
      break
    }
  }
  return { doc, references: shape.references }
}

function toData(doc: Document): { data: unknown; aliasError?: string } {
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) }
  } catch (e) {
    return { data: undefined, aliasError: (e as Error).message }
  }
}

function syntaxOf(doc: Document, base: number): YamlProblem[] {
  return doc.errors.map((e) => ({
    offset: base + e.pos[0],
    message: e.message.split('\n')[0]!,
    code: e.code,
  }))
}

function find(doc: Document | undefined, path: readonly (string | number)[], key: string | undefined) {
  return findIn(doc?.contents, path, key)
}

function findIn(
  root: unknown,
  path: readonly (string | number)[],
  key: string | undefined,
): Node | undefined {
  const node = path.length && (isMap(root) || isSeq(root)) ? root.getIn(path, true) : root
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key)
    if (pair && isNode(pair.key)) return pair.key
  }
  return isNode(node) ? node : undefined
}

export function whole(text: string): YamlSource {
  const { doc, limit } = parse(text)
  const { data, aliasError } = doc && !doc.errors.length ? toData(doc) : { data: undefined }
  const list = doc?.get('reports', true)
  const marks = (i: number) => (isSeq(list) ? marksOf(list.items[i], 0) : {})
  return {
    data,
    aliasError,
    limit,
    syntax: doc ? syntaxOf(doc, 0) : [],
    locate: (path, key) => ({ node: find(doc, path, key), base: 0 }),
    mark: marks,
    idOffset: (i) => marks(i).id ?? marks(i).start ?? 0,
  }
}

const TOP_LEVEL_REPORTS = /^reports:[ \t]*(#.*)?$/
// Anchors, aliases, tags, directives, document markers, tabs: whatever could make an entry mean
// something other than its own text says. A cheap first look (the syntax tree of each part is the
// proof); conservative: a false alarm only costs the whole-file path.
const NOT_PLAIN = /(^|[\s[{,:?])[&*!][^\s]|^%|^---|^\.\.\.|\t/m
const MIN_ENTRIES_FOR_SPLIT = 200

const SPACE = 32
const HASH = 35
const DASH = 45

/** Where a quote or a flow collection may begin: after YAML white space or a flow/mapping indicator. */
function startsToken(code: number): boolean {
  if (code > 127) return /\s/.test(String.fromCharCode(code))
  return (
    code === SPACE || (code >= 9 && code <= 13) || code === 58 || code === 91 || code === 123 || code === 44
  )
}

/**
 * Whether every quoted scalar and flow collection that opens on the line text[from, to) also closes on
 * it. Reads character codes in place: a 10,000-report file has 100,000 lines, and a string per line
 * (or per character) is garbage enough to make V8 grow its young generation for the rest of the run.
 */
export function closedOnItsLine(text: string, from = 0, to = text.length): boolean {
  let depth = 0
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    const starts = i === from || startsToken(text.charCodeAt(i - 1))
    if (c === HASH && (i === from || text.charCodeAt(i - 1) === SPACE)) break
    if ((c === 34 || c === 39) && starts) {
      i = quoteEnd(text, i, to)
      if (i < 0) return false
    } else if ((c === 91 || c === 123) && (starts || depth > 0)) depth++
    else if ((c === 93 || c === 125) && depth > 0) depth--
  }
  return depth === 0
}

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
 * Otherwise undefined. Walks the lines by offset, without a string per line.
 */
function entryOffsets(text: string): number[] | undefined {
  let inBlock = false
  let indent = -1
  const entries: number[] = []
  for (let from = 0; from <= text.length; ) {
    let to = text.indexOf('\n', from)
    if (to < 0) to = text.length
    if (!closedOnItsLine(text, from, to)) return undefined
    if (!inBlock) inBlock = isReportsKey(text, from, to)
    else {
      if (isReportsKey(text, from, to)) return undefined
      let at = from
      while (at < to && text.charCodeAt(at) === SPACE) at++
      if (at < to && text.charCodeAt(at) !== HASH) {
        const col = at - from
        const item = isItem(text, at, to)
        if (indent < 0) {
          if (!item) return undefined
          indent = col
        }
        if (col < indent || (col === indent && !item)) return undefined
        if (col === indent) entries.push(from)
      }
    }
    from = to + 1
  }
  return inBlock ? entries : undefined
}

/**
 * Where each entry of `reports` starts, when the file has the plain shape whose entries can be read
 * one at a time (entryOffsets, and none of what NOT_PLAIN looks for); otherwise undefined.
 */
export function plainEntryOffsets(text: string): number[] | undefined {
  // __proto__ keys are for the whole-document parse to report as unknown keys, with their place.
  if (NOT_PLAIN.test(text) || text.includes('__proto__')) return undefined
  return entryOffsets(text)
}

/**
 * The node of the one entry of the reports list that text[from, to) holds, read on its own as byEntry
 * reads it (offsets in the node are relative to `from`).
 */
export function entryNode(text: string, from: number, to: number): Node | undefined {
  const seq = parse(text.slice(from, to), 1, ENTRY_OPTIONS).doc?.contents
  return isSeq(seq) && isNode(seq.items[0]) ? seq.items[0] : undefined
}

/** The whole document as reading composes it (same options, same limits); undefined past a limit. */
export function wholeDocument(text: string): Document.Parsed | undefined {
  return parse(text).doc
}

export function byEntry(text: string): YamlSource | undefined {
  const entries = plainEntryOffsets(text)
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

/** A part read on its own means what it means in the whole: no reference to another part, no error. */
function plain(p: Parsed): p is Parsed & { doc: Document.Parsed } {
  return !!p.doc && !p.limit && !p.references && !p.doc.errors.length
}
