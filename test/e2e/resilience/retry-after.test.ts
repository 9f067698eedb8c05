import { describe, expect, it } from 'vitest'
import { yaml } from '../fixture.js'
import { IN_PROCESS, runAction } from '../harness.js'
import { faults, want, to, statuses, gap, failedWith } from './faults.js'

const setup = faults()

describe.each(IN_PROCESS)(
  'the action under faults: Retry-After is waited, by the whole run, unless it ends later than a request may take, $name',
  ({ bin: node }) => {
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

    it('fails at once, without waiting, a call asked to come back later than a request may take', async () => {
      const { sim, inputs, drifted } = await setup()
      const [busy, fine] = [drifted(), drifted()]
      sim.inject({
        method: 'PUT',
        path: `/reports/${busy.id}`,
        status: 503,
        retryAfter: 3600,
        times: Infinity,
      })
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
  },
)
