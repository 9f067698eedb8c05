import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { commentValue, yamlScalar, type ScalarStyle } from '../../src/config/scalar.js'
import { mulberry32 } from '../simulator/faults.js'

/** Pieces that mean something to YAML, to a line, or to a terminal. */
const PIECES = [
  ...['a', 'b', ' ', '  ', '\n', '\r', '\t', '\\', '"', "'", '#', ':', '-', '...', '---', ',', '[', ']'],
  ...['{', '}', '&', '*', '!', '|', '>', '%', '@', '`', '?', '~', '0', '1.5', 'true', 'null', 'é', '😀'],
  ...['\u001b', '\u0007', '\u0000', '\u000b', '\u007f', '\u0085', '\u2028', '\u2029', '\ufeff', '\ud800'],
]
const STYLES: ScalarStyle[] = [undefined, 'PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE']
// eslint-disable-next-line no-control-regex -- what a written scalar must never hold raw
const RAW = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/

/** Where a scalar stands in reports.yaml, and how to find it again in what yaml reads. */
const PLACES: [(s: string) => string, (data: { k: unknown }) => unknown][] = [
  [(s) => `k:\n  - ${s}\n  - z\n`, (d) => (d.k as unknown[])[0]],
  [(s) => `k: ${s}\nz: 1\n`, (d) => d.k],
]
const FLOW_PLACES: typeof PLACES = [
  [(s) => `k: [${s}, z]\n`, (d) => (d.k as unknown[])[0]],
  [(s) => `k: [q, ${s}]\n`, (d) => (d.k as unknown[])[1]],
]

describe('yamlScalar', () => {
  it('quotes what would start a document, a comment, a block or another type, and escapes controls', () => {
    expect(yamlScalar('...dots')).toBe('"...dots"')
    expect(yamlScalar('---dashes')).toBe('"---dashes"')
    expect(yamlScalar('esc\u001b[2Kbel\u0007')).toBe('"esc\\e[2Kbel\\a"')
    expect(yamlScalar('a\u007fb\u2028c', 'QUOTE_SINGLE')).toBe('"a\\u007fb\\u2028c"')
    expect(yamlScalar('csv\n    show_skus: true')).toBe('"csv\\n    show_skus: true"')
    expect(yamlScalar('alice')).toBe('alice')
    expect(yamlScalar('alice', 'QUOTE_SINGLE')).toBe("'alice'")
    expect(yamlScalar('a,b', undefined, true)).toBe('"a,b"')
    expect(yamlScalar('true')).toBe('"true"')
  })

  it('reads back as the same string in every place and style, on one line of safe characters (500 seeded values)', () => {
    const rnd = mulberry32(18)
    const wrong: string[] = []
    let checked = 0
    for (let n = 0; n < 500; n++) {
      let value = ''
      for (let k = Math.floor(rnd() * 10); k > 0; k--) value += PIECES[Math.floor(rnd() * PIECES.length)]
      if (n % 50 === 0) value = value.repeat(40)
      for (const style of STYLES)
        for (const flow of [false, true]) {
          const text = yamlScalar(value, style, flow)
          if (RAW.test(text)) wrong.push(`${JSON.stringify(text)} holds a raw control`)
          for (const [place, find] of flow ? FLOW_PLACES : PLACES) {
            const back = find(parse(place(text)) as { k: unknown })
            if (back !== value) wrong.push(`${JSON.stringify(value)} read back as ${JSON.stringify(back)}`)
            checked++
          }
        }
    }
    expect(wrong).toEqual([])
    expect(checked).toBe(500 * STYLES.length * 2 * 2)
  })
})

describe('commentValue', () => {
  it('never holds a line break or a control character, and stays short', () => {
    expect(commentValue('csv\n    recipients:\r\n      - x')).toBe('"csv\\n    recipients:\\r\\n      - x"')
    expect(commentValue('x'.repeat(5000)).length).toBeLessThanOrEqual(201)
    expect(RAW.test(commentValue('\u2028\u0085\u001b'))).toBe(false)
  })
})
