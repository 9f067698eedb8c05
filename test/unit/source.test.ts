import { describe, expect, it } from 'vitest'
import { ConfigErrors } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/load.js'
import { closedOnItsLine } from '../../src/config/lines.js'
import { whole } from '../../src/config/parse-document.js'
import { byEntry } from '../../src/config/parse-entries.js'
import { growth, LINEAR_AT_10X } from '../guards.js'

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

describe('one meaning at any size', () => {
  /** A file of n plain entries where entry 5 + k carries the lines of variant k (indented as entry keys). */
  const sized = (n: number, variants: string[][], first: string[] = []) =>
    big(n, (i) => [
      `  - id: ${id(i)}`,
      ...(i === 0 ? first : []),
      ...(variants[i - 5] ?? ['kind: usage_daily']).map((l) => `    ${l}`),
    ])
  /** What a file means: its errors (code, line, column, path), or the entries that carry the variants. */
  const meaning = (text: string, count: number) => {
    const errors = errorsOf(text)
    if (errors.length) return errors
    return parseConfig(text, 'r.yaml')
      .reports.slice(5, 5 + count)
      .map(({ at: _at, recipientAt: _r, index: _i, ...entry }) => entry)
  }
  const sizes = (variants: string[][], first: string[] = []) =>
    [10, 250].map((n) => meaning(sized(n, variants, first), variants.length))

  it('reads a lone CR as part of a comment, as editors show it, in small and large files', () => {
    const cr = [['# enabled is managed by the billing team\r    enabled: false']]
    expect(byEntry(sized(250, cr))).toBeDefined() // the large file is read entry by entry
    const [small, large] = sizes(cr)
    expect(large).toEqual(small)
    expect(small).toEqual([{ id: id(5) }])
  })

  it('expands an anchor written right after a JSON-style key the same way in small and large files', () => {
    const list = `["${id(900)}", "${id(901)}"]`
    const flow = (n: number) =>
      sized(n, [['kind: usage_daily']]).replace(
        /^ {2}- id: (.*)\n {4}kind: usage_daily$/gm,
        (_, x: string) =>
          x === id(0) ? `  - {"id": "${x}", "recipients":&L ${list}}` : `  - {"id": "${x}", "recipients":*L}`,
      )
    const [small, large] = [10, 250].map((n) => meaning(flow(n), 1))
    expect(large).toEqual(small)
    expect(small).toEqual([{ id: id(5), recipients: [id(900), id(901)] }])
  })

  it('stops an alias bomb written after JSON-style keys in small and large files', () => {
    const aliases = Array(120).fill('*L').join(', ')
    const bomb = (n: number) =>
      big(n, (i) =>
        i === 0
          ? [`  - {"id": "${id(i)}", "recipients":&L ["${id(900)}", "${id(901)}"]}`]
          : [`  - {"id": "${id(i)}", "recipients":[${aliases}]}`],
      )
    for (const n of [10, 250]) {
      expect(
        errorsOf(bomb(n)).map((e) => e[0]),
        `${n} entries`,
      ).toEqual(['alias-limit'])
    }
    // Stopped as it is read: ten times the entries, about ten times the work, not a blow-up.
    expect(growth(errorsOf, bomb(25), bomb(250))).toBeLessThan(LINEAR_AT_10X)
  })

  // YAML 1.1 and 1.2 disagree on most of these; yaml reads YAML 1.2's core schema, at any size.
  const TRICKY = [
    '0b101',
    '+.5',
    '0o17',
    '1_000',
    '0x1F',
    '.inf',
    '-.INF',
    '.nan',
    '~',
    'null',
    'yes',
    'no',
    'on',
    'off',
    'y',
    'True',
    'FALSE',
    '2024-01-31',
    '2001-12-14t21:59:43.10-05:00',
    '12:30:45',
    '190:20:30',
    '!!str 12',
    '!!binary R0lGODlhDAAMAIQAAP//9/X17unp5WZmZgAAAOfn515eXvPz7Y6OjuDg4J+fn5',
    '!!int "7"',
    '=',
    '-0',
    '0.',
    '1e3',
    "'yes'",
    '"0x1F"',
    '',
  ]
  // The scalar as a name, a boolean, and a recipient in flow and in block style, one entry each.
  const variants = (v: string) => [
    [`name: ${v}`],
    [`enabled: ${v}`],
    [`recipients: [${v}]`],
    ['recipients:', `  - ${v}`],
  ]
  it.each(TRICKY)('gives %j the same meaning in a file of 10 entries and one of 250', (scalar) => {
    const [small, large] = sizes(variants(scalar))
    expect(large).toEqual(small)
  })

  it('gives a merge key and a lone = the same meaning in a file of 10 entries and one of 250', () => {
    for (const lines of [['<<: {kind: usage_summary}'], ['<<:', '  kind: usage_summary'], ['= : x']]) {
      const [small, large] = sizes([lines])
      expect(large, lines.join(' / ')).toEqual(small)
    }
  })

  it('reads YAML 1.2: 0b101 is a name, +.5 is a number, yes is not a boolean, << is a key', () => {
    expect(sizes([['name: 0b101']])[1]).toEqual([{ id: id(5), name: '0b101' }])
    expect(sizes([['name: +.5']])[1]).toEqual([['type', 15, 11, 'reports[5].name']])
    expect(sizes([['enabled: yes']])[1]).toEqual([['type', 15, 14, 'reports[5].enabled']])
    expect(sizes([['<<: {kind: usage_summary}']])[1]).toEqual([['unknown-key', 15, 5, 'reports[5].<<']])
  })
})

describe('limits on every path', () => {
  it('refuses 100,001 plain entries an entry at a time as the whole-document parse does, at the list', () => {
    const text = big(100_001, (i) => [`  - id: ${id(i)}`])
    // A file the entry-at-a-time path takes: before, each entry passed on its own and the count was never checked.
    expect(byEntry(text)?.limit).toEqual({
      offset: text.indexOf('- id:'),
      message: 'a list of 100,001 items; the limit is 100,000 (reports)',
    })
    // What the whole-document parse answers (line 4, column 3: the list's first `-`; measured on this file).
    expect(errorsOf(text)).toEqual([['yaml-limit', 4, 3, '']])
  })
})
