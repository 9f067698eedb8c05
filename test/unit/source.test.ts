import { describe, expect, it } from 'vitest'
import { ConfigErrors } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/load.js'
import { byEntry, closedOnItsLine, whole } from '../../src/config/source.js'

const id = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`

/** A large plain file: the shape `export` writes and big providers keep. */
function big(
  n: number,
  entry = (i: number) => [`  - id: ${id(i)}`, `    name: Customer ${i}`, '    kind: usage_summary'],
) {
  return ['# yaml-language-server: $schema=./schema/reports.schema.json', 'version: 1', 'reports:']
    .concat(Array.from({ length: n }, (_, i) => entry(i)).flat())
    .join('\n')
}

const errorsOf = (text: string) => {
  try {
    parseConfig(text, 'r.yaml')
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map((x) => [x.code, x.line, x.column, x.path])
    throw e
  }
  return []
}

describe('parsing entry by entry', () => {
  it('gives the same data as parsing the whole document', () => {
    const text = big(300, (i) => [
      `  - id: ${id(i)}`,
      `    name: "Customer ${i}, \\"quoted\\""`,
      '    recipients:',
      `      - user${i}@example.com`,
      '    # a comment inside an entry',
      `    enabled: ${i % 2 === 0}`,
    ])
    const fast = byEntry(text)
    expect(fast).toBeDefined()
    expect(fast!.data).toEqual(whole(text).data)
  })

  it('points errors at the same line and column as the whole-document parse', () => {
    const text = big(300, (i) => [
      `  - id: ${i === 250 ? 'not-a-uuid' : id(i)}`,
      i === 100 ? '    knd: usage_daily' : '    kind: usage_daily',
    ])
    expect(errorsOf(text)).toEqual([
      ['unknown-key', 205, 5, 'reports[100].knd'],
      ['uuid', 504, 9, 'reports[250].id'],
    ])
    const located = byEntry(text)!.locate(['reports', 250, 'id'])
    expect(byEntry(text)!.idOffset(250)).toBe(located.base + located.node!.range![0])
    const reference = whole(text).locate(['reports', 250, 'id'])
    expect(located.base + located.node!.range![0]).toBe(reference.node!.range![0])
  })

  it('keeps report positions for annotations', () => {
    const c = parseConfig(big(300), 'r.yaml')
    expect(c.reports).toHaveLength(300)
    expect(c.reports[299]!.at).toMatchObject({ line: 3 + 299 * 3 + 1, column: 9 })
  })

  it('leaves files that are not plain block YAML to the whole-document parse', () => {
    expect(byEntry(big(300).replace('kind: usage_summary', 'kind: &k usage_summary'))).toBeUndefined()
    expect(byEntry(big(300).replace('reports:', 'reports: !!seq'))).toBeUndefined()
    expect(byEntry(big(10))).toBeUndefined() // small files gain nothing
    // a top-level key after the list: the whole document decides (here: a duplicate key)
    const after = `${big(300)}\nversion: 1`
    expect(byEntry(after)).toBeUndefined()
    expect(errorsOf(after)[0]![0]).toBe('yaml-syntax')
  })

  it('reports syntax errors as the whole-document parse finds them', () => {
    // A quoted scalar cut by a line on the list's indentation: neither parse accepts it, and the
    // error shown is the whole document's (the entry-by-entry parse sees a different, local one).
    const text = big(300).replace('name: Customer 5', 'name: "Customer 5\n  - still the name"')
    expect(byEntry(text)).toBeUndefined()
    const lines = whole(text).syntax.map((e) => text.slice(0, e.offset).split('\n').length)
    expect(lines.length).toBeGreaterThan(0)
    expect(errorsOf(text).map((e) => [e[0], e[1]])).toEqual(lines.map((l) => ['yaml-syntax', l]))
  })
})

describe('closedOnItsLine', () => {
  it.each([
    ['    name: Plain text, with: colons', true],
    ['    name: "quoted \\" inside"', true],
    ["    name: 'it''s fine'", true],
    ["    name: Bob's report", true],
    ['    recipients: [a, "b, c", {x: 1}]', true],
    ['    name: Report [EU] # comment "', true],
    ['    name: "runs on', false],
    ["    name: 'runs on", false],
    ['    recipients: [a,', false],
    ['    x: {a: [1, 2}', false],
  ])('%s → %s', (line, ok) => {
    expect(closedOnItsLine(line)).toBe(ok)
  })
})

describe('closedOnItsLine within a larger text', () => {
  it('reads only the line between the offsets given', () => {
    const text = 'a: "open\nb: [1, 2]\nc: "x"'
    const lines = text.split('\n')
    const at = (n: number) => lines.slice(0, n).join('\n').length + (n ? 1 : 0)
    expect(closedOnItsLine(text, at(0), at(0) + lines[0]!.length)).toBe(false)
    expect(closedOnItsLine(text, at(1), at(1) + lines[1]!.length)).toBe(true)
    expect(closedOnItsLine(text, at(2), text.length)).toBe(true)
  })
})
