import { Agent, get } from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { acronisError, api, put } from './harness.js'
import { startSimulator, type Simulator } from './index.js'
import { parseRateLimit } from './rate-limit.js'

let sim: Simulator
let call: ReturnType<typeof api>
let reportId: string

beforeAll(async () => {
  sim = await startSimulator()
  const tenant = sim.addTenant()
  call = api(sim, sim.issueToken(sim.addClient({ tenantId: tenant.id }).clientId))
  reportId = sim.addReport().id
})
afterAll(() => sim.close())
beforeEach(() => {
  sim.clearFaults()
  sim.randomFaults(null)
  sim.latencyMs = 0
  sim.clearLog()
})

const getReport = () => call(`/reports/${reportId}`)
const statuses = async (n: number, request = getReport) => {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await request()).status)
  return out
}
const waitFor = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(condition()).toBe(true)
}

describe('scripted faults', () => {
  it('answers a status with Retry-After and the Acronis error body, once by default', async () => {
    sim.inject({ path: `/reports/${reportId}`, status: 503, retryAfter: 2 })
    const faulted = await getReport()
    expect([faulted.status, faulted.headers.get('retry-after')]).toEqual([503, '2'])
    expect(await acronisError(faulted)).toMatchObject({ code: 503, domain: 'PlatformAccountServer' })
    expect((await getReport()).status).toBe(200)
  })

  it('counts `times`, matches method and path (with or without /api/2, prefix or RegExp) in order', async () => {
    sim.inject({ method: 'put', path: '/api/2/reports/*', status: 409 })
    sim.inject({ path: /^\/reports\/[0-9a-f-]+$/, status: 500, times: 2, body: 'plain oops' })
    sim.inject({ path: '/reports/*', status: 502, times: Infinity })
    const first = await getReport()
    expect([await first.text(), first.headers.get('content-type')]).toEqual([
      'plain oops',
      'text/plain; charset=utf-8',
    ])
    expect(await statuses(3)).toEqual([500, 502, 502])
    expect((await call(`/reports/${reportId}`, put({ schedule: { enabled: true } }))).status).toBe(409)
    expect(sim.pendingFaults).toBe(1)
    expect((await call('/users?uuids=x')).status).toBe(200)
  })

  it('resets the connection without an answer', async () => {
    sim.inject({ path: `/reports/${reportId}`, reset: true })
    await expect(getReport()).rejects.toThrow()
    await waitFor(() => sim.inFlight === 0)
    expect(sim.requests[0]).toMatchObject({ path: `/api/2/reports/${reportId}`, status: 0 })
    expect((await getReport()).status).toBe(200)
  })

  it('hangs until the client aborts', async () => {
    sim.inject({ hang: true })
    const sent = performance.now()
    const aborted = call(`/reports/${reportId}`, { signal: AbortSignal.timeout(100) })
    await expect(aborted).rejects.toThrow(/abort|timeout/i)
    await waitFor(() => sim.inFlight === 0)
    expect(sim.requests[0]!.status).toBe(0)
    // Ended by the client's abort, 100 ms after it was sent (however late it reached the server).
    expect(sim.requests[0]!.endedAt! - sent).toBeGreaterThanOrEqual(90)
  })

  it('adds latency per fault and globally', async () => {
    sim.inject({ latencyMs: 600 })
    let started = performance.now()
    expect((await getReport()).status).toBe(200)
    const delayed = performance.now() - started
    expect(delayed).toBeGreaterThanOrEqual(595)
    // The fault was used up by that one call, so the next does not wait its latency (counted, not timed:
    // a wall-clock bound fails on a busy machine).
    expect(sim.pendingFaults).toBe(0)
    expect((await getReport()).status).toBe(200)
    sim.latencyMs = 60
    started = performance.now()
    await getReport()
    expect(performance.now() - started).toBeGreaterThanOrEqual(55)
  })

  it('ignoreWrite answers 200 with the unchanged report and is not used up by a GET', async () => {
    sim.inject({ ignoreWrite: true })
    expect((await getReport()).status).toBe(200)
    const before = sim.getReport(reportId)!
    const response = await call(
      `/reports/${reportId}`,
      put({ schedule: { enabled: !before.schedule.enabled } }),
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual(before)
    expect(sim.getReport(reportId)).toEqual(before)
  })

  it('reply replaces a 2xx answer (null included) or transforms a copy of it; a PUT still writes', async () => {
    sim.inject({ method: 'GET', path: `/reports/${reportId}`, reply: null })
    expect(await (await getReport()).text()).toBe('null')
    sim.inject({ method: 'GET', reply: (b: { id: string }) => [b.id] })
    expect(await (await getReport()).json()).toEqual([reportId])
    expect(sim.getReport(reportId)!.id).toBe(reportId)
    sim.inject({ method: 'PUT', reply: {} })
    const before = sim.getReport(reportId)!
    const write = await call(`/reports/${reportId}`, put({ schedule: { enabled: !before.schedule.enabled } }))
    expect([write.status, await write.json()]).toEqual([200, {}])
    expect(sim.getReport(reportId)!.schedule.enabled).toBe(!before.schedule.enabled)
    // An error answer is left alone.
    sim.inject({ method: 'GET', path: '/reports/*', reply: null })
    expect((await call('/reports/00000000-0000-4000-8000-000000000000')).status).toBe(404)
  })

  it('afterWrite changes the stored report after a PUT, and the answer shows it', async () => {
    sim.inject({ afterWrite: (r) => (r.parameters.level = 'itself') })
    expect((await getReport()).status).toBe(200)
    const response = await call(`/reports/${reportId}`, put({ parameters: { kind: 'usage_daily' } }))
    expect(((await response.json()) as { parameters: object }).parameters).toMatchObject({
      kind: 'usage_daily',
      level: 'itself',
    })
    expect(sim.getReport(reportId)!.parameters.level).toBe('itself')
  })

  it('refuse answers 400 naming a field the body carries, and writes nothing', async () => {
    const refuse = ['parameters.hide_zero_usage', 'parameters.show_skus']
    sim.inject({ refuse, times: 2 })
    const before = sim.getReport(reportId)!
    const refused = await call(
      `/reports/${reportId}`,
      put({ parameters: { kind: 'usage_current', show_skus: true } }),
    )
    expect(refused.status).toBe(400)
    expect(await acronisError(refused)).toMatchObject({ message: 'parameters.show_skus cannot be changed' })
    expect(sim.getReport(reportId)).toEqual(before)
    const fine = await call(`/reports/${reportId}`, put({ parameters: { kind: 'usage_current' } }))
    expect(fine.status).toBe(200)
  })

  it('redirects with 307 and Location', async () => {
    sim.inject({ path: '/api/2/old/*', redirectTo: `${sim.apiUrl}/reports/${reportId}`, times: 2 })
    const manual = await call('/old/report', { redirect: 'manual' })
    expect([manual.status, manual.headers.get('location')]).toEqual([
      307,
      `${sim.apiUrl}/reports/${reportId}`,
    ])
    const followed = await call('/old/report')
    expect(((await followed.json()) as { id: string }).id).toBe(reportId)
    expect(sim.requests.map((r) => r.status)).toEqual([307, 307, 200])
  })
})

describe('random faults', () => {
  it('replays the same statuses for the same seed, and never writes', async () => {
    sim.randomFaults({ rate: 0.5, seed: 42 })
    const first = await statuses(40)
    sim.randomFaults({ rate: 0.5, seed: 42 })
    expect(await statuses(40)).toEqual(first)
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(5)
    expect(first.filter((s) => s !== 200).every((s) => [429, 500, 502, 503, 504].includes(s))).toBe(true)
    expect(new Set(first).size).toBeGreaterThan(2)

    sim.randomFaults({ rate: 1, methods: ['PUT'], statuses: [500] })
    const before = sim.getReport(reportId)
    expect((await call(`/reports/${reportId}`, put({ schedule: { enabled: false } }))).status).toBe(500)
    expect(sim.getReport(reportId)).toEqual(before)
    expect((await getReport()).status).toBe(200)
    sim.randomFaults(null)
    expect(
      await statuses(5, () => call(`/reports/${reportId}`, put({ schedule: { enabled: true } }))),
    ).toEqual(Array(5).fill(200))
  })
})

describe('observation', () => {
  it('logs method, path, query, lower-case headers, raw body, status and times in order', async () => {
    await call('/users?uuids=a,b', { headers: { 'X-Trace': 't1' } })
    await call(`/reports/${reportId}`, put({ schedule: { enabled: true } }))
    const [users, write] = sim.requests
    expect(users).toMatchObject({ method: 'GET', path: '/api/2/users', status: 200, body: '' })
    expect(users!.query.get('uuids')).toBe('a,b')
    expect(users!.headers['x-trace']).toBe('t1')
    expect(write).toMatchObject({ method: 'PUT', status: 200, body: '{"schedule":{"enabled":true}}' })
    expect(JSON.parse(users!.response)).toEqual({ items: [], timestamp: expect.any(String) })
    expect(JSON.parse(write!.response)).toEqual(sim.getReport(reportId))
    expect(write!.seq).toBe(users!.seq + 1)
    expect(write!.endedAt!).toBeGreaterThanOrEqual(write!.startedAt)
    sim.clearLog()
    expect(sim.requests).toEqual([])
  })

  it('tracks the peak of concurrent requests', async () => {
    sim.latencyMs = 80
    await Promise.all(Array.from({ length: 6 }, getReport))
    expect(sim.maxInFlight).toBe(6)
    expect(sim.inFlight).toBe(0)
    sim.clearLog()
    expect(sim.maxInFlight).toBe(0)
  })

  it('counts connections, so keep-alive can be asserted', async () => {
    const fetchOver = (agent: Agent) =>
      new Promise<number>((resolve, reject) => {
        get(`${sim.apiUrl}/search`, { agent }, (res) =>
          res.resume().on('end', () => resolve(res.statusCode!)),
        ).on('error', reject)
      })
    const reuse = new Agent({ keepAlive: true, maxSockets: 1 })
    for (let i = 0; i < 4; i++) expect(await fetchOver(reuse)).toBe(401)
    reuse.destroy()
    expect(sim.connections).toBe(1)
    const fresh = new Agent({ keepAlive: false })
    for (let i = 0; i < 3; i++) await fetchOver(fresh)
    expect(sim.connections).toBe(4)
  })

  it('close() finishes while a request hangs', async () => {
    const other = await startSimulator()
    other.inject({ hang: true })
    const pending = fetch(`${other.apiUrl}/search`)
    await waitFor(() => other.inFlight === 1)
    await other.close()
    await expect(pending).rejects.toThrow()
  })
})

describe('rate limit', () => {
  it('lets a burst through, then answers 429 with Retry-After until the bucket refills', async () => {
    // A slow refill: nothing comes back during the test, so the counts do not depend on its speed.
    sim.rateLimit({ perSecond: 0.2, burst: 3 })
    try {
      expect(await statuses(5)).toEqual([200, 200, 200, 429, 429])
      const refused = await getReport()
      // 1 / 0.2 s for the next token: 5 s, rounded up to whole seconds.
      expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '5'])
      expect(await acronisError(refused)).toMatchObject({ code: 429 })
    } finally {
      sim.rateLimit(null)
    }
    expect(await statuses(3)).toEqual([200, 200, 200])
  })

  it('answers 429 without Retry-After when told, and scripted faults use no token', async () => {
    sim.rateLimit({ perSecond: 0.2, burst: 1, retryAfter: false })
    try {
      sim.inject({ path: `/reports/${reportId}`, status: 503 })
      expect(await statuses(3)).toEqual([503, 200, 429])
      expect((await getReport()).headers.get('retry-after')).toBeNull()
    } finally {
      sim.rateLimit(null)
    }
  })

  it('reads --rate-limit L[,burst] and refuses anything else', () => {
    expect(parseRateLimit('5')).toEqual({ perSecond: 5 })
    expect(parseRateLimit('2.5, 10')).toEqual({ perSecond: 2.5, burst: 10 })
    for (const bad of ['', '0', 'fast', '5,0', '5,10,1'])
      expect(() => parseRateLimit(bad), bad).toThrow(/--rate-limit takes L or L,burst/)
  })
})
