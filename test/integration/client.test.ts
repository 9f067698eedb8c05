import { afterAll, describe, expect, it } from 'vitest'
import type { Credentials } from '../../src/acronis/auth.js'
import { AcronisClient, type ClientOptions } from '../../src/acronis/client.js'
import { ApiError } from '../../src/acronis/errors.js'
import { Redactor } from '../../src/util/redact.js'
import { apiRoot } from '../../src/acronis/url.js'
import { backoffMs, DEFAULT_RETRY, parseRetryAfter } from '../../src/http/retry.js'
import {
  startSimulator,
  type LoggedRequest,
  type Simulator,
  type SimulatorOptions,
} from '../simulator/index.js'

// Every test has a simulator and a client of its own, so the tests of each block run side by side
// (most of their time is waits they ask for: backoffs, Retry-After, a token's life); the servers and
// clients are closed once all of them are done, as an afterEach would close those of tests still running.
let open: { close(): unknown }[] = []
afterAll(async () => {
  await Promise.all(open.map((o) => o.close()))
  open = []
})

/** Short delays keep the file fast; a test that is about the delays sets its own. */
const FAST = { baseDelayMs: 5, maxDelayMs: 20 }

async function setup(options: Partial<ClientOptions> = {}, sim?: SimulatorOptions, useToken = false) {
  const s = await startSimulator(sim)
  const tenant = s.addTenant()
  const c = s.addClient({ tenantId: tenant.id })
  const masked: string[] = []
  const credentials: Credentials = useToken
    ? { token: s.issueToken(c.clientId) }
    : { clientId: c.clientId, clientSecret: c.secret }
  const client = new AcronisClient(apiRoot(s.url), credentials, {
    concurrency: 4,
    timeoutMs: 2000,
    retry: FAST,
    secrets: new Redactor((v) => masked.push(v)),
    ...options,
  })
  open.push(s, client)
  const report = () => s.addReport({ parameters: { tenant_id: tenant.id } })
  return { sim: s, client, report, masked, clientId: c.clientId, secret: c.secret, tenantId: tenant.id }
}

const to = (sim: Simulator, method: string, path: string) =>
  sim.requests.filter((r) => r.method === method && r.path === `/api/2${path}`)
const tokenRequests = (sim: Simulator) => to(sim, 'POST', '/idp/token')
const gap = (a: LoggedRequest, b: LoggedRequest) => b.startedAt - a.startedAt
const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected the call to fail'),
    (e: unknown) => {
      expect(e).toBeInstanceOf(ApiError)
      return e as ApiError
    },
  )

