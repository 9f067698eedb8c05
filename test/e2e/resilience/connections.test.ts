import { describe, expect, it } from 'vitest'
import { yaml } from '../fixture.js'
import { IN_PROCESS, runAction } from '../harness.js'
import { faults, want, to, tokens, statuses, failedWith, waitUntil } from './faults.js'

const setup = faults()

describe.each(IN_PROCESS)(
  'the action under faults: resets, hanging requests and tokens that expire, $name',
  ({ bin: node }) => {
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
  },
)
