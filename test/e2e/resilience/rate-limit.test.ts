import { describe, expect, it } from 'vitest'
import { yaml } from '../fixture.js'
import { IN_PROCESS, runAction } from '../harness.js'
import { faults, want } from './faults.js'

const setup = faults()

describe.each(IN_PROCESS)(
  'the action under faults: a run throttled at full concurrency converges, $name',
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
  },
)