describe.concurrent('retries', () => {
  it('retries 408, 429, 500, 502, 503 and 504 on GET and PUT, counting every attempt', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    for (const status of [408, 429, 500]) sim.inject({ method: 'GET', path: `/reports/${r.id}`, status })
    for (const status of [502, 503, 504]) sim.inject({ method: 'PUT', path: `/reports/${r.id}`, status })
    await client.authenticate()
    expect((await client.getReport(r.id)).id).toBe(r.id)
    expect((await client.updateReport(r.id, { schedule: { enabled: false } })).schedule.enabled).toBe(false)
    expect(to(sim, 'GET', `/reports/${r.id}`).map((q) => q.status)).toEqual([408, 429, 500, 200])
    expect(to(sim, 'PUT', `/reports/${r.id}`).map((q) => q.status)).toEqual([502, 503, 504, 200])
    expect(client.http.retries).toBe(6)
    expect(client.http.requests).toBe(9) // the token, six failures, two successes
  })

  it('gives up after maxAttempts with the last status', async () => {
    const { sim, client, report } = await setup({ retry: { ...FAST, maxAttempts: 3 } })
    const r = report()
    sim.inject({ path: `/reports/${r.id}`, status: 502, times: 2 })
    sim.inject({ path: `/reports/${r.id}`, status: 503, times: Infinity })
    const e = await failure(client.getReport(r.id))
    expect([e.status, e.method, e.path]).toEqual([503, 'GET', `/reports/${r.id}`])
    expect(to(sim, 'GET', `/reports/${r.id}`)).toHaveLength(3)
  })

  it('stops retrying when the time budget of a request is spent', async () => {
    const { sim, client, report } = await setup({
      retry: { maxAttempts: 1000, maxElapsedMs: 400, baseDelayMs: 40, maxDelayMs: 40 },
    })
    const r = report()
    await client.authenticate()
    sim.inject({ path: `/reports/${r.id}`, status: 500, times: Infinity })
    expect((await failure(client.getReport(r.id))).status).toBe(500)
    const gets = to(sim, 'GET', `/reports/${r.id}`)
    // The budget stopped it, not maxAttempts: 400 ms holds about ten waits of 40 ms, however busy the machine.
    expect(gets.length).toBeGreaterThan(1)
    expect(gets.length).toBeLessThan(25)
  })

  it('does not wait for a Retry-After beyond the time budget: it answers the failure at once', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    sim.inject({ path: `/reports/${r.id}`, status: 503, retryAfter: 3600, times: Infinity })
    const e = await failure(client.getReport(r.id))
    expect(e.status).toBe(503)
    expect(to(sim, 'GET', `/reports/${r.id}`)).toHaveLength(1)
  })

  it.each([400, 403, 404, 409, 415])('does not retry %i', async (status) => {
    const { sim, client, report } = await setup()
    const r = report()
    sim.inject({ path: `/reports/${r.id}`, status })
    const e = await failure(client.updateReport(r.id, { schedule: { enabled: false } }))
    expect([e.status, e.code]).toEqual([status, String(status)])
    expect(to(sim, 'PUT', `/reports/${r.id}`)).toHaveLength(1)
    expect(client.http.retries).toBe(0)
  })

  it('retries a connection reset and a PUT that timed out', async () => {
    const { sim, client, report } = await setup({ timeoutMs: 200 })
    const r = report()
    sim.inject({ method: 'PUT', path: `/reports/${r.id}`, reset: true })
    sim.inject({ method: 'PUT', path: `/reports/${r.id}`, hang: true })
    const after = await client.updateReport(r.id, { schedule: { enabled: false } })
    expect(after.schedule.enabled).toBe(false)
    const puts = to(sim, 'PUT', `/reports/${r.id}`)
    expect(puts.map((q) => q.status)).toEqual([0, 0, 200])
    // The hung attempt was ended by the client's timeout, and only then was it tried again.
    expect(puts[1]!.endedAt! - puts[1]!.startedAt).toBeGreaterThanOrEqual(150)
    expect(puts[2]!.startedAt).toBeGreaterThanOrEqual(puts[1]!.endedAt!)
  })

  it('fails with the network code when every attempt times out', async () => {
    const { sim, client, report } = await setup({ timeoutMs: 100, retry: { ...FAST, maxAttempts: 2 } })
    const r = report()
    await client.authenticate()
    sim.inject({ path: `/reports/${r.id}`, hang: true, times: Infinity })
    const e = await failure(client.getReport(r.id))
    expect([e.status, e.code, e.path]).toEqual([0, 'ETIMEDOUT', `/reports/${r.id}`])
    expect(to(sim, 'GET', `/reports/${r.id}`)).toHaveLength(2)
  })
})

describe.concurrent('Retry-After', () => {
  it('waits the seconds asked for, not the (much shorter) backoff', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    sim.inject({ path: `/reports/${r.id}`, status: 503, retryAfter: 1 })
    await client.getReport(r.id)
    const [first, second] = to(sim, 'GET', `/reports/${r.id}`)
    expect(gap(first!, second!)).toBeGreaterThanOrEqual(1000)
  })

  it('waits until an HTTP date', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    await client.authenticate()
    // HTTP dates have whole seconds: 3 s ahead is at least 2 s ahead once truncated.
    const date = new Date(Date.now() + 3000).toUTCString()
    sim.inject({ path: `/reports/${r.id}`, status: 429, retryAfter: date })
    await client.getReport(r.id)
    const [first, second] = to(sim, 'GET', `/reports/${r.id}`)
    expect(gap(first!, second!)).toBeGreaterThanOrEqual(1500)
  })

  it('a 429 pauses every request of the client, queued ones included', async () => {
    const { sim, client, report } = await setup({ concurrency: 1 })
    const [a, b, c] = [report(), report(), report()]
    await client.authenticate()
    sim.inject({ path: `/reports/${a.id}`, status: 429, retryAfter: 1 })
    // b and c queue behind a for the one slot: they must not go out while the server asks for a pause.
    await Promise.all([client.getReport(a.id), client.getReport(b.id), client.getReport(c.id)])
    const limited = to(sim, 'GET', `/reports/${a.id}`)[0]!
    const later = sim.requests.filter((q) => q.startedAt > limited.startedAt)
    expect(later).toHaveLength(3)
    for (const q of later) expect(q.startedAt - limited.endedAt!).toBeGreaterThanOrEqual(950)
  })
})

