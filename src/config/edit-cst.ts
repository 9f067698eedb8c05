import { CST, Parser } from 'yaml'
import type { Lines } from './lines.js'
import { plainEntryOffsets } from './parse-entries.js'
import type { ScalarStyle } from './scalar.js'

// The few questions edit.ts asks of yaml's syntax tree (its CST), which keeps every character of the
// file: where a key's pair is, what props a value carries, where a collection's content ends.

/** One pair of a mapping, or one item of a list, as the CST holds it. */
export type Item = CST.CollectionItem

/** The CST of `text`: its one document's content, or undefined when there is none. */
function contentOf(text: string): CST.Token | undefined {
  for (const token of new Parser().parse(text)) if (token.type === 'document') return token.value
  return undefined
}

/** A mapping's pairs (block `a: 1` or flow `{a: 1}`), or undefined for anything else. */
export function pairsOf(token: CST.Token | undefined): Item[] | undefined {
  const all =
    token?.type === 'block-map' || (token?.type === 'flow-collection' && token.start.source === '{')
      ? token.items
      : undefined
  // Comment lines after the last pair are an item of their own, without a key.
  return all?.filter((item) => item.key !== undefined || item.sep !== undefined)
}

/** A list's items (block `- a` or flow `[a]`), or undefined for anything else. */
export function itemsOf(token: CST.Token | undefined): Item[] | undefined {
  const all =
    token?.type === 'block-seq' || (token?.type === 'flow-collection' && token.start.source === '[')
      ? token.items
      : undefined
  // Comment lines after the last item (or a trailing comma) are an item of their own, without a value.
  return all?.filter((item) => item.value !== undefined || item.start.some((t) => t.type === 'seq-item-ind'))
}

/** The string a scalar token stands for (a key, say); undefined for anything else. */
function scalarText(token: CST.Token | null | undefined): string | undefined {
  return CST.isScalar(token) ? CST.resolveAsScalar(token, false, () => undefined)?.value : undefined
}

/** The pair whose key is `key`. */
export function pairOf(pairs: readonly Item[], key: string): Item | undefined {
  return pairs.find((p) => scalarText(p.key) === key)
}

/** The anchor among `tokens` (a value's props), without its `&`. */
export function anchorIn(...lists: (readonly CST.Token[] | undefined)[]): string | undefined {
  for (const tokens of lists) for (const t of tokens ?? []) if (t.type === 'anchor') return t.source.slice(1)
  return undefined
}

/** Whether `tokens` give a value an anchor or a tag. */
export function hasProps(tokens: readonly CST.Token[] | undefined): boolean {
  return !!tokens?.some((t) => t.type === 'anchor' || t.type === 'tag')
}

/** A token that one scalar value can be written into: a flow or block scalar, or an alias. */
export function isValue(token: CST.Token | null | undefined): token is CST.FlowScalar | CST.BlockScalar {
  return token?.type === 'alias' || CST.isScalar(token)
}

/** How a scalar token is quoted, in yaml's names (a block scalar's style is none of them). */
export function styleOf(token: CST.Token | null | undefined): ScalarStyle {
  if (token?.type === 'single-quoted-scalar') return 'QUOTE_SINGLE'
  if (token?.type === 'double-quoted-scalar') return 'QUOTE_DOUBLE'
  return token?.type === 'scalar' ? 'PLAIN' : undefined
}

/**
 * Writes `source`, the one line yamlScalar made for `value`, into a scalar or alias token: through
 * CST.setScalarValue, which turns the token into a flow scalar of that style and keeps what follows
 * it (a comment, the line break a block scalar had), and with yamlScalar's text as the token's source,
 * since yaml's own quoting for edits may fold a line or leave DEL, U+0085 and U+2028 raw.
 */
export function setScalar(token: CST.Token, value: string, source: string): void {
  const type = source.startsWith('"') ? 'QUOTE_DOUBLE' : source.startsWith("'") ? 'QUOTE_SINGLE' : 'PLAIN'
  CST.setScalarValue(token, value, { type })
  Object.assign(token, {
    type:
      type === 'QUOTE_DOUBLE'
        ? 'double-quoted-scalar'
        : type === 'QUOTE_SINGLE'
          ? 'single-quoted-scalar'
          : 'scalar',
    source,
  })
}

const BLANK = new Set(['space', 'newline', 'comment'])

/**
 * Where the content of `token` ends: after its last character that is not a comment, a space or a
 * line break (a pair's value, a list's last item, a flow collection's closing bracket).
 */
export function contentEnd(token: CST.Token): number {
  switch (token.type) {
    case 'block-map':
    case 'block-seq': {
      // The last item that holds something: comment lines after it are items of their own.
      for (let k = token.items.length - 1; k >= 0; k--) {
        const item = token.items[k]!
        const inner = item.value ?? item.key
        if (inner) return contentEnd(inner)
        const mark = [...(item.sep ?? []), ...item.start].reverse().find((t) => !BLANK.has(t.type))
        if (mark) return mark.offset + mark.source.length
      }
      return token.offset
    }
    case 'flow-collection': {
      const close = token.end.find((t) => t.type === 'flow-map-end' || t.type === 'flow-seq-end')
      return close ? close.offset + 1 : token.offset
    }
    case 'block-scalar':
      return token.offset + CST.stringify(token).length
    default:
      return token.offset + ('source' in token ? token.source.length : 0)
  }
}

/** The entries of `reports`, each as its CST token and the file offset its offsets count from. */
export interface Entries {
  count: number
  /** `reports: [...]`: entries cannot be appended as block lines. */
  flow: boolean
  entry(i: number): { token: CST.Token | undefined; base: number }
  /** For appending to `reports: []`: the pair `reports: []` (whole-document parse only). */
  emptyFlow?: Item
}

/**
 * A file of the plain shape export writes is parsed only where it changes, an entry at a time (a
 * typical pull changes a few entries of thousands); any other file is parsed whole.
 */
export function reportsOf(lines: Lines): Entries {
  const text = lines.text
  const offsets = plainEntryOffsets(text, lines)
  if (offsets?.length) {
    return {
      count: offsets.length,
      flow: false,
      entry(i) {
        const base = offsets[i]!
        const list = itemsOf(contentOf(text.slice(base, offsets[i + 1] ?? text.length)))
        return { token: list?.[0]?.value, base }
      },
    }
  }
  const top = pairsOf(contentOf(text))
  const reports = top && pairOf(top, 'reports')
  const items = itemsOf(reports?.value)
  if (!reports || !items) throw new Error('editReports needs a valid reports.yaml with a `reports` list')
  const flow = reports.value?.type === 'flow-collection'
  return {
    count: items.length,
    flow,
    entry: (i) => ({ token: items[i]?.value, base: 0 }),
    emptyFlow: flow && !items.length ? reports : undefined,
  }
}
