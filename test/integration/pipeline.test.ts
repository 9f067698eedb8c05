import { afterEach, describe, expect, it } from 'vitest'
import { Redactor } from '../../src/util/redact.js'
import { apiRoot } from '../../src/acronis/url.js'
import type { DesiredConfig } from '../../src/config/validate.js'
import { execute } from '../../src/engine/execute.js'
import type { OnlineSettings } from '../../src/settings/settings.js'
import { startSimulator, type LoggedRequest, type Simulator } from '../simulator/index.js'

// Counts and order only: how long anything takes is the benchmark's business (npm run bench).

let sims: Simulator[] = []
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()))
  sims = []
})

const CONCURRENCY = 4
const io = { secrets: new Redactor(), info: () => undefined, warning: () => undefined }

/** `count` reports, every second one drifted (kind), declared in a config; a short latency so calls overlap. */
async function setup(count: number) {
  const sim = await startSimulator({ latencyMs: 15 })
  sims.push(sim)
  const tenant = sim.addTenant()
  const client = sim.addClient({ tenantId: tenant.id })
  sim.addReport({ parameters: { tenant_id: tenant.id } }) // undeclared: found by the listing
  const ids = Array.from(
    { length: count },
    (_, i) =>
      sim.addReport({
        parameters: { tenant_id: tenant.id, kind: i % 2 ? 'usage_daily' : 'usage_summary' },
      }).id,
  )
  const config: DesiredConfig = {
    file: 'reports.yaml',
    reports: ids.map((id, i) => ({
      id,
      kind: 'usage_summary',
      index: i,
      at: { file: 'reports.yaml', line: i + 3, column: 5 },
    })),
    deletes: [],
    creates: [],
    entries: ids.length,
  }
  const settings = (extra: Partial<OnlineSettings> = {}): OnlineSettings => ({
    configPath: '/dev/null',
    configName: 'reports.yaml',
    mode: 'apply',
    modeReason: 'test',
    apiRoot: apiRoot(sim.url),
    credentials: { clientId: client.clientId, clientSecret: client.secret },
    concurrency: CONCURRENCY,
    timeoutMs: 5000,
    runTimeoutSeconds: 0,
    failOnDrift: false,
    tenantId: tenant.id,
    ...extra,
  })
  return { sim, config, settings, drifted: Math.floor(count / 2), tenantId: tenant.id }
}

/** `METHOD /path` with ids replaced, so a run's calls can be counted by kind. */
const kinds = (log: LoggedRequest[]) => {
  const out: Record<string, number> = {}
  for (const r of log) {
    const key = `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, '{id}')}`
    out[key] = (out[key] ?? 0) + 1
  }
  return out
}

describe('the reconcile pipeline', () => {
  it('makes the floor of calls and one listing: a token, a GET per report, a PUT per drifted one', async () => {
    const { sim, config, settings, drifted } = await setup(40)
    const result = await execute(settings(), config, io)
    expect(result.outcomes.filter((o) => o.status === 'updated')).toHaveLength(drifted)
    expect(result.unmanaged?.ids).toHaveLength(1)
    expect(kinds(sim.requests)).toEqual({
      'POST /api/2/idp/token': 1,
      'GET /api/2/reports/{id}': 40,
      'PUT /api/2/reports/{id}': drifted,
      'GET /api/2/tenants/{id}/reports': 1,
    })
  })

  it('looks up the API client once when no tenant-id is given, and sends no PUT in plan mode', async () => {
    const { sim, config, settings } = await setup(10)
    await execute(settings({ tenantId: undefined, mode: 'plan' }), config, io)
    expect(kinds(sim.requests)).toEqual({
      'POST /api/2/idp/token': 1,
      'GET /api/2/clients/{id}': 1,
      'GET /api/2/reports/{id}': 10,
      'GET /api/2/tenants/{id}/reports': 1,
    })
  })

  it('keeps the concurrency limit full, never over, on a few kept-alive connections', async () => {
    const { sim, config, settings } = await setup(60)
    await execute(settings(), config, io)
    expect(sim.maxInFlight).toBe(CONCURRENCY)
    expect(sim.connections).toBeLessThanOrEqual(CONCURRENCY)
  })

  it('fetches and updates in one pipeline: PUTs start while GETs are still being sent', async () => {
    const { sim, config, settings } = await setup(60)
    await execute(settings(), config, io)
    const firstPut = sim.requests.findIndex((r) => r.method === 'PUT')
    const lastGet = sim.requests.findLastIndex((r) => r.method === 'GET' && /\/reports\/[^/]+$/.test(r.path))
    // Not GET everything first, then PUT: most GETs arrive after the first PUT.
    expect(firstPut).toBeGreaterThan(0)
    expect(lastGet - firstPut).toBeGreaterThan(30)
  })

  it('with max-changes, plans every report before the first PUT (the limit needs the whole count)', async () => {
    const { sim, config, settings, drifted } = await setup(20)
    await execute(settings({ maxChanges: { count: drifted } }), config, io)
    const firstPut = sim.requests.findIndex((r) => r.method === 'PUT')
    const lastGet = sim.requests.findLastIndex((r) => r.method === 'GET' && /\/reports\/[^/]+$/.test(r.path))
    expect(lastGet).toBeLessThan(firstPut)
    expect(kinds(sim.requests)['PUT /api/2/reports/{id}']).toBe(drifted)
  })
})
