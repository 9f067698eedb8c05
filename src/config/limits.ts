import type { CST } from 'yaml'
import { blockIndicators, Lines } from './lines.js'
import { count } from '../util/plural.js'

/*
 * Bounds checked before yaml composes a document. Past them yaml slows down more than linearly or
 * overflows the stack: a continuation line indented 40,000 columns took 3.4 s, `- ` repeated on one
 * line costs the square of its count, 800 nested `[` ended in "Maximum call stack size exceeded", and
 * the duplicate-key check costs the square of a mapping's size. reports.yaml needs none of it: 4 levels
 * of nesting, 8 keys in a mapping, lines of a few hundred characters.
 */
export const MAX_LINE_LENGTH = 10_000
export const MAX_INDENT = 100
export const MAX_DEPTH = 64
export const MAX_KEYS = 64
/**
 * Items of one list: composing costs ~100 bytes of memory per byte of a dense list (`- a` lines), so a
 * 16 MiB file of one report's recipients took 1.9 GB and 10 s, near the heap of a 7 GB runner. The
 * reports list may hold 100,000 reports (ten times the largest file measured); any other list is a
 * report's recipients, a few people.
 */
export const MAX_REPORTS = 100_000
export const MAX_ITEMS = 1_000

/** A bound exceeded, at a file offset. */
export interface Limit {
  offset: number
  message: string
}

const SPACE = 32

/**
 * Reads the lines once, before any parsing (the one scanner, Lines), and stops at the first line past
 * a bound: too long, indented too deep, or nesting too many block collections.
 */
export function scanLines(text: string): { lines: Lines; limit?: Limit } {
  const lines = new Lines(text)
  for (let i = 0; i < lines.count; i++) {
    const limit = lineLimit(text, lines.start(i), lines.end(i))
    if (limit) return { lines, limit }
  }
  return { lines }
}

function lineLimit(text: string, from: number, to: number): Limit | undefined {
  if (to - from > MAX_LINE_LENGTH) {
    return {
      offset: from,
      message: `this line is ${count(to - from)} characters long; the limit is ${count(MAX_LINE_LENGTH)}`,
    }
  }
  let at = from
  while (at < to && text.charCodeAt(at) === SPACE) at++
  // A line of nothing but spaces has no indentation that matters.
  if (at === to || text.charCodeAt(at) === 13) return undefined
  if (at - from > MAX_INDENT) {
    return {
      offset: from,
      message: `this line is indented ${count(at - from)} columns; the limit is ${MAX_INDENT}`,
    }
  }
  if (blockIndicators(text, at, to) > MAX_DEPTH) return { offset: at, message: tooDeep }
  return undefined
}

const tooDeep = `collections nested more than ${MAX_DEPTH} levels deep; reports.yaml needs 4`

/**
 * A list of `items` at `depth` of the document, starting at `offset`, past its bound: the reports list
 * sits at depth 1; any deeper list is a report's recipients. The one wording, whichever path counted.
 */
export function listLimit(offset: number, items: number, depth: number): Limit | undefined {
  const most = depth <= 1 ? MAX_REPORTS : MAX_ITEMS
  if (items <= most) return undefined
  const what = depth <= 1 ? 'reports' : 'recipients of one report'
  return { offset, message: `a list of ${count(items)} items; the limit is ${count(most)} (${what})` }
}

/** What the syntax tree holds that a document's parts cannot be read one by one with. */
export interface TreeShape {
  limit?: Limit
  /** Anchors, aliases, tags or directives: one part can change what another means. */
  references: boolean
}

const referring = (tokens: readonly CST.Token[] | undefined) =>
  !!tokens?.some((t) => t.type === 'anchor' || t.type === 'tag' || t.type === 'alias')

/**
 * Checks yaml's syntax tree (its CST) before it is composed: composing recurses once per level, and
 * checks each key of a mapping against every other. The walk itself keeps its own stack, so no depth
 * can overflow it. `depth` is how deep `tokens` sit in the document (an entry of the reports list: 2).
 */
export function inspect(tokens: readonly CST.Token[], depth = 0): TreeShape {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, depth])
  let references = false
  let limit: Limit | undefined
  const found = (l: Limit) => {
    if (!limit || l.offset < limit.offset) limit = l
  }
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [token, d] = top
    switch (token.type) {
      case 'document':
        references ||= referring(token.start)
        if (token.value) stack.push([token.value, d])
        break
      case 'directive':
      case 'alias':
        references = true
        break
      case 'block-scalar':
        references ||= referring(token.props)
        break
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (d >= MAX_DEPTH) {
          found({ offset: token.offset, message: tooDeep })
          break
        }
        const map =
          token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{')
        if (map && token.items.length > MAX_KEYS) {
          const message = `a mapping with ${count(token.items.length)} keys; the limit is ${MAX_KEYS} (a report has 8)`
          found({ offset: token.offset, message })
          break
        }
        const tooMany = map ? undefined : listLimit(token.offset, token.items.length, d)
        if (tooMany) {
          found(tooMany)
          break
        }
        for (const item of token.items) {
          references ||= referring(item.start) || referring(item.sep)
          if (item.key) stack.push([item.key, d + 1])
          if (item.value) stack.push([item.value, d + 1])
        }
      }
    }
  }
  return { limit, references }
}