describe.concurrent('connections', () => {
  it('never has more requests in flight than the concurrency limit, retries and the token included', async () => {
    const { sim, client, report } = await setup({ concurrency: 3 }, { latencyMs: 15 })
    const reports = Array.from({ length: 30 }, report)
    // Failures that are not throttles: a 429 or 503 would slow the learned rate below the limit.
    sim.randomFaults({ rate: 0.2, seed: 7, statuses: [500, 502, 504] })
    await Promise.all(reports.map((r) => client.getReport(r.id)))
    expect(sim.requests.filter((q) => q.status === 200)).toHaveLength(31)
    expect(sim.requests.length).toBeGreaterThan(31)
    expect(sim.maxInFlight).toBe(3)
  })

  it('keeps connections alive: far fewer connections than requests', async () => {
    const { sim, client, report } = await setup({ concurrency: 4 })
    const reports = Array.from({ length: 40 }, report)
    for (const r of reports) await client.getReport(r.id)
    await Promise.all(reports.map((r) => client.getReport(r.id)))
    expect(sim.requests).toHaveLength(81)
    expect(sim.connections).toBeLessThanOrEqual(4)
  })

  it('reaches an API on an IPv6 loopback address, query strings intact', async () => {
    const { sim, client, report } = await setup({}, { host: '::1' })
    expect(sim.url).toMatch(/^http:\/\/\[::1\]:\d+$/)
    const r = report()
    expect((await client.getReport(r.id)).id).toBe(r.id)
    await client.users([r.id])
    const last = sim.requests.at(-1)!
    expect([last.path, last.query.get('uuids')]).toEqual(['/api/2/users', r.id])
  })
})

describe.concurrent('tokens', () => {
  it('masks the secret and every token before using them', async () => {
    const { sim, client, report, masked, secret } = await setup()
    await client.getReport(report().id)
    const bearer = sim.requests.at(-1)!.headers.authorization!.replace('Bearer ', '')
    expect(masked).toContain(secret)
    expect(masked).toContain(bearer)
    const basic = tokenRequests(sim)[0]!.headers.authorization!.replace('Basic ', '')
    expect(masked).toContain(basic)
  })

  it('fetches one new token after a 401, shared by every caller, and retries each call once', async () => {
    const { sim, client, report } = await setup()
    const reports = Array.from({ length: 8 }, report)
    await client.authenticate()
    sim.expireTokens()
    await Promise.all(reports.map((r) => client.getReport(r.id)))
    expect(tokenRequests(sim)).toHaveLength(2)
    const gets = sim.requests.filter((q) => q.method === 'GET')
    expect(gets.filter((q) => q.status === 401).length).toBeGreaterThan(0)
    expect(gets.filter((q) => q.status === 200)).toHaveLength(8)
    // Every 200 carried the new token, and no call was tried more than twice.
    expect(new Set(gets.filter((q) => q.status === 200).map((q) => q.headers.authorization)).size).toBe(1)
    for (const r of reports) expect(to(sim, 'GET', `/reports/${r.id}`).length).toBeLessThanOrEqual(2)
  })

  it('does not loop on a 401 that a new token does not cure', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    sim.inject({ path: `/reports/${r.id}`, status: 401, times: Infinity })
    expect((await failure(client.getReport(r.id))).status).toBe(401)
    expect(to(sim, 'GET', `/reports/${r.id}`)).toHaveLength(2)
    expect(tokenRequests(sim)).toHaveLength(2)
  })

  it('treats a 401 with a given token as final: nothing to renew it with', async () => {
    const { sim, client, report } = await setup({}, {}, true)
    const r = report()
    sim.expireTokens()
    expect((await failure(client.getReport(r.id))).status).toBe(401)
    expect(tokenRequests(sim)).toHaveLength(0)
    expect(sim.requests).toHaveLength(1)
  })

  it('renews a short-lived token before it expires, so no call sees a 401', async () => {
    const { sim, client, report } = await setup({}, { tokenTtlSeconds: 2 })
    const r = report()
    await client.getReport(r.id)
    // Past 7/8 of the token's life but before its end.
    await new Promise((resolve) => setTimeout(resolve, 1900))
    await client.getReport(r.id)
    expect(tokenRequests(sim)).toHaveLength(2)
    expect(sim.requests.every((q) => q.status === 200)).toBe(true)
    const [first, second] = to(sim, 'GET', `/reports/${r.id}`)
    expect(first!.headers.authorization).not.toBe(second!.headers.authorization)
  })

  it('reads the token lifetime from expires_in, so a server clock far behind ours causes no token storm', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    // The server's clock is three hours behind: its expires_on is already past by ours.
    const token = sim.issueToken()
    const body = {
      access_token: token,
      token_type: 'bearer',
      expires_in: 7200,
      expires_on: Math.floor(Date.now() / 1000) - 3600,
    }
    sim.inject({ path: '/idp/token', status: 200, body, times: Infinity })
    for (let i = 0; i < 5; i++) await client.getReport(r.id)
    expect(tokenRequests(sim)).toHaveLength(1)
  })

  it('keeps the first token error: invalid_client is not retried', async () => {
    const { sim, report } = await setup()
    const c = new AcronisClient(
      apiRoot(sim.url),
      { clientId: 'nobody', clientSecret: 'wrong' },
      { concurrency: 2, timeoutMs: 1000 },
    )
    open.push(c)
    const e = await failure(c.getReport(report().id))
    expect([e.status, e.code, e.path]).toEqual([401, 'invalid_client', '/idp/token'])
    expect(sim.requests).toHaveLength(1)
  })

  it('retries a token request that fails transiently', async () => {
    const { sim, client } = await setup()
    sim.inject({ path: '/idp/token', status: 503, times: 2 })
    sim.inject({ path: '/idp/token', reset: true })
    await client.authenticate()
    expect(tokenRequests(sim).map((q) => q.status)).toEqual([503, 503, 0, 200])
  })
})

