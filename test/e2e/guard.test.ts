import { describe, expect, it } from 'vitest'
import { yaml, worlds, puts } from './fixture.js'
import { IN_PROCESS, runAction } from './harness.js'

const servers = worlds()
async function setup() {
  const w = await servers.world()
  return w
}

describe.each(IN_PROCESS)('guard rails under $name', ({ bin: node }) => {
  it('max-changes: an apply over the limit writes nothing and names the count and the limit', async () => {
    const { sim, report, inputs } = await setup()
    const ids = Array.from({ length: 4 }, () => report({ parameters: { kind: 'usage_summary' } }).id)
    const config = yaml(ids.map((id, i) => ({ id, kind: i < 3 ? 'usage_daily' : 'usage_summary' })))

    const over = await runAction({ node, config, inputs: inputs({ mode: 'apply', 'max-changes': '2' }) })
    expect(over.code).toBe(1)
    expect(puts(sim)).toHaveLength(0)
    expect(over.stdout).toMatch(/::error::max-changes: the plan updates 3 reports, over the limit of 2/)
    expect(over.summary).toContain('Nothing was written')
    expect(over.outputs.changed).toBe('3')

    const pct = await runAction({ node, config, inputs: inputs({ mode: 'apply', 'max-changes': '50%' }) })
    expect(pct.code).toBe(1)
    expect(pct.stdout).toContain('over the limit of 2')
    expect(puts(sim)).toHaveLength(0)

    // plan still shows everything, whatever the limit
    const plan = await runAction({ node, config, inputs: inputs({ mode: 'plan', 'max-changes': '1' }) })
    expect(plan.code).toBe(0)
    expect(plan.outputs.changed).toBe('3')

    const within = await runAction({ node, config, inputs: inputs({ mode: 'apply', 'max-changes': '3' }) })
    expect(within.code, within.stdout).toBe(0)
    expect(puts(sim)).toHaveLength(3)
  })

  it('rejects a malformed max-changes before any request', async () => {
    const { sim, report, inputs } = await setup()
    const r = await runAction({
      node,
      config: yaml([{ id: report().id }]),
      inputs: inputs({ 'max-changes': 'lots' }),
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('max-changes: "lots"')
    expect(sim.requests).toHaveLength(0)
  })

  it('validate mode checks the file without credentials or network', async () => {
    const good = await runAction({
      node,
      config: yaml([{ id: '20dffb36-d77b-45c6-b2fa-39276e98d5fc', kind: 'usage_daily' }]),
      inputs: { mode: 'validate' },
    })
    expect(good.code, good.stdout).toBe(0)
    expect(good.stdout).toContain('1 report declared, no errors')
    const bad = await runAction({
      node,
      config: yaml([{ id: 'x', kind: 'daily' }]),
      inputs: { mode: 'validate' },
    })
    expect(bad.code).toBe(1)
    expect(bad.annotations.filter((a) => a.props.file === 'reports.yaml').map((a) => a.props.line)).toEqual([
      '2',
      '2',
    ])
  })

  it('reads the config from the path the config input names', async () => {
    const inputs = { mode: 'validate', config: 'ops/acronis.yml' }
    const missing = await runAction({ node, config: 'reports: []\n', configFile: 'reports.yaml', inputs })
    expect(missing.code).toBe(1)
    expect(missing.annotations[0]!.message).toContain('ops/acronis.yml')
    const bad = await runAction({ node, config: 'reports: [{id: nope}]\n', inputs })
    expect(bad.code).toBe(1)
    expect(bad.annotations[0]!.props.file).toBe('ops/acronis.yml')
  })
})
