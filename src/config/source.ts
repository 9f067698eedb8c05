import jsyaml from 'js-yaml'
import { isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml'

/** Far above any honest use of anchors, far below what a billion-laughs document needs. */
const MAX_ALIAS_COUNT = 1000
const OPTIONS = { uniqueKeys: true, prettyErrors: false } as const

/** A YAML node and the offset in the file where the text it was parsed from starts. */
export interface Located {
  node?: Node
  base: number
}

/** reports.yaml parsed: its data, and the way back from a path in the data to the file. */
export interface YamlSource {
  data: unknown
  /** YAML syntax errors, by file offset. */
  syntax: { offset: number; message: string }[]
  /** Set when aliases expand past the limit (the "billion laughs" attack). */
  aliasError?: string
  /** The node at a path of the data; for an unknown key, the key's own node so an annotation lands on it. */
  locate(path: readonly (string | number)[], key?: string): Located
  /** File offsets of entry i's id and recipients (annotations of later failures). */
  mark(i: number): EntryMarks
  /** File offset of entry i's id value (every report carries it): cheap, unlike mark(). */
  idOffset(i: number): number
}

/** Where a `reports` entry's id and each of its recipients are in the file. */
export interface EntryMarks {
  id?: number
  recipients?: number[]
}

function marksOf(entry: unknown, base: number): EntryMarks {
  if (!isMap(entry)) return {}
  const id = entry.get('id', true)
  const list = entry.get('recipients', true)
  return {
    id: isNode(id) && id.range ? base + id.range[0] : undefined,
    recipients: isSeq(list)
      ? list.items.map((n) => base + (isNode(n) && n.range ? n.range[0] : 0))
      : undefined,
  }
}

/**
 * Parses reports.yaml. A large file of plain block YAML (no anchors, tags or directives, the list last)
 * is read by js-yaml, ~10 times faster and leaner than yaml, which holds a whole document's syntax and
 * node trees at once (~2.5 s and ~200 MB at 10,000 reports). yaml stays the authority: any file that is
 * not plain, any error, and every position (errors, annotations) come from it, an entry at a time.
 */
export function parseYaml(text: string): YamlSource {
  const fast = byEntry(text)
  if (fast && !fast.syntax.length && !fast.aliasError) return fast
  return whole(text)
}

function toData(doc: Document): { data: unknown; aliasError?: string } {
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) }
  } catch (e) {
    return { data: undefined, aliasError: (e as Error).message }
  }
}

function syntaxOf(doc: Document, base: number) {
  return doc.errors.map((e) => ({ offset: base + e.pos[0], message: e.message.split('\n')[0]! }))
}

function lazy<T>(make: () => T): () => T {
  let value: { v: T } | undefined
  return () => (value ??= { v: make() }).v
}

function find(doc: Document, path: readonly (string | number)[], key: string | undefined): Node | undefined {
  return findIn(doc.contents, path, key)
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
  const doc = parseDocument(text, OPTIONS)
  const { data, aliasError } = toData(doc)
  const list = doc.get('reports', true)
  return {
    data,
    aliasError,
    syntax: syntaxOf(doc, 0),
    locate: (path, key) => ({ node: find(doc, path, key), base: 0 }),
    mark: (i) => (isSeq(list) ? marksOf(list.items[i], 0) : {}),
    idOffset: (i) => (isSeq(list) ? (marksOf(list.items[i], 0).id ?? 0) : 0),
  }
}

