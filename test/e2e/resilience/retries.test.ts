import { describe, expect, it } from 'vitest'
import type { LiveReport } from '../../../src/acronis/types.js'
import type { LoggedRequest } from '../../simulator/index.js'
import { yaml } from '../fixture.js'
import { IN_PROCESS, runAction } from '../harness.js'
import { faults, want, to, tokens, statuses, gap, plan, failedWith } from './faults.js'

const setup = faults()

describe.each(IN_PROCESS)(
  'the action under faults: which failures are retried, how often, and how a report ends that keeps failing, $name',
  ({ bin: node }) => {
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
  },
)