describe.concurrent('redirects', () => {
  it('follows a redirect on the API origin, with the token', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    sim.inject({ path: `/reports/${r.id}`, redirectTo: `${sim.apiUrl}/reports/${r.id}` })
    expect((await client.getReport(r.id)).id).toBe(r.id)
    const gets = to(sim, 'GET', `/reports/${r.id}`)
    expect(gets.map((q) => q.status)).toEqual([307, 200])
    expect(gets[1]!.headers.authorization).toMatch(/^Bearer /)
  })

  it('refuses a redirect to another origin, on the token request and on any call, sending it nothing', async () => {
    const { sim, client, report } = await setup()
    const other = await startSimulator()
    open.push(other)
    const port = new URL(other.url).port
    const r = report()
    sim.inject({ path: '/idp/token', redirectTo: `http://localhost:${port}/api/2/idp/token` })
    const first = await failure(client.authenticate())
    expect([first.code, first.path, first.status]).toEqual(['redirect_refused', '/idp/token', 0])
    sim.inject({ method: 'PUT', path: `/reports/${r.id}`, redirectTo: `http://127.0.0.1:${port}/x` })
    const second = await failure(client.updateReport(r.id, { schedule: { enabled: false } }))
    expect([second.code, second.path]).toEqual(['redirect_refused', `/reports/${r.id}`])
    expect(other.requests).toHaveLength(0)
    // Refused, not retried: one request each.
    expect(to(sim, 'PUT', `/reports/${r.id}`)).toHaveLength(1)
    expect(sim.getReport(r.id)!.schedule.enabled).toBe(true)
  })
})

describe.concurrent('error bodies', () => {
  it('shows a non-JSON body by its status only', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    const html = `<html><body><h1>Bad Request</h1>${'<p>proxy says no</p>'.repeat(2000)}</body></html>`
    sim.inject({ path: `/reports/${r.id}`, status: 400, body: html })
    const e = await failure(client.getReport(r.id))
    expect([e.status, e.code, e.message]).toEqual([400, '400', 'bad request'])
  })

  it('trims a long error message and a long error code to one short line', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    const message = `line one\n\n${'x'.repeat(5000)}`
    sim.inject({
      path: `/reports/${r.id}`,
      status: 404,
      body: { error: { code: 'E'.repeat(5000), message } },
    })
    const e = await failure(client.getReport(r.id))
    expect(e.message.length).toBeLessThanOrEqual(301)
    expect(e.message.startsWith('line one x')).toBe(true)
    expect(e.code.length).toBeLessThanOrEqual(65)
    expect(e.describe()).not.toMatch(/\n/)
  })

  it('scrubs a secret the server echoes back, even one the trimming would cut in two', async () => {
    const { sim, client, report, secret } = await setup()
    const r = report()
    // 290 + 1 + 32 characters: a cut at 300 would leave the first 9 of the secret's 32.
    sim.inject({
      path: `/reports/${r.id}`,
      status: 403,
      body: { error: { code: secret, message: `${'x'.repeat(290)} ${secret}` } },
    })
    const e = await failure(client.getReport(r.id))
    expect(e.code).toBe('***')
    expect(e.message).toMatch(/x \*\*\*$/)
    expect(e.describe()).not.toContain(secret.slice(0, 8))
  })
})

