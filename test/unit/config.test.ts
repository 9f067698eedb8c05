import { describe, expect, it } from 'vitest'
import { ConfigErrors } from '../../src/config/errors.js'
import { brief, errorsOf } from './config-errors.js'
import { growth, LINEAR_AT_10X } from '../guards.js'
import { didYouMean } from '../../src/util/did-you-mean.js'
import { loadConfig, parseConfig } from '../../src/config/load.js'

const ID = '20dffb36-d77b-45c6-b2fa-39276e98d5fc'
const ID2 = '5b6f1c1e-3c1a-4d8e-9a43-0f2b9d7c8e11'
const USER = 'ca451758-b48a-45d9-9ae6-8f1059f67619'

describe('parseConfig', () => {
  it('reads a valid file into the desired state, managing only the fields it names', () => {
    const c = parseConfig(
      `version: 1\nreports:\n  - id: ${ID.toUpperCase()}\n    name: Partners\n    kind: usage_current\n    recipients: [${USER}, finance, bob@example.com]\n  - id: ${ID2}\n    enabled: false\n`,
      'reports.yaml',
    )
    expect(c.reports).toHaveLength(2)
    expect(c.reports[0]).toMatchObject({ id: ID, name: 'Partners', kind: 'usage_current' })
    expect(c.reports[0]!.recipients).toEqual([USER, 'finance', 'bob@example.com'])
    expect(c.reports[0]!.level).toBeUndefined()
    expect(c.reports[0]!.at).toMatchObject({ line: 3, column: 9 })
    expect([0, 1, 2].map((k) => c.reports[0]!.recipientAt!(k).column)).toEqual([18, 56, 65])
    expect(c.reports[1]).toMatchObject({ id: ID2, enabled: false })
    expect('kind' in c.reports[1]!).toBe(false)
  })

  it('accepts an empty list of reports', () => {
    expect(parseConfig('reports: []\n', 'r.yaml').reports).toEqual([])
  })

  it('reports every problem at once, each with its line and column', () => {
    const errors = errorsOf(
      [
        'reports:',
        `  - id: ${ID}`,
        '    knd: usage_current', // 3: unknown key
        '    level: partners', // 4: enum
        '    enabled: yes', // 5: type (YAML 1.2: a string)
        `    recipients: [${USER.slice(0, -1)}]`, // 6: malformed UUID
        '  - id: not-a-uuid', // 7
        '  - name: no id', // 8: required
      ].join('\n'),
    )
    expect(brief(errors)).toEqual([
      ['unknown-key', 3, 5],
      ['enum', 4, 12],
      ['type', 5, 14],
      ['recipient', 6, 18],
      ['uuid', 7, 9],
      ['required', 8, 5],
    ])
    expect(errors[0]!.message).toContain('did you mean "kind"')
    expect(errors[1]!.message).toContain('"partners"')
    expect(errors[1]!.message).toContain('all_partners')
    expect(errors[2]!.message).toContain('"yes"')
    expect(errors[5]!.message).toContain('an entry without id is a report to create')
    expect(errors.every((e) => e.file === 'reports.yaml')).toBe(true)
  })

  it('flags duplicate ids, ignoring case, at the second declaration', () => {
    const errors = errorsOf(`reports:\n  - id: ${ID}\n  - id: ${ID2}\n  - id: ${ID.toUpperCase()}\n`)
    expect(brief(errors)).toEqual([['duplicate-id', 4, 9]])
    expect(errors[0]!.message).toContain('line 2')
  })

  it('reports YAML syntax errors with their position', () => {
    const errors = errorsOf(`reports:\n  - id: ${ID}\n    kind: [usage_daily\n`)
    expect(errors[0]!.code).toBe('yaml-syntax')
    expect(errors[0]!.line).toBeGreaterThanOrEqual(3)
  })

  it('refuses duplicate keys in one mapping', () => {
    expect(
      errorsOf(`reports:\n  - id: ${ID}\n    kind: usage_daily\n    kind: usage_summary\n`)[0]!.code,
    ).toBe('yaml-syntax')
  })

  it('refuses unknown top-level keys, a missing reports list, and an unsupported version', () => {
    expect(brief(errorsOf('report: []\n'))).toEqual([
      ['required', 1, 1],
      ['unknown-key', 1, 1],
    ])
    expect(errorsOf('report: []\n')[1]!.message).toContain('did you mean "reports"')
    expect(brief(errorsOf('version: 2\nreports: []\n'))).toEqual([['version', 1, 10]])
    expect(brief(errorsOf(''))).toEqual([['type', 1, 1]])
    expect(brief(errorsOf('reports: {}\n'))).toEqual([['type', 1, 10]])
  })

  it('treats __proto__ and constructor as unknown keys, never as object internals', () => {
    const errors = errorsOf(
      `reports:\n  - id: ${ID}\n    __proto__: {kind: usage_daily}\n    constructor: 1\n`,
    )
    expect(brief(errors)).toEqual([
      ['unknown-key', 3, 5],
      ['unknown-key', 4, 5],
    ])
    expect(({} as Record<string, unknown>).kind).toBeUndefined()
  })

  it('stops an alias bomb quickly with a clear error', () => {
    /** `levels` anchors, each a list of nine aliases of the one before: 9^levels strings expanded. */
    const bomb = (levels: number) => {
      const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
      for (let i = 1; i < levels; i++) {
        const prev = String.fromCharCode(96 + i)
        const cur = String.fromCharCode(97 + i)
        lines.push(
          `${cur}: &${cur} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
        )
      }
      lines.push('reports: []')
      return lines.join('\n')
    }
    expect(errorsOf(bomb(9))[0]!.code).toBe('alias-limit')
    // Stopped at the limit: nine levels cost about what five do, where expanding them costs 9^4 times more.
    expect(growth(errorsOf, bomb(5), bomb(9))).toBeLessThan(LINEAR_AT_10X)
  })
})

describe('loadConfig', () => {
  it('says when the file is missing, naming it', async () => {
    const e = (await loadConfig('/nonexistent/reports.yaml', 'reports.yaml').catch(
      (x: unknown) => x,
    )) as ConfigErrors
    expect(e).toBeInstanceOf(ConfigErrors)
    expect(e.errors[0]!.code).toBe('file-missing')
    expect(e.errors[0]!.message).toContain('/nonexistent/reports.yaml')
  })
})

describe('didYouMean', () => {
  it('suggests close keys and nothing for far ones', () => {
    expect(didYouMean('recipents', ['recipients', 'kind'])).toBe('recipients')
    expect(didYouMean('hide_zero', ['hide_zero_usage', 'kind'])).toBeUndefined()
    expect(didYouMean('zzz', ['kind', 'level'])).toBeUndefined()
  })
})
