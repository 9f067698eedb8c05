import { describe, expect, it } from 'vitest'
import type { LiveReport } from '../../src/acronis/types.js'
import type { PlanEntry } from '../../src/report/outputs.js'
import type { LoggedRequest, Simulator } from '../simulator/index.js'
import { USER_A, yaml, worlds, type WorldOptions } from './fixture.js'
import { IN_PROCESS, runAction, type RunResult } from './harness.js'

const servers = worlds()
async function setup(options?: WorldOptions) {
  const w = await servers.world(options)
  // A report whose live kind differs from the one desired below: every run has something to PUT.
  const drifted = () => w.report({ parameters: { kind: 'usage_summary' } })
  return { ...w, drifted }
}

const want = (r: LiveReport) => ({ id: r.id, kind: 'usage_daily' })
const to = (sim: Simulator, method: string, id: string) =>
  sim.requests.filter((q) => q.method === method && q.path === `/api/2/reports/${id}`)
const tokens = (sim: Simulator) => sim.requests.filter((q) => q.path === '/api/2/idp/token')
const statuses = (requests: LoggedRequest[]) => requests.map((q) => q.status)
const gap = (a: LoggedRequest, b: LoggedRequest) => b.startedAt - a.startedAt
const plan = (r: RunResult) => new Map((JSON.parse(r.outputs.plan!) as PlanEntry[]).map((e) => [e.id, e]))
/** The HTTP status an outcome's error names (`PUT /reports/… → 503: …`); 0 when it names none. */
const failedWith = (r: RunResult, id: string) =>
  Number(/→ (\d{3})/.exec(plan(r).get(id)?.error ?? '')?.[1] ?? 0)

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

