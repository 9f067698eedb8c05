import { LineCounter, Parser } from 'yaml'
import { describe, expect, it } from 'vitest'
import { blockIndicators, closedOnItsLine, Lines, quoteEnd } from '../../src/config/lines.js'

/** Each line's [start, end) as the scanner gives it. */
const spans = (text: string) => {
  const lines = new Lines(text)
  return Array.from({ length: lines.count }, (_, i) => [lines.start(i), lines.end(i)])
}

describe('Lines, the one line scanner of config/', () => {
  it('finds where each line starts and ends, with or without a final line break, CRLF included', () => {
    expect(spans('')).toEqual([[0, 0]])
    expect(spans('a')).toEqual([[0, 1]])
    expect(spans('a\n')).toEqual([
      [0, 1],
      [2, 2],
    ])
    expect(spans('ab\r\ncd\n\nx')).toEqual([
      [0, 3],
      [4, 6],
      [7, 7],
      [8, 9],
    ])
  })

  it('finds the line starts yaml itself finds, so positions agree with its errors', () => {
    const text = 'a: 1\r\n\n  - b # c\n"d\n e": 2\n\n'
    const counter = new LineCounter()
    Array.from(new Parser(counter.addNewLine).parse(text))
    const lines = new Lines(text)
    expect(spans(text).map(([start]) => start)).toEqual(counter.lineStarts)
    for (let offset = 0; offset <= text.length; offset++)
      expect(lines.position(offset), `offset ${offset}`).toEqual(counter.linePos(offset))
  })

  it('goes from an offset to its line: start, end after the line break, indentation', () => {
    const text = 'top:\n    - x\r\nlast'
    const lines = new Lines(text)
    expect(lines.position(text.indexOf('x'))).toEqual({ line: 2, col: 7 })
    expect(lines.lineStart(text.indexOf('x'))).toBe(5)
    expect(lines.lineEnd(text.indexOf('x'))).toBe(text.indexOf('last'))
    // Right after a line break is the end of that line, not the next one's.
    expect(lines.lineEnd(text.indexOf('last'))).toBe(text.indexOf('last'))
    expect(lines.lineEnd(text.length - 1)).toBe(text.length)
    expect([0, 1, 2].map((i) => lines.indent(i))).toEqual([0, 4, 0])
  })

  it('measures the longest line an edit leaves, with what stays of the lines around it', () => {
    const lines = new Lines('ab: cd\nef\n')
    expect(lines.longestAfter({ start: 4, end: 6, text: 'x'.repeat(10) })).toBe(14)
    expect(lines.longestAfter({ start: 4, end: 6, text: `xyz\n${'y'.repeat(20)}\nz` })).toBe(20)
    expect(lines.longestAfter({ start: 7, end: 7, text: 'new line\n' })).toBe(8)
  })
})

describe('what one line holds', () => {
  it('finds where a quoted scalar closes on its line', () => {
    const text = `a: "x \\" y" 'it''s' "open`
    expect(quoteEnd(text, 3, text.length)).toBe(10)
    expect(quoteEnd(text, 12, text.length)).toBe(18)
    expect(quoteEnd(text, 20, text.length)).toBe(-1)
  })

  it('counts the block indicators outside quotes, flow collections and comments', () => {
    const count = (line: string) => blockIndicators(line, 0, line.length)
    expect(count('- - - x')).toBe(3)
    expect(count('a: b: c: d')).toBe(3)
    expect(count('? ? x')).toBe(2)
    expect(count('- "a: b: c" [d: e, f: g] # h: i: j')).toBe(1)
  })

  it('says whether quotes and brackets close on the line', () => {
    expect(closedOnItsLine('a: [b, "c]"] # [')).toBe(true)
    expect(closedOnItsLine('a: [b,')).toBe(false)
  })
})
