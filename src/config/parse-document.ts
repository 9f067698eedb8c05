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
import { inspect, type Limit } from './limits.js'

// yaml, the one parser, as reading uses it: the same options and limits for a whole document and for
// an entry read on its own (parse-entries.ts), and the way back from a path in the data to the file.

/** Far above any honest use of anchors, far below what a billion-laughs document needs. */
const MAX_ALIAS_COUNT = 1000
// logLevel 'error': yaml's warnings go to process.emitWarning, and quote the file (a key that is a collection).
const OPTIONS = { uniqueKeys: true, prettyErrors: false, logLevel: 'error' } as const
/**
 * An entry read on its own gets the schema a whole document gets (YAML 1.2, core), made once rather
 * than once per entry. Only there: an entry has no directive that could ask for another version.
 */
export const ENTRY_OPTIONS = { ...OPTIONS, schema: new Document(undefined, OPTIONS).schema }

/** A YAML node and the offset in the file where the text it was parsed from starts. */
export interface Located {
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
export interface EntryMarks {
  /** The entry itself: where an entry without id is located. */
  start?: number
  id?: number
  recipients?: number[]
}

export function marksOf(entry: unknown, base: number): EntryMarks {
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

export interface Parsed {
  doc?: Document.Parsed
  limit?: Limit
  references: boolean
}

/**
 * yaml's parseDocument in its two steps, with the syntax tree checked between them: composing recurses
 * once per level of nesting, so a document nested too deep is refused before it could overflow the stack.
 */
export function parse(
  text: string,
  depth = 0,
  options: typeof OPTIONS | typeof ENTRY_OPTIONS = OPTIONS,
): Parsed {
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

export function find(doc: Document | undefined, path: readonly (string | number)[], key: string | undefined) {
  return findIn(doc?.contents, path, key)
}

export function findIn(
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

/** The file read as one document: every path the data has can be located in it. */
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

/** A part read on its own means what it means in the whole: no reference to another part, no error. */
export function plain(p: Parsed): p is Parsed & { doc: Document.Parsed } {
  return !!p.doc && !p.limit && !p.references && !p.doc.errors.length
}