describe.each(IN_PROCESS)('the action under faults, $name', ({ bin: node }) => {
  it('retries 408, 429, 500, 502, 503 and 504 on the token, GET and PUT with backoff and jitter', async () => {
    const { sim, inputs, drifted } = await setup()
    const transient = [408, 429, 500, 502, 503, 504]
    const reports = transient.map(drifted)
    transient.forEach((status, i) => {
      sim.inject({ method: 'GET', path: `/reports/${reports[i]!.id}`, status })
      sim.inject({ method: 'PUT', path: `/reports/${reports[i]!.id}`, status: transient[(i + 3) % 6] })
    })
    sim.inject({ path: '/idp/token', status: 503 })
    sim.inject({ path: '/idp/token', status: 429, retryAfter: 0 })
    sim.inject({ path: '/idp/token', status: 408 })
    const slow = drifted()
    sim.inject({ method: 'GET', path: `/reports/${slow.id}`, status: 503, times: 3 })

    const config = yaml([...reports, slow].map(want))
    const r = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '7', failed: '0' })
    expect(statuses(tokens(sim))).toEqual([503, 429, 408, 200])
    const retried: LoggedRequest[][] = []
    reports.forEach((rep, i) => {
      const [gets, puts] = [to(sim, 'GET', rep.id), to(sim, 'PUT', rep.id)]
      expect(statuses(gets)).toEqual([transient[i], 200])
      expect(statuses(puts)).toEqual([transient[(i + 3) % 6], 200])
      expect(sim.getReport(rep.id)!.parameters.kind).toBe('usage_daily')
      retried.push(gets, puts)
    })
    // No Retry-After was sent: the first retry waits the backoff's base (150–300 ms, half of it random).
    const waits = retried.map(([first, second]) => gap(first!, second!))
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(150)
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThan(20)
    // Each further wait is at least half of base * 2^(attempt-1): 150, 300, 600 ms.
    const gets = to(sim, 'GET', slow.id)
    expect(statuses(gets)).toEqual([503, 503, 503, 200])
    // (A wait may be longer, never shorter: the token's 429 slowed the learned rate, which paces retries too.)
    const backoff = [1, 2, 3].map((i) => gap(gets[i - 1]!, gets[i]!))
    backoff.forEach((w, i) => expect(w).toBeGreaterThanOrEqual(150 * 2 ** i))
  })

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const { sim, inputs, drifted } = await setup()
    const [a, b] = [drifted(), drifted()]
    sim.inject({ method: 'GET', path: `/reports/${a.id}`, status: 503, retryAfter: 1 })
    // HTTP dates have whole seconds: 3 s ahead is still well over 1 s ahead when the action reads it.
    sim.inject({
      method: 'PUT',
      path: `/reports/${b.id}`,
      status: 429,
      retryAfter: new Date(Date.now() + 3000).toUTCString(),
    })
    const r = await runAction({ node, config: yaml([want(a), want(b)]), inputs: inputs({ mode: 'apply' }) })
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '2', failed: '0' })
    const [limited, retried] = to(sim, 'GET', a.id)
    expect(gap(limited!, retried!)).toBeGreaterThanOrEqual(1000)
    const puts = to(sim, 'PUT', b.id)
    expect(statuses(puts)).toEqual([429, 200])
    expect(gap(puts[0]!, puts[1]!)).toBeGreaterThanOrEqual(1000)
  })

  it('survives connection resets and hanging requests: timeout-seconds ends them, then they are retried', async () => {
    const { sim, inputs, drifted } = await setup()
    const [a, b] = [drifted(), drifted()]
    sim.inject({ path: '/idp/token', reset: true })
    sim.inject({ path: '/idp/token', hang: true })
    sim.inject({ method: 'GET', path: `/reports/${a.id}`, hang: true })
    sim.inject({ method: 'PUT', path: `/reports/${a.id}`, reset: true })
    sim.inject({ method: 'GET', path: `/reports/${b.id}`, reset: true })
    sim.inject({ method: 'PUT', path: `/reports/${b.id}`, hang: true })
    const r = await runAction({
      node,
      config: yaml([want(a), want(b)]),
      inputs: inputs({ mode: 'apply', 'timeout-seconds': '1' }),
    })
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '2', failed: '0' })
    expect(statuses(tokens(sim))).toEqual([0, 0, 200])
    for (const [method, id] of [
      ['GET', a.id],
      ['PUT', a.id],
      ['GET', b.id],
      ['PUT', b.id],
    ] as const) {
      expect(statuses(to(sim, method, id)), `${method} ${id}`).toEqual([0, 200])
    }
    for (const hung of [tokens(sim).slice(1), to(sim, 'GET', a.id), to(sim, 'PUT', b.id)]) {
      // Ended by the client after its 1 s timeout, not by the server; the retry came after that.
      expect(hung[0]!.endedAt! - hung[0]!.startedAt).toBeGreaterThanOrEqual(900)
      expect(hung[1]!.startedAt).toBeGreaterThanOrEqual(hung[0]!.endedAt!)
    }
    expect(sim.getReport(a.id)!.parameters.kind).toBe('usage_daily')
    expect(sim.getReport(b.id)!.parameters.kind).toBe('usage_daily')
  })

  it('does not retry 400, 403, 404 or 415: one request each, the report fails, the rest are applied', async () => {
    const { sim, inputs, drifted } = await setup()
    const [bad, forbidden, media, fine] = [drifted(), drifted(), drifted(), drifted()]
    const missing = { id: '11111111-2222-4333-8444-555555555555' } as LiveReport
    sim.inject({ method: 'GET', path: `/reports/${bad.id}`, status: 400 })
    sim.inject({ method: 'GET', path: `/reports/${forbidden.id}`, status: 403 })
    sim.inject({ method: 'PUT', path: `/reports/${media.id}`, status: 415 })
    const all = [bad, forbidden, media, missing, fine]
    const r = await runAction({ node, config: yaml(all.map(want)), inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ changed: '1', failed: '4' })
    expect([bad, forbidden, media, missing].map((x) => failedWith(r, x.id))).toEqual([400, 403, 415, 404])
    for (const x of [bad, forbidden, missing]) expect(to(sim, 'GET', x.id)).toHaveLength(1)
    expect(statuses(to(sim, 'PUT', media.id))).toEqual([415])
    expect(sim.requests.filter((q) => q.method === 'PUT')).toHaveLength(2)
    expect(sim.getReport(fine.id)!.parameters.kind).toBe('usage_daily')
  })

  it('does not retry a token request refused with 400 or 403, and sends nothing else', async () => {
    const { sim, inputs, drifted } = await setup()
    const config = yaml([want(drifted())])
    for (const status of [400, 403]) {
      sim.clearLog()
      sim.inject({ path: '/idp/token', status })
      const r = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
      expect(r.code).toBe(1)
      expect(statuses(sim.requests)).toEqual([status])
      expect(r.stdout).toMatch(new RegExp(`^::error::POST /idp/token → ${status}`, 'm'))
    }
  })

  it('fetches one new token when the token expires mid-run, and retries the call that got the 401', async () => {
    const { sim, inputs, drifted } = await setup()
    const reports = Array.from({ length: 6 }, drifted)
    const victim = reports[3]!
    // The victim's PUT waits at the server, so the token can expire while it is on its way.
    sim.inject({ method: 'PUT', path: `/reports/${victim.id}`, latencyMs: 300 })
    const running = runAction({ node, config: yaml(reports.map(want)), inputs: inputs({ mode: 'apply' }) })
    await waitUntil(() => to(sim, 'PUT', victim.id).length > 0)
    sim.expireTokens()
    const r = await running
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '6', failed: '0' })
    expect(tokens(sim)).toHaveLength(2)
    const puts = to(sim, 'PUT', victim.id)
    expect(statuses(puts)).toEqual([401, 200])
    expect(puts[1]!.headers.authorization).not.toBe(puts[0]!.headers.authorization)
    expect(puts[1]!.startedAt).toBeGreaterThan(tokens(sim)[1]!.endedAt!)
    for (const rep of reports) expect(sim.getReport(rep.id)!.parameters.kind).toBe('usage_daily')
  })

  it('treats a 401 with a given token as final: the reports fail, no token is requested', async () => {
    const { sim, drifted } = await setup()
    const rep = drifted()
    const token = sim.issueToken()
    sim.expireTokens()
    const r = await runAction({
      node,
      config: yaml([want(rep)]),
      inputs: { 'base-url': sim.url, token, mode: 'apply' },
    })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ failed: '1' })
    expect(failedWith(r, rep.id)).toBe(401)
    expect(tokens(sim)).toHaveLength(0)
    expect(statuses(sim.requests)).toEqual([401])
  })

  it('renews a client-credentials token before it expires, so the run outlasts the token', async () => {
    const { sim, inputs, drifted } = await setup({ tokenTtlSeconds: 2, latencyMs: 50 })
    const reports = Array.from({ length: 40 }, drifted)
    const r = await runAction({
      node,
      config: yaml(reports.map(want)),
      inputs: inputs({ mode: 'apply', concurrency: '2' }),
    })
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '40', failed: '0' })
    const [first, second] = tokens(sim)
    expect(second).toBeDefined()
    // Renewed ahead of time, not because a call was refused: any 401 came after the renewal began.
    const refused = sim.requests.find((q) => q.status === 401)
    if (refused) expect(refused.startedAt).toBeGreaterThan(second!.startedAt)
    const last = sim.requests.at(-1)!
    expect(last.endedAt! - first!.startedAt).toBeGreaterThan(2000)
  })

  it('converges under a rate limit (429s with Retry-After at full concurrency) with no report failed', async () => {
    const { sim, inputs, drifted } = await setup()
    const reports = Array.from({ length: 12 }, drifted)
    sim.inject({ path: '/reports/*', status: 429, retryAfter: 1, times: 12 })
    const r = await runAction({ node, config: yaml(reports.map(want)), inputs: inputs({ mode: 'apply' }) })
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '12', failed: '0' })
    expect(sim.requests.filter((q) => q.status === 429)).toHaveLength(12)
    for (const rep of reports) expect(sim.getReport(rep.id)!.parameters.kind).toBe('usage_daily')
  })

  it('slows the whole run down for the Retry-After of a 429, calls already queued included', async () => {
    const { sim, inputs, drifted } = await setup()
    const reports = Array.from({ length: 6 }, drifted)
    sim.inject({ path: '/reports/*', status: 429, retryAfter: 1, times: 2 })
    // One request at a time, so whatever starts after a 429 was sent after the action saw it.
    const r = await runAction({
      node,
      config: yaml(reports.map(want)),
      inputs: inputs({ mode: 'apply', concurrency: '1' }),
    })
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '6', failed: '0' })
    const limited = sim.requests.filter((q) => q.status === 429)
    expect(limited).toHaveLength(2)
    for (const l of limited) {
      const next = sim.requests.find((q) => q.startedAt > l.endedAt!)!
      expect(next.startedAt - l.endedAt!, `the request after #${l.seq}`).toBeGreaterThanOrEqual(950)
    }
  })

  it('fails a report whose PUT keeps failing with its last error, applies the rest, fails the step', async () => {
    const { sim, inputs, drifted } = await setup()
    const [a, stuck, b] = [drifted(), drifted(), drifted()]
    sim.inject({ method: 'PUT', path: `/reports/${stuck.id}`, status: 502, retryAfter: 0, times: 5 })
    sim.inject({ method: 'PUT', path: `/reports/${stuck.id}`, status: 503, retryAfter: 0, times: Infinity })
    const r = await runAction({
      node,
      config: yaml([a, stuck, b].map(want)),
      inputs: inputs({ mode: 'apply' }),
    })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ changed: '2', unchanged: '0', failed: '1' })
    // Six attempts in all (the cap), and the error is the last one's.
    expect(statuses(to(sim, 'PUT', stuck.id))).toEqual([502, 502, 502, 502, 502, 503])
    expect(plan(r).get(stuck.id)!.status).toBe('failed')
    expect(failedWith(r, stuck.id)).toBe(503)
    expect(sim.getReport(stuck.id)!.parameters.kind).toBe('usage_summary')
    for (const x of [a, b]) expect(sim.getReport(x.id)!.parameters.kind).toBe('usage_daily')
    const annotated = r.annotations.filter((n) => n.props.file === 'reports.yaml')
    expect(annotated.map((n) => n.props.line)).toEqual(['3'])
    expect(r.stdout).toContain('::error::1 of 3 reports failed')
  })

  it('fails at once, without waiting, a call asked to come back later than a request may take', async () => {
    const { sim, inputs, drifted } = await setup()
    const [busy, fine] = [drifted(), drifted()]
    sim.inject({ method: 'PUT', path: `/reports/${busy.id}`, status: 503, retryAfter: 3600, times: Infinity })
    const r = await runAction({
      node,
      config: yaml([busy, fine].map(want)),
      inputs: inputs({ mode: 'apply' }),
    })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ changed: '1', failed: '1' })
    expect(statuses(to(sim, 'PUT', busy.id))).toEqual([503])
    expect(failedWith(r, busy.id)).toBe(503)
    expect(sim.getReport(fine.id)!.parameters.kind).toBe('usage_daily')
  })

  it('fails a report as "did not converge" when the PUT answers without the desired state', async () => {
    const { sim, inputs, drifted } = await setup()
    const [ignored, fine] = [drifted(), drifted()]
    sim.inject({ path: `/reports/${ignored.id}`, ignoreWrite: true })
    const r = await runAction({
      node,
      config: yaml([want(ignored), want(fine)]),
      inputs: inputs({ mode: 'apply' }),
    })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ changed: '1', failed: '1' })
    expect(plan(r).get(ignored.id)!.error).toMatch(/^did not converge: .*kind/)
    expect(statuses(to(sim, 'PUT', ignored.id))).toEqual([200])
    expect(sim.getReport(ignored.id)!.parameters.kind).toBe('usage_summary')
    expect(sim.getReport(fine.id)!.parameters.kind).toBe('usage_daily')
  })

  it('soak: 300 reports under steady random faults converge exactly, with no PUT to a report already right', async () => {
    const { sim, report, inputs } = await setup()
    const live = Array.from({ length: 300 }, () =>
      report({ recipients: [], parameters: { kind: 'usage_summary', level: 'accounts', show_skus: false } }),
    )
    const untouched = Array.from({ length: 5 }, () => report())
    // A third already right, a third with new recipients and kind, a third with level, schedule and SKUs.
    const desired = live.map((l, i) =>
      i % 3 === 0
        ? { id: l.id, kind: 'usage_summary' }
        : i % 3 === 1
          ? { id: l.id, kind: 'usage_daily', recipients: [USER_A] }
          : { id: l.id, level: 'all_customers', enabled: false, show_skus: true },
    )
    const expected = live.map((l, i) => {
      const e = structuredClone(l)
      if (i % 3 === 1) [e.parameters.kind, e.recipients] = ['usage_daily', [USER_A]]
      if (i % 3 === 2) {
        ;[e.parameters.level, e.schedule.enabled, e.parameters.show_skus] = ['all_customers', false, true]
      }
      if (i % 3) e.version += 1
      return e
    })
    sim.randomFaults({ rate: 0.1, seed: 4, methods: ['GET', 'PUT'] })
    sim.inject({ method: 'GET', path: '/reports/*', reset: true, times: 3 })
    sim.inject({ method: 'PUT', path: '/reports/*', hang: true, times: 2 })
    const config = yaml(desired)

    const r = await runAction({ node, config, inputs: inputs({ mode: 'apply', 'timeout-seconds': '1' }) })
    expect(r.code, r.stdout.slice(-2000)).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '200', unchanged: '100', failed: '0' })
    const faults = sim.requests.filter((q) => q.status === 0 || q.status >= 429)
    expect(faults.length).toBeGreaterThan(20)
    for (const [i, l] of live.entries()) {
      expect(sim.getReport(l.id), `report ${i}`).toEqual(expected[i])
      const written = to(sim, 'PUT', l.id).filter((q) => q.status === 200)
      expect(written, `PUTs to report ${i}`).toHaveLength(i % 3 ? 1 : 0)
    }
    const right = new Set(live.filter((_, i) => i % 3 === 0).map((l) => `/api/2/reports/${l.id}`))
    expect(sim.requests.filter((q) => q.method === 'PUT' && right.has(q.path))).toHaveLength(0)
    for (const u of untouched) expect(sim.getReport(u.id)).toEqual(u)

    // Under the same faults, a second run finds nothing left to do.
    sim.clearLog()
    const again = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
    expect(again.code, again.stdout.slice(-2000)).toBe(0)
    expect(again.outputs).toMatchObject({ changed: '0', unchanged: '300', failed: '0' })
    expect(sim.requests.filter((q) => q.method === 'PUT')).toHaveLength(0)
  })
})
