import { describe, expect, it } from 'vitest'
import { yaml, worlds, puts } from './fixture.js'
import { runAction, type RunResult } from './harness.js'

// A failed run still says why: in the job summary, in `failure-reason`, and with every output set.
const servers = worlds()

/** The outputs a run that planned nothing sets. */
const EMPTY = {
  changed: '0',
  unchanged: '0',
  failed: '0',
  created: '0',
  deleted: '0',
  held: '0',
  'has-changes': 'false',
  plan: '[]',
}
const errorLines = (r: RunResult) => r.annotations.filter((a) => a.level === 'error').map((a) => a.message)

describe('a failed run of the bundled action', () => {
  it('a bad input: failure-reason config, empty outputs, the message in the summary', async () => {
    const { sim, report, inputs } = await servers.world()
    const r = await runAction({ config: yaml([{ id: report().id }]), inputs: inputs({ concurrency: '0' }) })
    expect(r.code).toBe(1)
    expect(r.outputs).toEqual({ ...EMPTY, 'failure-reason': 'config' })
    expect(r.summary).toContain('## Acronis report sync: failed')
    expect(r.summary).toContain('`failure-reason: config`')
    expect(r.summary).toContain('concurrency: "0" is not allowed')
    expect(r.summary).toContain('Nothing was sent to the API.')
    expect(sim.requests).toHaveLength(0)
  })

  it('configuration errors: failure-reason config and every error in the summary', async () => {
    const { report, inputs } = await servers.world()
    const r = await runAction({
      config: `reports:\n  - id: ${report().id}\n    knd: usage_daily\n`,
      inputs: inputs({ mode: 'apply' }),
    })
    expect(r.code).toBe(1)
    expect(r.outputs).toEqual({ ...EMPTY, 'failure-reason': 'config' })
    expect(r.summary).toContain('configuration errors')
    expect(r.summary).toContain('found; nothing was sent to the API')
    expect(r.summary).toContain('unknown key "knd"')
  })

  it('credentials refused: failure-reason auth, and the summary says what to check', async () => {
    const { report, inputs } = await servers.world()
    const r = await runAction({
      config: yaml([{ id: report().id }]),
      inputs: inputs({ 'client-secret': 'wrong-secret-0123456789', mode: 'plan' }),
    })
    expect(r.code).toBe(1)
    expect(r.outputs).toEqual({ ...EMPTY, 'failure-reason': 'auth' })
    const hint = 'Check client-id and client-secret, and that base-url is the data center of the API client.'
    expect(r.summary).toContain('POST /idp/token → 401 invalid_client')
    expect(r.summary).toContain(hint)
    expect(r.summary).toContain('Nothing was written.')
    expect(errorLines(r)[0]).toContain(hint)
  })

  it('the API unreachable: failure-reason network after the retries', async () => {
    const { sim, report, inputs } = await servers.world()
    // Retry-After: 0 keeps the six attempts quick; the last answer is what the run reports.
    sim.inject({ path: '/idp/token', status: 503, retryAfter: 0, times: Infinity })
    const r = await runAction({ config: yaml([{ id: report().id }]), inputs: inputs({ mode: 'plan' }) })
    expect(r.code).toBe(1)
    expect(sim.requests).toHaveLength(6)
    expect(r.outputs).toEqual({ ...EMPTY, 'failure-reason': 'network' })
    expect(r.summary).toContain('`failure-reason: network`')
    expect(r.summary).toContain('POST /idp/token → 503')
  })

  it('an answer not in its documented shape: failure-reason api, not network, and no retry', async () => {
    const { sim, report, inputs } = await servers.world()
    sim.inject({ path: '/idp/token', reply: { access_token: 42, expires_in: 'soon' } })
    const r = await runAction({ config: yaml([{ id: report().id }]), inputs: inputs({ mode: 'plan' }) })
    expect(r.code).toBe(1)
    expect(r.outputs).toEqual({ ...EMPTY, 'failure-reason': 'api' })
    expect(r.summary).toContain('`failure-reason: api`')
    expect(r.summary).toContain('invalid_response')
    expect(sim.requests).toHaveLength(1)
  })

  it('max-changes: the log says "would update" and "1 report", failure-reason max-changes', async () => {
    const { sim, report, inputs } = await servers.world()
    const rep = report({ parameters: { kind: 'usage_summary' } })
    const r = await runAction({
      config: yaml([{ id: rep.id, kind: 'usage_daily' }]),
      inputs: inputs({ mode: 'apply', 'max-changes': '0' }),
    })
    expect(r.code).toBe(1)
    expect(puts(sim)).toHaveLength(0)
    expect(r.stdout).toContain('apply: 1 would update, 0 unchanged, 0 failed')
    expect(r.stdout).not.toMatch(/apply: \d+ updated/)
    expect(errorLines(r)).toContain(
      'max-changes: the plan updates 1 report, over the limit of 0; nothing was written',
    )
    expect(r.summary).toContain('the plan updates 1 report and max-changes allows 0')
    expect(r.outputs['failure-reason']).toBe('max-changes')
    expect(r.outputs.changed).toBe('1')
  })

  it('fail-on-drift: failure-reason drift, and the summary says the step failed; a pass leaves it empty', async () => {
    const { report, inputs } = await servers.world()
    const rep = report({ parameters: { level: 'accounts' } })
    const drift = await runAction({
      config: yaml([{ id: rep.id, level: 'itself' }]),
      inputs: inputs({ mode: 'plan', 'fail-on-drift': 'true' }),
    })
    expect(drift.code).toBe(1)
    expect(drift.outputs['failure-reason']).toBe('drift')
    expect(drift.summary).toContain(
      '**The step failed** (`failure-reason: drift`): fail-on-drift: 1 report differs from reports.yaml',
    )
    const pass = await runAction({
      config: yaml([{ id: rep.id, level: 'accounts' }]),
      inputs: inputs({ mode: 'plan', 'fail-on-drift': 'true' }),
    })
    expect(pass.code).toBe(0)
    expect(pass.outputs['failure-reason']).toBe('')
    expect(pass.summary).not.toContain('The step failed')
  })

  it('validate mode sets the outputs too', async () => {
    const r = await runAction({
      config: yaml([{ id: '20dffb36-d77b-45c6-b2fa-39276e98d5fc' }]),
      inputs: { mode: 'validate' },
    })
    expect(r.code).toBe(0)
    expect(r.outputs).toEqual({ ...EMPTY, 'failure-reason': '' })
  })
})