const TOP_LEVEL_REPORTS = /^reports:[ \t]*(#.*)?$/
// Anchors, aliases, tags, directives, document markers, tabs: whatever could make an entry mean
// something other than its own text says. Conservative: a false alarm only costs the whole-file path.
const NOT_PLAIN = /(^|[\s[{,])[&*!][^\s]|^%|^---|^\.\.\.|\t/m
const MIN_ENTRIES_FOR_SPLIT = 200

/** Whether every quoted scalar and flow collection that opens on this line also closes on it. */
export function closedOnItsLine(line: string): boolean {
  let depth = 0
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    const starts = i === 0 || /[\s:[{,]/.test(line[i - 1]!)
    if (c === '#' && (i === 0 || line[i - 1] === ' ')) break
    if ((c === '"' || c === "'") && starts) {
      // '' escapes a quote in single quotes, a backslash does in double quotes
      let j = i + 1
      for (; j < line.length; j++) {
        if (c === '"' && line[j] === '\\') j++
        else if (line[j] === c && !(c === "'" && line[j + 1] === "'")) break
        else if (c === "'" && line[j] === "'") j++
      }
      if (j >= line.length) return false
      i = j
    } else if ((c === '[' || c === '{') && (starts || depth > 0)) depth++
    else if ((c === ']' || c === '}') && depth > 0) depth--
  }
  return depth === 0
}

export function byEntry(text: string): YamlSource | undefined {
  // __proto__ keys are for yaml to report as unknown keys, with their place.
  if (NOT_PLAIN.test(text) || text.includes('__proto__')) return undefined
  const lines = text.split('\n')
  const starts: number[] = []
  let offset = 0
  for (const l of lines) {
    starts.push(offset)
    offset += l.length + 1
  }
  const head = lines.findIndex((l) => TOP_LEVEL_REPORTS.test(l))
  if (head < 0 || lines.findIndex((l, i) => i > head && TOP_LEVEL_REPORTS.test(l)) >= 0) return undefined

  // The block: every line after `reports:` to the end of the file (the shape `export` writes). Entries
  // start at `- ` on the block's indentation; anything else there means the shape is not plain.
  let indent = -1
  const entries: number[] = []
  for (let i = head + 1; i < lines.length; i++) {
    const l = lines[i]!
    const content = l.trimStart()
    if (!content || content.startsWith('#')) continue
    const col = l.length - content.length
    if (indent < 0) {
      if (!/^-( |$)/.test(content)) return undefined
      indent = col
    }
    if (col < indent || (col === 0 && !content.startsWith('-'))) return undefined
    if (col === indent) {
      if (!/^-( |$)/.test(content)) return undefined
      entries.push(i)
    }
  }
  if (entries.length < MIN_ENTRIES_FOR_SPLIT) return undefined
  // js-yaml is more lenient than yaml with a quoted scalar or flow collection that runs onto the next
  // line: the fast path takes only files where each of those closes on its own line.
  if (!lines.every(closedOnItsLine)) return undefined

  // js-yaml reads the whole file in a tenth of the time and memory yaml needs (no syntax tree is kept).
  // Anything it refuses goes to the whole-document path, whose errors are the ones shown.
  let data: unknown
  try {
    data = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA })
  } catch {
    return undefined
  }
  const spans = entries.map((line, n) => ({
    from: starts[line]!,
    to: n + 1 < entries.length ? starts[entries[n + 1]!]! : text.length,
  }))
  // Positions come from yaml, one entry at a time and only when asked: for an error, or a report that fails.
  const entry = (i: number) => {
    const span = spans[i]
    if (!span) return undefined
    const seq = parseDocument(text.slice(span.from, span.to), OPTIONS).contents
    return { node: isSeq(seq) && isNode(seq.items[0]) ? seq.items[0] : undefined, base: span.from }
  }
  const headDoc = lazy(() => parseDocument(text.slice(0, spans[0]?.from ?? text.length), OPTIONS))
  return {
    data,
    syntax: [],
    mark(i) {
      const e = entry(i)
      return marksOf(e?.node, e?.base ?? 0)
    },
    idOffset(i) {
      // `- id: …` or `id: …` at the entry's key column: found in the text, so no entry is parsed twice.
      const span = spans[i]!
      const first = /^( *- +)id: */.exec(text.slice(span.from, Math.min(span.to, span.from + 200)))
      if (first) return span.from + first[0].length
      const keyCol = /^ *- +/.exec(text.slice(span.from, span.from + 200))?.[0].length ?? 0
      const rest = new RegExp(`^ {${keyCol}}id: *`, 'm').exec(text.slice(span.from, span.to))
      return rest ? span.from + rest.index + rest[0].length : (this.mark(i).id ?? span.from)
    },
    locate(path, key) {
      if (path[0] !== 'reports' || path.length < 2) return { node: find(headDoc(), path, key), base: 0 }
      const e = entry(path[1] as number)
      if (!e?.node) return { base: 0 }
      const inner = path.slice(2)
      const node = !inner.length && key === undefined ? e.node : findIn(e.node, inner, key)
      return { node, base: e.base }
    },
  }
}
