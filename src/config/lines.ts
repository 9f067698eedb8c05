import { LineCounter } from 'yaml'

/*
 * The one line scanner of config/: every walk over the lines of reports.yaml, and every look at what
 * one line holds, goes through here. It reads character codes in place: a 10,000-report file has
 * 100,000 lines, and a string per line (or per character) is garbage enough to make V8 grow its young
 * generation for the rest of the run.
 */

const SPACE = 32
const TAB = 9
const HASH = 35

/**
 * The lines of a text: where each starts, found in one pass and kept in yaml's LineCounter (the one
 * yaml itself uses for positions), and the way from an offset to its line and column.
 */
export class Lines {
  private readonly counter = new LineCounter()

  constructor(readonly text: string) {
    for (let from = 0; ; ) {
      this.counter.addNewLine(from)
      const nl = text.indexOf('\n', from)
      if (nl < 0) break
      from = nl + 1
    }
  }

  /** How many lines: one more than the line breaks. */
  get count(): number {
    return this.counter.lineStarts.length
  }

  /** Where line `i` (0-based) starts. */
  start(i: number): number {
    return this.counter.lineStarts[i]!
  }

  /** Where line `i` ends: at its `\n`, or at the end of the text (a `\r` before it is the line's). */
  end(i: number): number {
    const next = this.counter.lineStarts[i + 1]
    return next === undefined ? this.text.length : next - 1
  }

  /** The 1-based line and column of an offset, as annotations want them. */
  position(offset: number): { line: number; col: number } {
    return this.counter.linePos(offset)
  }

  /** Where the line that `offset` is on starts. */
  lineStart(offset: number): number {
    return this.start(this.position(offset).line - 1)
  }

  /** The offset after the line break of the line that `offset` is on (or ends, when right after one). */
  lineEnd(offset: number): number {
    if (offset > 0 && this.text.charCodeAt(offset - 1) === 10) return offset
    const line = this.position(offset).line - 1
    return line + 1 < this.count ? this.start(line + 1) : this.text.length
  }

  /** The longest line `edit` of this text leaves, with what stays of the lines it starts and ends on. */
  longestAfter(edit: { start: number; end: number; text: string }): number {
    const head = edit.start - this.lineStart(edit.start)
    const nl = this.text.indexOf('\n', edit.end)
    const tail = (nl < 0 ? this.text.length : nl) - edit.end
    const parts = edit.text.split('\n')
    if (parts.length === 1) return head + edit.text.length + tail
    const inner = parts.slice(1, -1).map((p) => p.length)
    return Math.max(head + parts[0]!.length, ...inner, parts[parts.length - 1]!.length + tail)
  }

  /** The spaces that start line `i`. */
  indent(i: number): number {
    const from = this.start(i)
    const to = this.end(i)
    let at = from
    while (at < to && this.text.charCodeAt(at) === SPACE) at++
    return at - from
  }
}

/**
 * Where the quoted scalar that opens at text[at] closes on its line (the offset of its closing quote),
 * or -1 when it runs past `to`. `''` escapes a quote in single quotes, a backslash one in double quotes.
 */
export function quoteEnd(text: string, at: number, to: number): number {
  const q = text.charCodeAt(at)
  for (let j = at + 1; j < to; j++) {
    const d = text.charCodeAt(j)
    if (q === 34 && d === 92) j++
    else if (d === q && !(q === 39 && j + 1 < to && text.charCodeAt(j + 1) === 39)) return j
    else if (q === 39 && d === 39) j++
  }
  return -1
}

/** Where a quote or a flow collection may begin: after YAML white space or a flow/mapping indicator. */
function startsToken(code: number): boolean {
  if (code > 127) return /\s/.test(String.fromCharCode(code))
  return (
    code === SPACE || (code >= 9 && code <= 13) || code === 58 || code === 91 || code === 123 || code === 44
  )
}

/**
 * Whether every quoted scalar and flow collection that opens on the line text[from, to) also closes on
 * it: only then can the line be read on its own.
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

const isBlank = (c: number) => c === SPACE || c === TAB

/**
 * Block indicators on the line text[from, to) outside flow collections (`- - - x`, `? ? x`,
 * `a: b: c: d`): each opens a collection inside the last (or would, were it valid), and yaml's parser
 * recurses once for each and pays the square of their number. Quoted text, flow collections and
 * comments hold none.
 */
export function blockIndicators(text: string, from: number, to: number): number {
  let count = 0
  let flow = 0
  for (let at = from; at < to; at++) {
    const c = text.charCodeAt(at)
    if (isBlank(c)) continue
    const starts = at === from || isBlank(text.charCodeAt(at - 1))
    if (c === HASH && starts) break
    const next = at + 1 < to ? text.charCodeAt(at + 1) : SPACE
    if ((c === 91 || c === 123) && (starts || flow > 0)) flow++
    else if ((c === 93 || c === 125) && flow > 0) flow--
    else if ((c === 34 || c === 39) && starts) {
      const end = quoteEnd(text, at, to)
      if (end < 0) break
      at = end
    } else if ((c === 45 || c === 63 || c === 58) && isBlank(next) && !flow) count++
  }
  return count
}
