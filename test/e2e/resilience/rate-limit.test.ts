import { describe, expect, it } from 'vitest'
import { yaml } from '../fixture.js'
import { IN_PROCESS, runAction } from '../harness.js'
import { faults, want } from './faults.js'

const setup = faults()

describe.each(IN_PROCESS)(
  'the action under faults: 429s with Retry-After slow the whole run, and it converges, $name',
  ({ bin: node }) => {
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
  },
)
