import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.js'
import { brief, errorsOf } from './config-errors.js'

const ID = '20dffb36-d77b-45c6-b2fa-39276e98d5fc'
const ID2 = '5b6f1c1e-3c1a-4d8e-9a43-0f2b9d7c8e11'
const TENANT = '2f1e0a3b-5c6d-4e7f-8a9b-0c1d2e3f4a5b'
const OTHER = '7c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f'

describe('creating and deleting in reports.yaml', () => {
  it('sorts entries into reports to keep, to delete and to create, each with its place in the list', () => {
    const c = parseConfig(
      [
        'version: 1',
        `tenant: ${TENANT.toUpperCase()}`,
        'reports:',
        '  - name: Acme, monthly billing',
        '    kind: usage_summary',
        '    level: accounts',
        '    result_action: send',
        '    formats: [csv, html]',
        '    recipients: [billing@acme.example]',
        `  - id: ${ID}`,
        '    state: absent',
        `  - id: ${ID2}`,
        '    kind: usage_daily',
        '  - kind: usage_daily',
        '    level: itself',
        '    result_action: save',
        `    tenant: ${OTHER}`,
      ].join('\n'),
      'reports.yaml',
    )
    expect(c.tenant).toBe(TENANT)
    expect(c.entries).toBe(4)
    expect(c.reports.map((r) => [r.id, r.index])).toEqual([[ID2, 2]])
    expect(c.deletes.map((r) => [r.id, r.index, r.state])).toEqual([[ID, 1, 'absent']])
    expect(c.creates.map((r) => [r.index, r.tenant, r.result_action, r.at.line])).toEqual([
      [0, undefined, 'send', 4],
      [3, OTHER, 'save', 14],
    ])
    expect(c.creates[0]!.formats).toEqual(['csv', 'html'])
  })

  it('reports every lifecycle problem at once, each where it is', () => {
    const errors = errorsOf(
      [
        'tenant: acme', // 1: not a UUID
        'reports:',
        '  - name: no kind', // 3: a create needs kind, level, result_action
        '    result_action: send',
        '    recipients: [alice]',
        '  - state: absent', // 6: absent without id
        `  - id: ${ID}`,
        '    result_action: save',
        '    recipients: [alice]', // 9: recipients with save
        '  - kind: usage_daily', // 10
        '    level: itself',
        '    result_action: save',
        '  - {kind: usage_daily, level: itself, result_action: save}', // 13: the same report again
        `  - {id: ${ID2}, tenant: "7c0d", formats: [pdf]}`, // 14: bad tenant, bad format
        '  - {kind: usage_daily, level: itself, result_action: send}', // 15: send without recipients
      ].join('\n'),
    )
    expect(brief(errors)).toEqual([
      ['uuid', 1, 9],
      ['required', 3, 5],
      ['lifecycle', 6, 12],
      ['lifecycle', 9, 17],
      ['duplicate-report', 13, 5],
      ['uuid', 14, 56],
      ['enum', 14, 74],
      ['lifecycle', 15, 5],
    ])
    expect(errors[1]!.message).toContain('it needs kind and level')
    expect(errors[4]!.message).toContain('the entry at line 10')
  })

  it('tells two entries without id apart by everything they declare, the tenant included', () => {
    const entry = (extra: string) => `  - {kind: usage_daily, level: itself, result_action: save${extra}}`
    const c = parseConfig(
      [
        `tenant: ${TENANT}`,
        'reports:',
        entry(''),
        entry(`, tenant: ${OTHER}`),
        entry(', formats: [csv]'),
        entry(', enabled: false'),
      ].join('\n'),
      'r.yaml',
    )
    expect(c.creates).toHaveLength(4)
    // The file's tenant written on the entry is the same report as the entry that leaves it out.
    expect(
      brief(errorsOf([`tenant: ${TENANT}`, 'reports:', entry(''), entry(`, tenant: ${TENANT}`)].join('\n'))),
    ).toEqual([['duplicate-report', 4, 5]])
  })
})
