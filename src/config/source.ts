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
  /** File offsets of each entry's id and recipients, kept for every entry (annotations of later failures). */
  marks: EntryMarks[]
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
 * is parsed one `reports` entry at a time: yaml holds a whole document's syntax tree and node tree at once, which is
 * ~200 MB at 10,000 reports, against ~100 MB entry by entry. Anything else, and any error, takes the
 * whole-document path, which stays the one authority on what a file means and where its errors are.
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

function find(doc: Document, path: readonly (string | number)[], key: string | undefined): Node | undefined {
  const node = path.length ? doc.getIn(path, true) : doc.contents
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
    marks: isSeq(list) ? list.items.map((n) => marksOf(n, 0)) : [],
  }
}

const TOP_LEVEL_REPORTS = /^reports:[ \t]*(#.*)?$/
// Anchors, aliases, tags, directives, document markers, tabs: whatever could make an entry mean
// something other than its own text says. Conservative: a false alarm only costs the whole-file path.
const NOT_PLAIN = /(^|[\s[{,])[&*!][^\s]|^%|^---|^\.\.\.|\t/m
const MIN_ENTRIES_FOR_SPLIT = 200

export function byEntry(text: string): YamlSource | undefined {
  if (NOT_PLAIN.test(text)) return undefined
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

  // The head (comments, version, `reports:`) parses alone, with the offsets it has in the file.
  const blockStart = starts[head + 1] ?? text.length
  const blockEnd = text.length
  const rest = parseDocument(text.slice(0, blockStart), OPTIONS)
  // Each entry's document lives only while its data and marks are taken: holding 10,000 of them would
  // cost what parsing entry by entry saves. An error's place is found by parsing its entry again.
  const texts: { from: number; to: number }[] = []
  const syntax = syntaxOf(rest, 0)
  const items: unknown[] = []
  const marks: EntryMarks[] = []
  let aliasError: string | undefined
  entries.forEach((line, n) => {
    const from = starts[line]!
    const to = n + 1 < entries.length ? starts[entries[n + 1]!]! : blockEnd
    texts.push({ from, to })
    const doc = parseDocument(text.slice(from, to), OPTIONS)
    syntax.push(...syntaxOf(doc, from))
    const item = toData(doc)
    aliasError ??= item.aliasError
    items.push(...(Array.isArray(item.data) ? item.data : [item.data]))
    const seq = doc.contents
    marks.push(marksOf(isSeq(seq) ? seq.items[0] : undefined, from))
  })
  const top = toData(rest)
  aliasError = top.aliasError ?? aliasError
  const data =
    top.data && typeof top.data === 'object' && !Array.isArray(top.data)
      ? { ...top.data, reports: items }
      : top.data
  return {
    data,
    syntax,
    aliasError,
    marks,
    locate(path, key) {
      if (path[0] !== 'reports' || path.length < 2) return { node: find(rest, path, key), base: 0 }
      const span = texts[path[1] as number]
      if (!span) return { base: 0 }
      const piece = { doc: parseDocument(text.slice(span.from, span.to), OPTIONS), base: span.from }
      const seq = piece.doc.contents
      const node = path.length === 2 && !key ? (isSeq(seq) ? seq.items[0] : undefined) : undefined
      return { node: isNode(node) ? node : find(piece.doc, [0, ...path.slice(2)], key), base: piece.base }
    },
  }
}
