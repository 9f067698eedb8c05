import { describe, expect, it } from 'vitest'
import { USER_A, USER_B, yaml, worlds, puts, planOf, type WorldOptions } from './fixture.js'
import { IN_PROCESS, NODES, runAction } from './harness.js'

const servers = worlds()
async function setup(options?: WorldOptions) {
  const w = await servers.world(options)
  return w
}
const plan = planOf

describe.each([...IN_PROCESS, ...NODES])('the action $name', ({ bin: node }) => {
  // Every scenario runs in process; those declared with `it` also run the bundle on each Node, to prove
  // it starts, reads its inputs, speaks HTTP, writes the summary and outputs, masks, and sets the exit code.
  const inProcess = (title: string, scenario: () => Promise<void>) => {
    if (node === undefined) it(title, scenario)
  }

  it('plans without writing, then applies only what differs, then finds nothing left to do', async () => {
    const { sim, report, inputs } = await setup()
    const drifted = report({ recipients: [USER_A], parameters: { kind: 'usage_summary', level: 'accounts' } })
    const same = report({ recipients: [USER_A], parameters: { kind: 'usage_daily', level: 'itself' } })
    const config = yaml([
      {
        id: drifted.id,
        name: 'Partner usage',
        kind: 'usage_current',
        recipients: [USER_B, USER_A],
        enabled: false,
      },
      { id: same.id, kind: 'usage_daily', level: 'itself', recipients: [USER_A] },
    ])

    const planned = await runAction({ node, config, inputs: inputs({ mode: 'plan' }) })
    expect(planned.code, planned.stdout).toBe(0)
    expect(puts(sim)).toHaveLength(0)
    expect(planned.outputs).toMatchObject({
      changed: '1',
      unchanged: '1',
      failed: '0',
      'has-changes': 'true',
    })
    expect(plan(planned.outputs)).toEqual([
      {
        id: drifted.id,
        name: 'Partner usage',
        status: 'update',
        changes: [
          { field: 'kind', from: 'usage_summary', to: 'usage_current' },
          { field: 'recipients', from: [USER_A], to: [USER_B, USER_A].sort() },
          { field: 'enabled', from: true, to: false },
        ],
        error: null,
      },
      { id: same.id, name: null, status: 'unchanged', changes: [], error: null },
    ])
    expect(planned.summary).toContain('## Acronis report sync: plan')
    expect(planned.summary).toContain('kind: usage_summary → usage_current')

    sim.clearLog()
    const applied = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
    expect(applied.code, applied.stdout).toBe(0)
    expect(applied.outputs).toMatchObject({ changed: '1', unchanged: '1', failed: '0' })
    expect(puts(sim).map((r) => r.path)).toEqual([`/api/2/reports/${drifted.id}`])
    // The documented minimum (issue 13): kind and level merged (level kept from the live report), the
    // recipients, and enabled because the file manages it and it differs; the flags it does not manage stay out.
    expect(JSON.parse(puts(sim)[0]!.body)).toEqual({
      recipients: [USER_B, USER_A],
      parameters: { kind: 'usage_current', level: 'accounts' },
      schedule: { enabled: false },
    })
    expect(sim.getReport(drifted.id)).toMatchObject({
      parameters: { kind: 'usage_current', level: 'accounts', formats: drifted.parameters.formats },
      schedule: { enabled: false, type: 'monthly' },
    })
    expect(applied.summary).toContain('✅ updated')

    sim.clearLog()
    const again = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
    expect(again.code).toBe(0)
    expect(puts(sim)).toHaveLength(0)
    expect(again.outputs).toMatchObject({ changed: '0', unchanged: '2', 'has-changes': 'false' })
  })

  it('fails a missing report and a one-time report alone, applies the rest, and fails the step at the end', async () => {
    const { sim, report, inputs } = await setup()
    const once = report({ schedule: { type: 'once', enabled: true } })
    const save = report({ result_action: 'save', recipients: [] })
    const good = report({ parameters: { level: 'accounts' } })
    const missing = '11111111-2222-4333-8444-555555555555'
    const config = yaml([
      { id: missing, name: 'Gone' },
      { id: once.id, enabled: false },
      { id: save.id, recipients: [USER_A] },
      { id: good.id, level: 'all_customers' },
    ])
    const r = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ changed: '1', failed: '3' })
    const entries = plan(r.outputs)
    expect(entries.map((e) => e.status)).toEqual(['failed', 'failed', 'failed', 'update'])
    expect(entries[0]!.error).toContain('404')
    expect(entries[1]!.error).toContain('only scheduled reports can be updated')
    expect(entries[2]!.error).toContain('result_action is send')
    expect(puts(sim).map((p) => p.path)).toEqual([`/api/2/reports/${good.id}`])
    expect(sim.getReport(good.id)!.parameters.level).toBe('all_customers')
    expect(r.stdout).toContain('::error::3 of 4 reports failed')
    // Each failure is an annotation on its line of reports.yaml.
    const lines = r.annotations.filter((a) => a.props.file === 'reports.yaml').map((a) => a.props.line)
    expect(lines).toEqual(['2', '3', '4'])
  })

  inProcess('never reads or writes a report the file does not declare', async () => {
    const { sim, report, inputs } = await setup()
    const declared = report()
    const other = report({ parameters: { kind: 'usage_daily' } })
    await runAction({
      node,
      config: yaml([{ id: declared.id, kind: 'usage_current' }]),
      inputs: inputs({ mode: 'apply' }),
    })
    expect(sim.requests.some((r) => r.path.endsWith(other.id))).toBe(false)
    expect(sim.getReport(other.id)).toEqual(other)
  })

  it('uses one token for the run, Bearer on every call, and masks the secret and the token', async () => {
    const { sim, report, inputs, client } = await setup()
    const ids = [report(), report(), report()].map((r) => r.id)
    const r = await runAction({
      node,
      config: yaml(ids.map((id) => ({ id, show_skus: true }))),
      inputs: inputs({ mode: 'apply' }),
    })
    expect(r.code, r.stdout).toBe(0)
    const tokenCalls = sim.requests.filter((q) => q.path === '/api/2/idp/token')
    expect(tokenCalls).toHaveLength(1)
    const bearers = new Set(
      sim.requests.filter((q) => q.path !== '/api/2/idp/token').map((q) => q.headers.authorization),
    )
    expect(bearers.size).toBe(1)
    const token = [...bearers][0]!.replace('Bearer ', '')
    expect(r.stdout).toContain(`::add-mask::${client.secret}`)
    expect(r.stdout).toContain(`::add-mask::${token}`)
    const printed = r.stdout.replace(/^::add-mask::.*$/gm, '')
    for (const text of [printed, r.stderr, r.summary, JSON.stringify(r.outputs)]) {
      expect(text).not.toContain(token)
      expect(text).not.toContain(client.secret)
    }
  })

  inProcess('accepts a token instead of client credentials', async () => {
    const { sim, report } = await setup()
    const rep = report()
    const token = sim.issueToken()
    const r = await runAction({
      node,
      config: yaml([{ id: rep.id, enabled: false }]),
      inputs: { 'base-url': sim.url, token, mode: 'apply' },
    })
    expect(r.code, r.stdout).toBe(0)
    expect(sim.requests.some((q) => q.path === '/api/2/idp/token')).toBe(false)
    expect(sim.getReport(rep.id)!.schedule.enabled).toBe(false)
  })

  inProcess(
    'reports every configuration error with file, line and column, and makes no API call',
    async () => {
      const { sim, report, inputs } = await setup()
      const rep = report()
      const config = `reports:\n  - id: ${rep.id}\n    kind: usage_monthly\n    recipents: []\n  - id: ${rep.id}\n`
      const r = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
      expect(r.code).toBe(1)
      expect(sim.requests).toHaveLength(0)
      const errors = r.annotations.filter((a) => a.props.file === 'reports.yaml')
      expect(errors.map((a) => [a.props.line, a.props.col])).toEqual([
        ['3', '11'],
        ['4', '5'],
        ['5', '9'],
      ])
      expect(errors[1]!.message).toContain('did you mean "recipients"')
      expect(r.summary).toContain('configuration errors')
    },
  )

  inProcess('plans on pull requests and applies on other events in auto mode', async () => {
    const { sim, report, inputs } = await setup()
    const rep = report()
    const config = yaml([{ id: rep.id, show_skus: true }])
    const pr = await runAction({
      node,
      config,
      inputs: inputs({ 'pr-comment': 'false' }),
      eventName: 'pull_request',
    })
    expect(pr.code).toBe(0)
    expect(puts(sim)).toHaveLength(0)
    expect(pr.summary).toContain('sync: plan')
    const push = await runAction({ node, config, inputs: inputs(), eventName: 'push' })
    expect(push.code).toBe(0)
    expect(puts(sim)).toHaveLength(1)
    expect(push.summary).toContain('sync: apply')
  })

  inProcess('fails a plan with drift when fail-on-drift is set, and passes one without', async () => {
    const { report, inputs } = await setup()
    const rep = report()
    const drift = await runAction({
      node,
      config: yaml([{ id: rep.id, level: 'itself' }]),
      inputs: inputs({ mode: 'plan', 'fail-on-drift': 'true' }),
    })
    expect(drift.code).toBe(1)
    expect(drift.stdout).toContain('fail-on-drift')
    const clean = await runAction({
      node,
      config: yaml([{ id: rep.id, level: rep.parameters.level }]),
      inputs: inputs({ mode: 'plan', 'fail-on-drift': 'true' }),
    })
    expect(clean.code).toBe(0)
  })

  inProcess('refuses bad inputs with the value and what was expected, before any request', async () => {
    const { sim, report, inputs } = await setup()
    const config = yaml([{ id: report().id }])
    const cases: [Record<string, string>, string][] = [
      [{ mode: 'aply' }, 'mode: "aply" is not allowed'],
      [{ concurrency: '0' }, 'concurrency: "0"'],
      [{ 'fail-on-drift': 'ture' }, 'fail-on-drift: "ture"'],
      [{ 'base-url': 'http://example.com' }, 'must use https://'],
      [{ 'client-secret': '' }, 'client-secret is empty'],
    ]
    for (const [extra, message] of cases) {
      const r = await runAction({ node, config, inputs: inputs(extra) })
      expect(r.code, JSON.stringify(extra)).toBe(1)
      expect(r.stdout).toContain(message)
    }
    expect(sim.requests).toHaveLength(0)
  })
})
