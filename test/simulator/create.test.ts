import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { acronisError, api } from './harness.js'
import { startSimulator, usageNotReady, type Simulator } from './index.js'

let sim: Simulator
let call: ReturnType<typeof api>
let tenantId: string
const alice = '11111111-1111-4111-8111-111111111111'

beforeAll(async () => {
  sim = await startSimulator()
  tenantId = sim.addTenant().id
  call = api(sim, sim.issueToken(sim.addClient({ tenantId }).clientId))
})
afterAll(() => sim.close())
beforeEach(() => sim.clearFaults())

/** The guide's body for a scheduled report, with `patch` merged one level deep. */
function body(patch: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    recipients: [alice],
    result_action: 'send',
    parameters: { tenant_id: tenantId, kind: 'usage_summary', level: 'accounts', formats: ['csv', 'html'] },
    schedule: { type: 'monthly' },
  }
  for (const [key, value] of Object.entries(patch)) {
    const old = base[key]
    base[key] =
      value && typeof value === 'object' && !Array.isArray(value) && old && typeof old === 'object'
        ? { ...old, ...value }
        : value
  }
  return base
}
const post = (data: unknown, with_ = call, contentType = 'application/json') =>
  with_('/reports', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof data === 'string' ? data : JSON.stringify(data),
  })
const del = (id: string, query: string, with_ = call) => with_(`/reports/${id}${query}`, { method: 'DELETE' })

describe('POST /reports', () => {
  it('creates the report with a new id and version 1, answers it whole (200), and lists it under its tenant', async () => {
    const before = sim.reportIds().length
    const response = await post(body({ parameters: { hide_zero_usage: false } }))
    expect(response.status).toBe(200)
    const created = (await response.json()) as { id: string; version: number }
    expect(created).toMatchObject({
      version: 1,
      result_action: 'send',
      recipients: [alice],
      parameters: {
        tenant_id: tenantId,
        kind: 'usage_summary',
        formats: ['csv', 'html'],
        hide_zero_usage: false,
      },
      schedule: { type: 'monthly', enabled: true },
    })
    expect(created).not.toHaveProperty('parameters.show_skus')
    expect(sim.getReport(created.id)).toEqual(created)
    expect(sim.reportIds()).toHaveLength(before + 1)
    const listed = (await (await call(`/tenants/${tenantId}/reports`)).json()) as { items: string[] }
    expect(listed.items).toContain(created.id)
  })

  it('gives a report without formats csv (the vendor does not document its default)', async () => {
    const { parameters } = body()
    const response = await post(body({ parameters: { ...(parameters as object), formats: undefined } }))
    expect(((await response.json()) as { parameters: { formats: string[] } }).parameters.formats).toEqual([
      'csv',
    ])
  })

  it.each([
    [{ id: alice }, 'id'],
    [{ version: 1 }, 'version'],
    [{ result_action: undefined }, 'result_action'],
    [{ recipients: undefined }, 'recipients'],
    [{ schedule: undefined }, 'schedule'],
    [{ result_action: 'mail' }, 'result_action'],
    [{ recipients: ['alice'] }, 'recipients[0]'],
    [{ parameters: { tenant_id: undefined } }, 'parameters.tenant_id'],
    [{ parameters: { kind: undefined } }, 'parameters.kind'],
    [{ parameters: { level: 'everyone' } }, 'parameters.level'],
    [{ parameters: { formats: ['pdf'] } }, 'parameters.formats'],
    [{ parameters: { name: 'x' } }, 'parameters.name'],
    [{ schedule: { type: 'weekly' } }, 'schedule.type'],
    [{ schedule: { enabled: true, type: undefined } }, 'schedule.type'],
    [{ schedule: { type: 'once' } }, 'parameters.period'],
    [{ result_action: 'send', recipients: [] }, 'recipients'],
    [{ result_action: 'save' }, 'recipients'],
  ])('refuses %j with 400 naming %s, and creates nothing', async (patch, field) => {
    const before = sim.reportIds().length
    const response = await post(JSON.parse(JSON.stringify(body(patch))))
    expect(response.status).toBe(400)
    const error = (await response.json()) as { error: { details: { info: string } } }
    expect(error.error.details.info).toBe(field)
    expect(sim.reportIds()).toHaveLength(before)
  })

  it('answers 415 without a JSON content type, 404 for an unknown tenant, 403 outside reach or to a readonly_admin', async () => {
    expect((await post(body(), call, 'text/plain')).status).toBe(415)
    expect((await post(body({ parameters: { tenant_id: alice } }))).status).toBe(404)
    const other = sim.addTenant()
    expect((await post(body({ parameters: { tenant_id: other.id } }))).status).toBe(403)
    const reader = api(sim, sim.issueToken(sim.addClient({ tenantId, role: 'readonly_admin' }).clientId))
    expect((await post(body(), reader)).status).toBe(403)
  })

  it('refuses in the early hours as the document says (an injected fault), creating nothing', async () => {
    const before = sim.reportIds().length
    sim.inject(usageNotReady())
    const early = await post(body())
    expect(early.status).toBe(400)
    expect((await acronisError(early)).message).toMatch(/not ready/)
    sim.inject(usageNotReady('late'))
    expect((await post(body())).status).toBe(500)
    expect(sim.reportIds()).toHaveLength(before)
  })

  it('can create the report and then drop the connection without an answer', async () => {
    const before = sim.reportIds().length
    sim.inject({ method: 'POST', path: '/reports', dropAfterWrite: true })
    await expect(post(body())).rejects.toThrow()
    expect(sim.reportIds()).toHaveLength(before + 1)
  })
})

describe('DELETE /reports/{id}?version=N', () => {
  it('deletes with the current version (204, no body); a second delete answers 404', async () => {
    const report = sim.addReport({ version: 4 })
    const response = await del(report.id, '?version=4')
    expect([response.status, await response.text()]).toEqual([204, ''])
    expect(sim.getReport(report.id)).toBeUndefined()
    expect((await del(report.id, '?version=4')).status).toBe(404)
  })

  it('answers 409 for a stale version and 400 without one, and keeps the report', async () => {
    const report = sim.addReport({ version: 2 })
    const stale = await del(report.id, '?version=1')
    expect(stale.status).toBe(409)
    expect((await acronisError(stale)).code).toBe(409)
    expect((await del(report.id, '')).status).toBe(400)
    expect((await del(report.id, '?version=two')).status).toBe(400)
    expect(sim.getReport(report.id)).toEqual(report)
  })

  it('answers 403 to a readonly_admin', async () => {
    const report = sim.addReport()
    const reader = api(sim, sim.issueToken(sim.addClient({ tenantId, role: 'readonly_admin' }).clientId))
    expect((await del(report.id, '?version=1', reader)).status).toBe(403)
    expect(sim.getReport(report.id)).toBeDefined()
  })
})