describe.concurrent('retry policy', () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 }
  it('doubles the delay per attempt up to the cap, with half of it random', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 0))).toEqual([50, 100, 200, 400, 500])
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 1))).toEqual([100, 200, 400, 800, 1000])
  })

  it('reads Retry-After as seconds or an HTTP date, and ignores what it cannot read', () => {
    const now = Date.parse('2026-11-02T10:00:00Z')
    expect(parseRetryAfter('7', now)).toBe(7000)
    expect(parseRetryAfter('Mon, 02 Nov 2026 10:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Mon, 02 Nov 2026 09:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-3', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })
})

describe.concurrent('answers are checked before use', () => {
  it('refuses a malformed report answer, naming the field, with invalid_response', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    sim.inject({
      method: 'GET',
      path: `/reports/${r.id}`,
      reply: (b: { parameters: object }) => ({ ...b, parameters: { ...b.parameters, kind: 5 } }),
    })
    const e = await failure(client.getReport(r.id))
    expect([e.status, e.code]).toEqual([200, 'invalid_response'])
    expect(e.describe()).toBe(
      `GET /reports/${r.id} → 200 invalid_response: parameters.kind is 5; expected a string`,
    )
    sim.inject({ method: 'GET', path: `/reports/${r.id}`, reply: null })
    expect((await failure(client.getReport(r.id))).message).toBe('the answer is null; expected an object')
  })

  it('scrubs a secret the malformed answer echoes back from the message that quotes it', async () => {
    const { sim, client, report, secret } = await setup()
    const r = report()
    sim.inject({
      method: 'GET',
      path: `/reports/${r.id}`,
      reply: (b: object) => ({ ...b, recipients: [secret] }),
    })
    const e = await failure(client.getReport(r.id))
    expect(e.message).toBe('recipients[0] is "***"; expected a UUID')
  })

  it('refuses a report answered for another id, naming both', async () => {
    const { sim, client, report } = await setup()
    const [asked, other] = [report(), report()]
    sim.inject({ method: 'GET', path: `/reports/${asked.id}`, reply: sim.getReport(other.id) })
    const e = await failure(client.getReport(asked.id))
    expect(e.message).toBe(`the API answered report ${other.id} for report ${asked.id}`)
  })

  it('refuses a PUT answered with {}, after the write the server made', async () => {
    const { sim, client, report } = await setup()
    const r = report()
    sim.inject({ method: 'PUT', path: `/reports/${r.id}`, reply: {} })
    const e = await failure(client.updateReport(r.id, { schedule: { enabled: false } }))
    expect([e.method, e.message]).toEqual(['PUT', 'id is missing'])
    expect(sim.getReport(r.id)!.schedule.enabled).toBe(false)
  })

  it('checks the token, client, list, search and users answers too', async () => {
    const { sim, client, clientId, tenantId } = await setup()
    const tenant = { id: tenantId }
    sim.inject({ path: '/idp/token', reply: (b: object) => ({ ...b, access_token: 42 }) })
    expect((await failure(client.authenticate())).message).toBe('access_token is 42; expected a string')
    sim.inject({ path: `/clients/${clientId}`, reply: (b: object) => ({ ...b, tenant_id: 'root' }) })
    expect((await failure(client.clientTenant(clientId))).message).toBe(
      'tenant_id is "root"; expected a UUID',
    )
    sim.inject({ path: '/tenants/*', reply: { items: 'all' } })
    expect((await failure(client.tenantReportIds(tenant.id))).message).toBe(
      'items is "all"; expected an array',
    )
    sim.inject({ path: '/search', reply: { items: [{ obj_type: 'user' }] } })
    expect((await failure(client.search(tenant.id, 'alice'))).message).toBe('items[0].id is missing')
    sim.inject({ path: '/users', reply: [] })
    expect((await failure(client.users([tenant.id]))).message).toBe('the answer is []; expected an object')
  })

  it('lists a report id the API repeats once, and lower-cases ids in paths', async () => {
    const { sim, client, report, tenantId } = await setup()
    const r = report()
    sim.inject({ path: '/tenants/*', reply: { items: [r.id, r.id.toUpperCase(), r.id] } })
    expect(await client.tenantReportIds(tenantId)).toEqual([r.id])
    expect((await client.getReport(r.id.toUpperCase())).id).toBe(r.id)
    expect(to(sim, 'GET', `/reports/${r.id}`)).toHaveLength(1)
  })
})
