import { describe, expect, it } from 'vitest'
import { brief, errorsOf } from './config-errors.js'
import { growth, LINEAR_AT_10X } from '../guards.js'
import { parseConfig } from '../../src/config/load.js'
import { MAX_DEPTH, MAX_INDENT, MAX_ITEMS, MAX_KEYS, MAX_LINE_LENGTH } from '../../src/config/limits.js'

const ID = '20dffb36-d77b-45c6-b2fa-39276e98d5fc'

/** How much longer the errors of `text(large)` take than those of `text(small)`: linear, not quadratic. */
const errorsGrowth = (text: (size: number) => string, small: number, large: number) =>
  growth(errorsOf, text(small), text(large))

describe('YAML limits, checked before the document is composed', () => {
  it('refuses a continuation line indented 40,000 columns at once, at its line', () => {
    const long = (columns: number) => `reports:\n  - id: ${ID}\n    name: x\n${' '.repeat(columns)}y\n`
    const errors = errorsOf(long(40_000))
    expect(brief(errors)).toEqual([['yaml-limit', 4, 1]])
    expect(errors[0]!.message).toBe('this line is 40,001 characters long; the limit is 10,000')
    expect(errorsGrowth(long, 40_000, 400_000)).toBeLessThan(LINEAR_AT_10X)
    const indented = errorsOf(`reports:\n  - id: ${ID}\n    name: x\n${' '.repeat(MAX_INDENT + 1)}y\n`)
    expect(brief(indented)).toEqual([['yaml-limit', 4, 1]])
    expect(indented[0]!.message).toContain('indented 101 columns')
  })

  it('reads a megabyte of deep continuation lines in time linear in their number', () => {
    const line = `${' '.repeat(MAX_INDENT)}y\n`
    const text = (bytes: number) =>
      `reports:\n  - id: ${ID}\n    name: x\n${line.repeat(Math.floor(bytes / line.length))}`
    const config = parseConfig(text(1e6), 'r')
    expect(config.reports[0]!.name).toMatch(/^x y y /) // one long name: within the limits, valid YAML
    expect(growth((t: string) => parseConfig(t, 'r'), text(1e4), text(1e5))).toBeLessThan(LINEAR_AT_10X)
  })

  it('refuses a line longer than the limit, and accepts one at it', () => {
    const name = (n: number) => `reports:\n  - id: ${ID}\n    name: ${'n'.repeat(n - 10)}\n`
    expect(brief(errorsOf(name(MAX_LINE_LENGTH + 1)))).toEqual([['yaml-limit', 3, 1]])
    expect(parseConfig(name(MAX_LINE_LENGTH), 'r.yaml').reports).toHaveLength(1)
  })

  it.each([
    ['[', (n: number) => '['.repeat(n), [1, MAX_DEPTH + 1]],
    ['[ closed', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`, [1, MAX_DEPTH + 1]],
    ['{a: ', (n: number) => 'reports: [' + '{a: '.repeat(n), [1, 10 + (MAX_DEPTH - 2) * 4 + 1]],
    ['- ', (n: number) => `reports:\n  - ${'- '.repeat(n)}x`, [2, 3]],
    ['k: 1, ', (n: number) => `reports:\n  - id: ${ID}\n    recipients: ${'k: 1, '.repeat(n)}`, [3, 5]],
    [
      'indented keys',
      (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i % 90)}k${i}:`).join('\n'),
      [65, 65],
    ],
  ] as const)('refuses nesting deeper than the limit with a located error: %s', (_, text, [line, column]) => {
    const errors = errorsOf(text(800))
    expect(brief(errors)).toEqual([['yaml-limit', line, column]])
    expect(errors[0]!.message).toBe('collections nested more than 64 levels deep; reports.yaml needs 4')
    // Counted as the text is read: ten times the depth, about ten times the work.
    expect(errorsGrowth(text, 80, 800)).toBeLessThan(LINEAR_AT_10X)
  })

  it('refuses a mapping of more keys than the limit (checking them for duplicates would take the square)', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `    k${i}: 1`).join('\n')
    const many = (n: number) => `reports:\n  - id: ${ID}\n${keys(n)}\n`
    const errors = errorsOf(many(5_000))
    expect(brief(errors)).toEqual([['yaml-limit', 2, 5]])
    expect(errors[0]!.message).toBe('a mapping with 5,001 keys; the limit is 64 (a report has 8)')
    expect(errorsGrowth(many, 500, 5_000)).toBeLessThan(LINEAR_AT_10X)
    expect(errorsOf(`reports:\n  - id: ${ID}\n${keys(MAX_KEYS - 1)}\n`)[0]!.code).toBe('unknown-key')
  })

  it('refuses a list too long to compose (a dense 16 MiB list took 1.9 GB), at its line, before composing', () => {
    const list = (n: number) => Array.from({ length: n }, () => '      - a').join('\n')
    const long = (n: number) => `reports:\n  - id: ${ID}\n    recipients:\n${list(n)}\n`
    const errors = errorsOf(long(200_000))
    expect(brief(errors)).toEqual([['yaml-limit', 4, 7]])
    expect(errors[0]!.message).toBe('a list of 200,000 items; the limit is 1,000 (recipients of one report)')
    expect(errorsGrowth(long, 2_000, 20_000)).toBeLessThan(LINEAR_AT_10X)
    // At the limit the list is read as usual.
    const at = parseConfig(`reports:\n  - id: ${ID}\n    recipients:\n${list(MAX_ITEMS)}\n`, 'reports.yaml')
    expect(at.reports[0]!.recipients).toHaveLength(MAX_ITEMS)
  })
})

