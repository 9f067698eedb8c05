import { describe, expect, it } from 'vitest'
import { createBody, createChanges, declares } from '../../src/engine/creates.js'
import { deleteChanges } from '../../src/engine/deletes.js'
import { planReport } from '../../src/engine/plan.js'
import { reviewCheck, reviewedFromEntries } from '../../src/review/check.js'
import { readReviewedPlan, recordKeys, recordReviewedPlan } from '../../src/review/record.js'
import type { Outcome } from '../../src/model.js'
import type { ResolvedNewReport } from '../../src/engine/recipients.js'
import { renderAppliedComment } from '../../src/report/comment-body.js'
import { planEntry } from '../../src/report/outputs.js'
import { A, B, live, want } from './live-report.js'

const T = 't'
const at = { file: 'reports.yaml', line: 4, column: 5 }
const entry = (r: Partial<ResolvedNewReport> = {}): ResolvedNewReport => ({
  kind: 'usage_summary',
  level: 'accounts',
  result_action: 'send',
  recipients: [A],
  index: 2,
  at,
  ...r,
})

describe('fields an update cannot change', () => {
  it.each([
    [{ result_action: 'save' as const }, 'result_action'],
    [{ formats: ['csv' as const, 'html' as const] }, 'formats'],
    [{ tenant: 'another' }, 'tenant'],
  ])('fail the report when %j differs, naming %s and how to replace it; nothing is sent', (field, name) => {
    const plan = planReport(want({ ...field, kind: 'usage_daily' }), live())
    expect(plan.update).toBeUndefined()
    expect(plan.blocked).toContain(`${name} cannot change by an update`)
    expect(plan.blocked).toContain('add a new entry without id')
    expect(plan.blocked).toContain('`state: absent` on this one')
  })

  it('compare formats as a set and the tenant without regard to case', () => {
    const same = want({ formats: ['html', 'csv', 'csv'], tenant: 'abc', result_action: 'send' })
    expect(planReport(same, live({}, { formats: ['csv', 'html'], tenant_id: 'ABC' }))).toEqual({
      changes: [],
    })
  })
})

describe('an entry without id', () => {
  it('posts the documented body: a monthly schedule, recipients only for send, only the declared extras', () => {
    expect(createBody(entry({ recipientIds: [A, A], hide_zero_usage: false }), T)).toEqual({
      recipients: [A],
      result_action: 'send',
      parameters: { tenant_id: T, kind: 'usage_summary', level: 'accounts', hide_zero_usage: false },
      schedule: { type: 'monthly' },
    })
    const save = createBody(
      entry({ result_action: 'save', recipients: undefined, enabled: false, formats: ['json_v2_0'] }),
      T,
    )
    expect(save).toMatchObject({ recipients: [], schedule: { type: 'monthly', enabled: false } })
    expect(save.parameters.formats).toEqual(['json_v2_0'])
  })

  it('matches a live report by everything it declares, and nothing it does not', () => {
    const r = entry({ recipientIds: [A], formats: ['csv'] })
    expect(declares(r, T, live())).toBe(true)
    expect(declares(entry({ recipients: undefined }), T, live({ recipients: [B] }))).toBe(true)
    expect(declares(r, T, live({ recipients: [A, B] }))).toBe(false)
    expect(declares(r, T, live({}, { formats: ['csv', 'html'] }))).toBe(false)
    expect(declares(r, T, live({}, { tenant_id: 'other' }))).toBe(false)
    expect(declares(r, T, live({ result_action: 'save' }))).toBe(false)
    expect(declares(r, T, live({ schedule: { type: 'once', enabled: true } }))).toBe(false)
    expect(declares(entry({ hide_zero_usage: false }), T, live())).toBe(false)
  })
})

describe('the reviewed plan covers creates and deletes, field by field', () => {
  const create = (r: ResolvedNewReport): Outcome => ({
    id: '',
    entry: r.index,
    name: 'new',
    status: 'create',
    changes: createChanges(r, T),
    at,
  })
  const del = (report = live()): Outcome => ({
    id: report.id,
    entry: 0,
    status: 'delete',
    changes: deleteChanges(report),
    at,
  })

  it('writes a create and a delete as reviewed, and holds a create whose content changed or a delete of a report that changed', () => {
    const binding = {
      repository: 'acme/billing',
      pullRequest: 7,
      head: '0123456789abcdef0123456789abcdef01234567',
      config: 'reports.yaml',
    }
    const keys = recordKeys('the-client-secret')
    const block = recordReviewedPlan([create(entry()), del()], binding, keys, 50_000).block
    const reviewed = readReviewedPlan(block, binding, keys)!
    const check = reviewCheck([reviewed])
    expect(check('new:2', create(entry()).changes)).toBeUndefined()
    expect(check(live().id, del().changes)).toBeUndefined()
    const moved = check('new:2', create(entry({ level: 'itself' })).changes)
    expect(moved?.error).toContain('differs from the reviewed plan')
    expect(moved?.reviewed).toContainEqual({ field: 'level', from: null, to: 'accounts' })
    expect(check(live().id, deleteChanges(live({}, { kind: 'usage_daily' })))?.error).toContain('differs')
  })

  it('reads creates and deletes from the plan output, a create by its entry', () => {
    const reviewed = reviewedFromEntries(JSON.parse(JSON.stringify([create(entry()), del()].map(planEntry))))
    expect([...reviewed.changes.keys()]).toEqual(['new:2', live().id])
  })
})

describe('the plan comment after the apply', () => {
  it('lists each created report with its new id, and each deleted one', () => {
    const created: Outcome = { id: A, name: 'Acme billing', entry: 0, status: 'created', changes: [], at }
    const deleted: Outcome = { id: B, entry: 1, status: 'deleted', changes: [], at }
    const body = renderAppliedComment(
      { mode: 'apply', config: 'reports.yaml', outcomes: [created, deleted] },
      '<!-- acronis-report-sync:plan -->\nthe plan',
      { run: '7' },
    )
    expect(body).toContain('Applied in run 7: 0 updated, 1 created, 1 deleted, 0 held, 0 failed')
    expect(body).toMatch(new RegExp(`Acme billing<br><sub>${A}</sub> \\| 🆕 created`))
    expect(body).toContain(B)
  })
})
