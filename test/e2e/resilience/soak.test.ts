import { describe, expect, it } from 'vitest'
import { USER_A, yaml } from '../fixture.js'
import { IN_PROCESS, runAction } from '../harness.js'
import { faults, to } from './faults.js'

const setup = faults()

describe.each(IN_PROCESS)(
  'the action under faults: hundreds of reports under steady random faults, $name',
  ({ bin: node }) => {
    it('soak: 300 reports under steady random faults converge exactly, with no PUT to a report already right', async () => {
      const { sim, report, inputs } = await setup()
      const live = Array.from({ length: 300 }, () =>
        report({
          recipients: [],
          parameters: { kind: 'usage_summary', level: 'accounts', show_skus: false },
        }),
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
  },
)