describe('indentation mistakes in plain words', () => {
  const file = (...lines: string[]) => ['reports:', `  - id: ${ID}`, ...lines, ''].join('\n')

  it('names a key indented deeper than the key above it, at its own line, once', () => {
    const errors = errorsOf(
      file('    name: A', '    kind: usage_daily', '      level: all_customers', '    enabled: true'),
    )
    expect(brief(errors)).toEqual([['indentation', 5, 7]])
    expect(errors[0]!.message).toBe(
      'check the indentation of line 5: `level` is indented deeper than `kind` above it',
    )
  })

  it('names a key that lines up with nothing above it', () => {
    const less = errorsOf(file('    name: A', '    kind: usage_daily', '   level: all_customers'))
    expect(brief(less)).toEqual([['indentation', 5, 4]])
    expect(less[0]!.message).toBe(
      'check the indentation of line 5: `level` does not line up with `kind` above it (column 4, not 5)',
    )
    const between = errorsOf(file('    name: A', '  kind: usage_daily'))
    expect(brief(between)).toEqual([['indentation', 4, 3]])
    expect(between[0]!.message).toContain('`kind` does not line up with `name`')
    const item = errorsOf(file('    recipients:', '      - alice', '     - bob'))
    expect(brief(item)).toEqual([['indentation', 5, 6]])
  })

  it('gives a tab one error, at the tab, however many lines after it stop lining up', () => {
    const one = errorsOf(
      file('    name: A', '\tkind: usage_daily', '    level: all_customers', '    enabled: true'),
    )
    expect(brief(one)).toEqual([['tab', 4, 1]])
    expect(one[0]!.message).toBe('line 4 is indented with a tab; YAML indents with spaces only')
    const three = errorsOf(file('\tname: A', '\tkind: usage_daily', '\tlevel: all_customers'))
    expect(brief(three)).toEqual([['tab', 3, 1]])
    expect(three[0]!.message).toContain('(so are 2 more lines below)')
  })

  it('leaves other syntax errors in yaml words, and valid indentation alone', () => {
    expect(brief(errorsOf(file('    kind: [usage_daily')))[0]![0]).toBe('yaml-syntax')
    const fine = file(
      '    name: |',
      '      text',
      '        more text',
      '    recipients:',
      '    - alice',
      '    kind: usage_daily',
    )
    expect(parseConfig(fine, 'r.yaml').reports[0]).toMatchObject({ recipients: ['alice'] })
  })
})

describe('messages quote at most a short, escaped excerpt of the file', () => {
  it('clips long values and keys, and escapes control characters', () => {
    const long = 'x'.repeat(5000)
    const errors = errorsOf(
      [
        'reports:',
        `  - id: ${ID}`,
        `    kind: "${long}"`,
        `    ${'k'.repeat(900)}: 1`,
        `    name: "line\\u0001::error::x\\nsecond"`,
        '    level: 7',
        `  - id: "${long}"`,
        '',
      ].join('\n'),
    )
    for (const e of errors) {
      expect(e.message.length, e.message).toBeLessThan(300)
      // eslint-disable-next-line no-control-regex
      expect(e.message).not.toMatch(/[\u0000-\u001f]/)
    }
    expect(errors.map((e) => e.code)).toEqual(['enum', 'unknown-key', 'enum', 'uuid'])
  })
})
