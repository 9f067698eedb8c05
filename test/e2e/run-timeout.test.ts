import { describe, expect, it } from 'vitest'
import type { LiveReport } from '../../src/acronis/types.js'
import type { Simulator } from '../simulator/index.js'
import { planOf, worlds, yaml } from './fixture.js'
import { RUNNER_NODE, runAction, type RunResult } from './harness.js'

// Issue 21: a run ends on time and says what it did not do; an unannounced rate limit is learned.
// Each scenario has a simulator and a bundled run of its own, so they run side by side.
const servers = worlds('all')
const limit = (seconds: number) => `the run's time limit of ${seconds} s`
const gets = (sim: Simulator) =>
  sim.requests.filter((q) => q.method === 'GET' && q.path.includes('/reports/'))
/** Hang guard only: before issue 21 these runs took minutes, and the harness kills the action here. */
const GUARD = { timeoutMs: 90_000 }

async function setup(count: number) {
  const w = await servers.world()
  // Every report differs from the file in its kind: each one has a GET and a PUT to make.
  const reports = Array.from({ length: count }, () => w.report({ parameters: { kind: 'usage_summary' } }))
  const config = yaml(reports.map((r: LiveReport) => ({ id: r.id, kind: 'usage_daily' })))
  return { ...w, reports, config }
}

/** Every declared report is in the plan output, failed for the time limit, with the run failed for it. */
function expectAllStopped(r: RunResult, count: number, seconds: number) {
  const LIMIT = limit(seconds)
  expect(r.code, r.stdout).toBe(1)
  expect(r.outputs).toMatchObject({ 'failure-reason': 'run-timeout', failed: String(count), changed: '0' })
  const plan = planOf(r.outputs)
  expect(plan).toHaveLength(count)
  for (const entry of plan) {
    expect(entry.status).toBe('failed')
    expect(entry.error).toContain(LIMIT)
  }
  expect(r.summary).toContain('`failure-reason: run-timeout`')
  expect(r.summary).toContain(`${LIMIT} was reached: ${count} of ${count} reports not finished`)
  return plan
}

describe.concurrent.each(RUNNER_NODE)('the run time limit and the learned rate, $name', ({ bin: node }) => {
  it('a 429 storm with Retry-After: 20 ends at once within run-timeout-seconds: 10, every report accounted for', async () => {
    const { sim, inputs, config } = await setup(12)
    sim.inject({ method: 'GET', path: '/reports/*', status: 429, retryAfter: 20, times: Infinity })
    const r = await runAction({
      node,
      config,
      inputs: inputs({ mode: 'apply', concurrency: '4', 'run-timeout-seconds': '10' }),
      ...GUARD,
    })
    const plan = expectAllStopped(r, 12, 10)
    // The first throttle asked for 20 s, past the limit: its report ended then, with what it waited for;
    // the others never started. Nothing was sent twice, nothing written.
    expect(gets(sim).length).toBeLessThanOrEqual(4)
    expect(sim.requests.filter((q) => q.method === 'PUT')).toHaveLength(0)
    const waited = plan.filter((e) => e.error!.includes('Retry-After of 20 s'))
    expect(waited.length).toBeGreaterThanOrEqual(1)
    expect(waited.length).toBe(gets(sim).length)
    expect(plan.filter((e) => e.error === `not attempted: ${limit(10)} was reached`)).toHaveLength(
      12 - waited.length,
    )
  })

  it('a dripping API: requests in flight are stopped a few seconds past the limit, the rest never start', async () => {
    // The limit is short (the test is about which requests stop and how, not when): the in-flight
    // ones still get GRACE_MS (5 s) past it.
    const { sim, inputs, config } = await setup(10)
    // Slower than any timeout here: every GET is still in flight when the run's time is up.
    sim.inject({ method: 'GET', path: '/reports/*', latencyMs: 120_000, times: Infinity })
    const r = await runAction({
      node,
      config,
      inputs: inputs({
        mode: 'apply',
        concurrency: '3',
        'timeout-seconds': '60',
        'run-timeout-seconds': '2',
      }),
      ...GUARD,
    })
    const plan = expectAllStopped(r, 10, 2)
    // Three GETs went out (the concurrency) and none after: each of them stopped in flight.
    expect(gets(sim)).toHaveLength(3)
    const inFlight = plan.filter((e) => /^stopped while GET \/reports\/\S+ was in flight/.test(e.error!))
    expect(inFlight).toHaveLength(3)
    expect(plan.filter((e) => e.error!.startsWith('not attempted:'))).toHaveLength(7)
  })

  it('learns a limit of 20 requests a second it was not told: converges, few 429s, every report applied', async () => {
    const { sim, inputs, config, reports } = await setup(80)
    // 429 without Retry-After: the pace is the action's to find.
    sim.rateLimit({ perSecond: 20, retryAfter: false })
    const r = await runAction({ node, config, inputs: inputs({ mode: 'apply', concurrency: '8' }), ...GUARD })
    sim.rateLimit(null)
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '80', failed: '0' })
    for (const rep of reports) expect(sim.getReport(rep.id)!.parameters.kind).toBe('usage_daily')
    const statuses = sim.requests.map((q) => q.status)
    const throttled = statuses.filter((s) => s === 429).length
    // Before it knows the limit, what it has in flight meets the empty bucket; after that, few.
    expect(throttled).toBeGreaterThan(0)
    expect(throttled / statuses.length).toBeLessThan(0.12)
    const laterHalf = statuses.slice(statuses.length / 2)
    expect(laterHalf.filter((s) => s === 429).length).toBeLessThanOrEqual(3)
  })
})
