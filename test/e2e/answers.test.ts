import { describe, expect, it } from 'vitest'
import type { LiveReport } from '../../src/acronis/types.js'
import type { PlanEntry } from '../../src/report/outputs.js'
import type { Fault } from '../simulator/index.js'
import { USER_A, USER_B, yaml, worlds, puts } from './fixture.js'
import { runAction, type RunResult } from './harness.js'

// Issue 13 end to end: the bundled action against an API whose answers are malformed or whose writes
// do more than asked. The Node version does not matter here (core.test.ts runs both).

const servers = worlds()
const entries = (r: RunResult) => new Map((JSON.parse(r.outputs.plan!) as PlanEntry[]).map((e) => [e.id, e]))
const withParameters =
  (patch: Record<string, unknown>) =>
  (b: { parameters: object }): unknown => ({ ...b, parameters: { ...b.parameters, ...patch } })

describe('answers the action cannot trust', () => {
  it('fail each report alone with a message naming the field; every report is accounted for; no PUT is built from them', async () => {
    const { sim, report, inputs } = await servers.world()
    const other = report()
    const get = (reply: unknown): Fault => ({ method: 'GET', reply })
    const cases: [string, Fault | undefined, string][] = [
      ['no parameters', get((b: object) => ({ ...b, parameters: undefined })), 'parameters is missing'],
      ['no schedule', get((b: object) => ({ ...b, schedule: undefined })), 'schedule is missing'],
      ['null', get(null), 'the answer is null; expected an object'],
      ['an array', get((b: object) => [b]), 'the answer is [{'],
      [
        'recipients a string',
        get((b: object) => ({ ...b, recipients: USER_A })),
        `recipients is "${USER_A}"; expected an array`,
      ],
      ['kind a number', get(withParameters({ kind: 5 })), 'parameters.kind is 5; expected a string'],
      [
        'level an object',
        get(withParameters({ level: { $gt: '' } })),
        'parameters.level is {"$gt":""}; expected a string',
      ],
      [
        'hide_zero_usage "yes"',
        get(withParameters({ hide_zero_usage: 'yes' })),
        'parameters.hide_zero_usage is "yes"; expected a boolean',
      ],
      [
        'kind outside the enum',
        get(withParameters({ kind: 'usage_quarterly' })),
        'the live kind "usage_quarterly" is not one the API documents',
      ],
      ['another id', undefined, `the API answered report ${other.id} for report `],
      ['PUT answering 200 {}', { method: 'PUT', reply: {} }, `PUT /reports/`],
      ['healthy', undefined, ''],
    ]
    const reports = cases.map(([name]) => ({ name, live: report({ parameters: { kind: 'usage_summary' } }) }))
    cases.forEach(([name, fault], i) => {
      const id = reports[i]!.live.id
      if (fault) sim.inject({ ...fault, path: `/reports/${id}` })
      if (name === 'another id')
        sim.inject({ method: 'GET', path: `/reports/${id}`, reply: sim.getReport(other.id) })
    })
    const config = yaml(reports.map(({ name, live }) => ({ id: live.id, name, kind: 'usage_daily' })))

    const r = await runAction({ config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code, r.stdout).toBe(1)
    expect(r.outputs).toMatchObject({ changed: '1', failed: String(cases.length - 1), unchanged: '0' })
    const plan = entries(r)
    expect(plan.size).toBe(cases.length)
    cases.forEach(([name, , message], i) => {
      const entry = plan.get(reports[i]!.live.id)!
      if (name === 'healthy') return expect(entry.status).toBe('update')
      expect(entry.status, name).toBe('failed')
      expect(entry.error, name).toContain(message)
      expect(r.summary, name).toContain(name)
    })
    expect(plan.get(reports[10]!.live.id)!.error).toMatch(/→ 200 invalid_response: id is missing$/)
    // A PUT only where the GET was sound: the healthy report, and the one whose PUT answer was bad.
    expect(
      puts(sim)
        .map((p) => p.path)
        .sort(),
    ).toEqual([reports[10]!.live.id, reports[11]!.live.id].map((id) => `/api/2/reports/${id}`).sort())
    // Nothing was left in flight when the run ended: every request got its answer.
    expect(sim.requests.filter((q) => q.status === 0)).toEqual([])
  })

  it('catches an API that changes a field the file does not manage, naming it and its previous value', async () => {
    const { sim, report, inputs } = await servers.world()
    const reset = report({ parameters: { level: 'accounts', hide_zero_usage: true } })
    const kept = report()
    sim.inject({
      path: `/reports/${reset.id}`,
      afterWrite: (stored: LiveReport) => {
        stored.parameters.level = 'itself'
        delete stored.parameters.hide_zero_usage
      },
    })
    const config = yaml([reset, kept].map((l) => ({ id: l.id, kind: 'usage_daily' })))
    const r = await runAction({ config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ changed: '1', failed: '1' })
    expect(entries(r).get(reset.id)!.error).toBe(
      'the API also changed what the file does not manage: parameters.hide_zero_usage was true (now absent); ' +
        'parameters.level was "accounts" (now "itself"); restore by hand',
    )
    expect(entries(r).get(kept.id)!.status).toBe('update')
  })
})

describe('the documented minimum on the wire', () => {
  it("sends kind, level and a send report's recipients; enabled and the flags only when managed and different", async () => {
    const { sim, report, inputs } = await servers.world()
    const send = report({
      recipients: [USER_A],
      parameters: { kind: 'usage_summary', level: 'all_customers' },
    })
    const save = report({
      result_action: 'save',
      recipients: [],
      schedule: { type: 'monthly', enabled: true },
    })
    const flags = report({
      recipients: [USER_B],
      parameters: { hide_zero_usage: true, show_skus: undefined },
    })
    const config = yaml([
      { id: send.id, kind: 'usage_daily', enabled: true, hide_zero_usage: true },
      { id: save.id, enabled: false },
      { id: flags.id, recipients: [USER_A], hide_zero_usage: false, show_skus: true },
    ])
    const r = await runAction({ config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code, r.stdout).toBe(0)
    const bodies = new Map(puts(sim).map((p) => [p.path.split('/').at(-1), JSON.parse(p.body) as unknown]))
    expect(bodies.get(send.id)).toEqual({
      recipients: [USER_A],
      parameters: { kind: 'usage_daily', level: 'all_customers' },
    })
    expect(bodies.get(save.id)).toEqual({
      parameters: { kind: 'usage_summary', level: 'accounts' },
      schedule: { enabled: false },
    })
    expect(bodies.get(flags.id)).toEqual({
      recipients: [USER_A],
      parameters: { kind: 'usage_summary', level: 'accounts', hide_zero_usage: false, show_skus: true },
    })
  })

  it('works with a data center that refuses hide_zero_usage and show_skus, which fails only a report that changes them, in its words', async () => {
    const { sim, report, inputs } = await servers.world()
    const plain = report({ parameters: { kind: 'usage_summary' } })
    const flagged = report({ parameters: { hide_zero_usage: true } })
    sim.inject({ refuse: ['parameters.hide_zero_usage', 'parameters.show_skus'], times: Infinity })
    const config = yaml([
      { id: plain.id, kind: 'usage_daily', hide_zero_usage: true, show_skus: false },
      { id: flagged.id, hide_zero_usage: false },
    ])
    const r = await runAction({ config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    expect(entries(r).get(plain.id)!.status).toBe('update')
    // The API's own message (and its details), as the error body carried them.
    expect(entries(r).get(flagged.id)!.error).toBe(
      `PUT /reports/${flagged.id} → 400: parameters.hide_zero_usage cannot be changed (parameters.hide_zero_usage)`,
    )
    expect(sim.getReport(plain.id)!.parameters.kind).toBe('usage_daily')
  })
})
