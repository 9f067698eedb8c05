import { describe, expect, it } from 'vitest'
import { mergedUpdate, planReport } from '../../src/engine/plan.js'
import { A, B, live, want } from './live-report.js'

describe('planReport', () => {
  it('finds no change when every managed field matches, and ignores unmanaged ones', () => {
    expect(planReport(want({ kind: 'usage_summary' }), live({}, { level: 'itself' }))).toEqual({
      changes: [],
    })
    expect(planReport(want({}), live())).toEqual({ changes: [] })
  })

  it('records field, live value and desired value, in a fixed field order', () => {
    const p = planReport(
      want({ show_skus: true, kind: 'usage_current', enabled: false, level: 'direct_partners' }),
      live(),
    )
    expect(p.changes).toEqual([
      { field: 'kind', from: 'usage_summary', to: 'usage_current' },
      { field: 'level', from: 'accounts', to: 'direct_partners' },
      { field: 'enabled', from: true, to: false },
      { field: 'show_skus', from: false, to: true },
    ])
    expect(p.blocked).toBeUndefined()
  })

  it('compares recipients as a set: order, case and duplicates do not matter', () => {
    expect(
      planReport(want({ recipients: [B.toUpperCase(), A, A] }), live({ recipients: [B, A] })).changes,
    ).toEqual([])
    const p = planReport(want({ recipients: [B] }), live())
    expect(p.changes).toEqual([{ field: 'recipients', from: [A], to: [B] }])
  })

  it('shows recipients by the names the file used', () => {
    const r = want({
      recipients: ['bob@example.com'],
      recipientIds: [B],
      recipientNames: new Map([[B, 'bob@example.com']]),
    })
    // The UUIDs behind the names ride along: a reviewed plan compares those, not the names.
    expect(planReport(r, live()).changes).toEqual([
      { field: 'recipients', from: [A], to: ['bob@example.com'], ids: { from: [A], to: [B] } },
    ])
  })

  it('treats a flag absent from the live report as a difference', () => {
    const l = live()
    delete l.parameters.hide_zero_usage
    expect(planReport(want({ hide_zero_usage: true }), l).changes).toEqual([
      { field: 'hide_zero_usage', from: null, to: true },
    ])
  })

  it('blocks a differing one-time report, but not an unchanged one', () => {
    const once = live({ schedule: { type: 'once', enabled: true } })
    const p = planReport(want({ kind: 'usage_daily' }), once)
    expect(p.blocked).toContain('only scheduled reports can be updated')
    expect(p.update).toBeUndefined()
    expect(planReport(want({ kind: 'usage_summary' }), once)).toEqual({ changes: [] })
  })

  it('blocks recipients on a report whose result action is save', () => {
    const p = planReport(want({ recipients: [B] }), live({ result_action: 'save', recipients: [] }))
    expect(p.blocked).toContain('result_action is send')
    expect(
      planReport(want({ kind: 'usage_daily' }), live({ result_action: 'save', recipients: [] })).update,
    ).toBeDefined()
  })
})

describe('planReport and live values the API does not document', () => {
  it('fails a report with changes when its live kind or level is undocumented, and builds no PUT', () => {
    const quarterly = live({}, { kind: 'usage_quarterly' })
    const p = planReport(want({ enabled: false }), quarterly)
    expect(p.blocked).toBe(
      'the live kind "usage_quarterly" is not one the API documents (usage_daily, usage_summary, usage_current, usage_breakdown): nothing is sent',
    )
    expect(p.update).toBeUndefined()
    expect(planReport(want({ kind: 'usage_daily' }), live({}, { level: 'galaxy' })).blocked).toMatch(
      /^the live level "galaxy" is not one the API documents/,
    )
    // Nothing to write, nothing sent: the report is unchanged, whatever the file leaves unmanaged.
    expect(planReport(want({ enabled: true }), quarterly)).toEqual({ changes: [] })
  })
})

// The PUT body is the documented minimum since issue 13 (it used to carry every field the PUT accepts).
describe('mergedUpdate', () => {
  it("sends kind and level (desired where managed, live elsewhere) and the send report's recipients", () => {
    const u = mergedUpdate(
      want({ kind: 'usage_daily', recipients: [B] }),
      live({}, { level: 'all_customers' }),
    )
    expect(u).toEqual({ recipients: [B], parameters: { kind: 'usage_daily', level: 'all_customers' } })
    expect(mergedUpdate(want({ level: 'itself' }), live())).toEqual({
      recipients: [A],
      parameters: { kind: 'usage_summary', level: 'itself' },
    })
  })

  it('adds enabled, hide_zero_usage and show_skus only when the file manages them and they differ', () => {
    const l = live({}, { hide_zero_usage: true, show_skus: false })
    delete l.parameters.show_skus
    expect(mergedUpdate(want({ enabled: true, hide_zero_usage: true, show_skus: false }), l)).toEqual({
      recipients: [A],
      parameters: { kind: 'usage_summary', level: 'accounts', show_skus: false },
    })
    expect(mergedUpdate(want({ enabled: false, hide_zero_usage: false }), l)).toEqual({
      recipients: [A],
      parameters: { kind: 'usage_summary', level: 'accounts', hide_zero_usage: false },
      schedule: { enabled: false },
    })
  })

  it('leaves out recipients for save reports', () => {
    const u = mergedUpdate(want({ enabled: false }), live({ result_action: 'save', recipients: [] }))
    expect(u).toEqual({
      parameters: { kind: 'usage_summary', level: 'accounts' },
      schedule: { enabled: false },
    })
  })
})
