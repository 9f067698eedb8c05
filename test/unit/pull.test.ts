import { describe, expect, it } from 'vitest'
import type { DesiredReport } from '../../src/config/validate.js'
import { parseConfig } from '../../src/config/load.js'
import { pulledText } from '../../src/engine/pull-text.js'
import { pullEntry } from '../../src/engine/pull-entry.js'
import { A, B, ID, live } from './live-report.js'

const C = '11111111-2222-4333-8444-555555555555'
const at = { file: 'reports.yaml', line: 2, column: 9 }

const desired = (r: Partial<DesiredReport>): DesiredReport => ({
  id: ID,
  index: 0,
  at,
  recipientAt: (k) => ({ ...at, line: 10 + k }),
  ...r,
})
const names = new Map([
  ['alice', [A]],
  ['bob', [B]],
  ['team@example.com', [A, B]],
  ['gone', []],
])

describe('pullEntry', () => {
  it('finds nothing to write when the managed fields match, unmanaged ones aside', () => {
    const r = desired({ kind: 'usage_summary', recipients: ['alice'], enabled: true })
    expect(
      pullEntry(0, r, live({ schedule: { type: 'monthly', enabled: true } }, { level: 'itself' }), names),
    ).toEqual({ changes: [], notes: [], appended: [] })
  })

  it('takes the live kind, level, enabled and flags, from the file value to the live value', () => {
    const r = desired({
      kind: 'usage_daily',
      level: 'itself',
      enabled: false,
      hide_zero_usage: false,
      show_skus: false,
    })
    const p = pullEntry(3, r, live({}, { show_skus: true }), names)
    expect(p.changes).toEqual([
      { field: 'kind', from: 'usage_daily', to: 'usage_summary' },
      { field: 'level', from: 'itself', to: 'accounts' },
      { field: 'enabled', from: false, to: true },
      { field: 'hide_zero_usage', from: false, to: true },
      { field: 'show_skus', from: false, to: true },
    ])
    expect(p.edit).toEqual({
      index: 3,
      scalars: {
        kind: 'usage_summary',
        level: 'accounts',
        enabled: true,
        hide_zero_usage: true,
        show_skus: true,
      },
      recipients: undefined,
    })
    expect(p.notes).toEqual([])
  })

  it('lists, and leaves, a value outside the schema and a flag the live report does not carry', () => {
    const r = desired({ kind: 'usage_daily', show_skus: true })
    const p = pullEntry(0, r, live({}, { kind: 'usage_future' as never, show_skus: undefined }), names)
    expect(p.changes).toEqual([])
    expect(p.edit).toBeUndefined()
    expect(p.notes.map((n) => [n.field, n.written, n.message])).toEqual([
      ['kind', false, expect.stringContaining('"usage_future" is not one')],
      ['show_skus', false, 'the live report does not carry show_skus; left as true'],
    ])
  })

  it('keeps names that still resolve to a live recipient, removes the others, appends new ones', () => {
    const r = desired({ recipients: ['alice', B.toUpperCase(), 'bob'] })
    const p = pullEntry(0, r, live({ recipients: [C, A] }), names, (id) => (id === C ? 'carol' : id))
    expect(p.changes).toEqual([
      { field: 'recipients', from: ['alice', B.toUpperCase(), 'bob'], to: ['alice', 'carol'] },
    ])
    expect(p.edit?.recipients).toEqual({ items: [undefined, [], []], append: ['carol'] })
    expect(p.appended).toEqual([C])
    expect(p.notes).toEqual([])
  })

  it('replaces a name that no longer resolves to one user by the live recipients it stood for, and lists it', () => {
    const r = desired({ recipients: ['team@example.com', 'gone'] })
    const p = pullEntry(0, r, live({ recipients: [B, C] }), names)
    expect(p.edit?.recipients).toEqual({ items: [[B], []], append: [C] })
    expect(p.changes[0]!.to).toEqual([B, C])
    expect(p.notes).toEqual([
      {
        id: ID,
        field: 'recipients',
        written: true,
        at: { ...at, line: 10 },
        message: `"team@example.com" now matches 2 users; replaced by the live recipient it stood for: ${B}`,
      },
      {
        id: ID,
        field: 'recipients',
        written: true,
        at: { ...at, line: 11 },
        message: expect.stringContaining('"gone" matches no user any more; removed'),
      },
    ])
  })

  it('leaves recipients of a report whose result action is not send, and lists them when they differ', () => {
    const same = pullEntry(0, desired({ recipients: ['alice'] }), live({ result_action: 'save' }), names)
    expect(same).toEqual({ changes: [], notes: [], appended: [] })
    const differ = pullEntry(0, desired({ recipients: ['bob'] }), live({ result_action: 'save' }), names)
    expect(differ.changes).toEqual([])
    expect(differ.notes[0]!.message).toContain('result action is save')
  })

  it('ignores order, case and duplicates, as plan does', () => {
    const r = desired({ recipients: [B, 'alice', A.toUpperCase()] })
    expect(pullEntry(0, r, live({ recipients: [A, B] }), names).changes).toEqual([])
  })
})

describe('pulledText', () => {
  it('lists a recipient list it cannot change (an anchored item) once, without the replacements it did not make', () => {
    const text = `reports:\n  - id: ${ID}\n    recipients: [&who gone]\n  - id: ${C}\n    recipients: [*who]\n`
    const config = parseConfig(text, 'reports.yaml')
    const pulls = [pullEntry(0, config.reports[0]!, live({ recipients: [A] }), names), undefined]
    expect(pulls[0]!.notes.map((n) => n.written)).toEqual([true])
    const edited = pulledText(text, config, pulls, [], (t) => t)
    expect(edited.text).toBe(text)
    expect(pulls[0]!.changes).toEqual([])
    expect(pulls[0]!.notes.map((n) => [n.field, n.written, n.message.split(':')[0]])).toEqual([
      ['recipients', false, 'cannot be changed in place'],
    ])
  })
})
