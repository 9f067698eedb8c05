import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acronisError, api, put } from './harness.js'
import { startSimulator, type Simulator } from './index.js'

let sim: Simulator
let call: ReturnType<typeof api>
const alice = '11111111-1111-4111-8111-111111111111'
const bob = '22222222-2222-4222-8222-222222222222'

beforeAll(async () => {
  sim = await startSimulator()
  const tenant = sim.addTenant()
  call = api(sim, sim.issueToken(sim.addClient({ tenantId: tenant.id }).clientId))
})
afterAll(() => sim.close())

/** A PUT against a fresh report; answers the response and the stored report afterwards. */
async function putFresh(
  body: unknown,
  seed: Parameters<Simulator['addReport']>[0] = {},
  contentType?: string,
) {
  const report = sim.addReport({ recipients: [alice], ...seed })
  const response = await call(`/reports/${report.id}`, put(body, contentType))
  return { before: report, response, after: sim.getReport(report.id)! }
}

describe('PUT /reports/{id}', () => {
  it('merges the given fields, keeps the others, bumps the version and answers the full report', async () => {
    const { before, response, after } = await putFresh({ schedule: { enabled: false } })
    expect(response.status).toBe(200)
    expect(after).toEqual({ ...before, version: 2, schedule: { type: 'monthly', enabled: false } })
    expect(await response.json()).toEqual(after)
  })

  it('replaces recipients and merges parameters key by key', async () => {
    const body = { recipients: [bob], parameters: { level: 'itself', show_skus: true } }
    const { before, after } = await putFresh(body, { parameters: { hide_zero_usage: undefined } })
    expect(after.recipients).toEqual([bob])
    expect(after.parameters).toEqual({ ...before.parameters, level: 'itself', show_skus: true })
    expect(after.parameters).not.toHaveProperty('hide_zero_usage')
  })

  it('accepts application/json with a charset', async () => {
    const { response } = await putFresh(
      { schedule: { enabled: true } },
      {},
      'application/json; charset=utf-8',
    )
    expect(response.status).toBe(200)
  })

  it.each([
    [{ version: 3 }, 'version'],
    [{ parameters: { formats: ['csv'] } }, 'parameters.formats'],
    [{ parameters: { tenant_id: alice } }, 'parameters.tenant_id'],
    [{ schedule: { enabled: true, type: 'once' } }, 'schedule.type'],
    [{ result_action: 'save' }, 'result_action'],
    [{ parameters: { kind: 'usage_weekly' } }, 'parameters.kind'],
    [{ parameters: { level: 'everyone' } }, 'parameters.level'],
    [{ parameters: { hide_zero_usage: 'yes' } }, 'parameters.hide_zero_usage'],
    [{ schedule: {} }, 'schedule.enabled'],
    [{ schedule: { enabled: 1 } }, 'schedule.enabled'],
    [{ recipients: ['alice@example.com'] }, 'recipients[0]'],
    [{ recipients: alice }, 'recipients'],
    [[], 'body'],
  ])('rejects %j with 400 naming %s, leaving the report untouched', async (body, field) => {
    const { before, response, after } = await putFresh(body)
    expect(response.status).toBe(400)
    const error = await acronisError(response)
    expect(error.code).toBe(400)
    expect(error.message).toContain(field)
    expect(after).toEqual(before)
  })

  it('rejects malformed JSON with 400 and a wrong or missing Content-Type with 415', async () => {
    expect((await putFresh('{"schedule":')).response.status).toBe(400)
    const plain = await putFresh({ schedule: { enabled: false } }, {}, 'text/plain')
    expect(plain.response.status).toBe(415)
    expect((await acronisError(plain.response)).code).toBe(415)
    expect(plain.after.version).toBe(1)
    expect((await putFresh({ schedule: { enabled: false } }, {}, '')).response.status).toBe(415)
  })

  it('refuses one-time reports', async () => {
    const { response, after } = await putFresh(
      { schedule: { enabled: false } },
      { schedule: { type: 'once' } },
    )
    expect(response.status).toBe(400)
    expect((await acronisError(response)).message).toMatch(/only scheduled reports/)
    expect(after.schedule.enabled).toBe(true)
  })

  it('refuses recipients on a save report but accepts other fields there', async () => {
    const refused = await putFresh({ recipients: [] }, { result_action: 'save', recipients: [] })
    expect(refused.response.status).toBe(400)
    expect((await acronisError(refused.response)).message).toContain('recipients')
    const accepted = await putFresh({ parameters: { kind: 'usage_daily' } }, { result_action: 'save' })
    expect(accepted.response.status).toBe(200)
    expect(accepted.after.parameters.kind).toBe('usage_daily')
  })

  it('answers 404 for an unknown report and 403 to a readonly_admin (who may still read)', async () => {
    const unknown = await call(
      '/reports/33333333-3333-4333-8333-333333333333',
      put({ schedule: { enabled: true } }),
    )
    expect(unknown.status).toBe(404)
    const report = sim.addReport()
    const readonly = sim.addClient({ tenantId: report.parameters.tenant_id, role: 'readonly_admin' })
    const reader = api(sim, sim.issueToken(readonly.clientId))
    expect((await reader(`/reports/${report.id}`)).status).toBe(200)
    const denied = await reader(`/reports/${report.id}`, put({ schedule: { enabled: false } }))
    expect(denied.status).toBe(403)
    expect(sim.getReport(report.id)).toEqual(report)
  })
})
