import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { usageNotReady } from '../simulator/index.js'
import type { Simulator } from '../simulator/index.js'
import { USER_A, planOf, puts, worlds } from './fixture.js'
import { RUNNER_NODE, runAction, runCli } from './harness.js'

// Creating and deleting reports from the file, end to end (issue 19): a create through the action and a
// create and a delete through the command line run the bundle the runner runs (dist/index.js,
// dist/cli.js, `{ node: BUNDLE }`); the other cases run src/ in process (test/e2e/in-process.ts).

const servers = worlds()
const BUNDLE = RUNNER_NODE[0]!.bin

const posts = (sim: Simulator) =>
  sim.requests.filter((r) => r.method === 'POST' && r.path === '/api/2/reports')
const deletes = (sim: Simulator) => sim.requests.filter((r) => r.method === 'DELETE')

/** A file naming its tenant, with entries written as JSON (YAML's flow style). */
const file = (tenant: string, entries: Record<string, unknown>[]) =>
  `version: 1\ntenant: ${tenant}\nreports:\n${entries.map((e) => `  - ${JSON.stringify(e)}`).join('\n')}\n`

const billing = {
  name: 'Acme, monthly billing',
  kind: 'usage_summary',
  level: 'accounts',
  result_action: 'send',
  formats: ['csv', 'html'],
  recipients: ['alice'],
  hide_zero_usage: false,
}

describe('creating reports from entries without id', () => {
  it('plans a create, applies it with exactly one POST of the documented body, then finds it instead of creating it again', async () => {
    const { sim, tenant, inputs } = await servers.world()
    const config = file(tenant.id, [billing])
    const plan = await runAction({ node: BUNDLE, config, inputs: inputs({ mode: 'plan' }) })
    expect(plan.code, plan.stdout).toBe(0)
    expect(plan.outputs).toMatchObject({ created: '1', deleted: '0', changed: '0', 'has-changes': 'true' })
    expect(planOf(plan.outputs)).toEqual([
      expect.objectContaining({ id: '', name: billing.name, status: 'create', entry: 0 }),
    ])
    expect(plan.summary).toContain('will create')
    expect(posts(sim)).toHaveLength(0)

    const apply = await runAction({ node: BUNDLE, config, inputs: inputs({ mode: 'apply' }) })
    expect(apply.code, apply.stdout).toBe(0)
    expect(posts(sim)).toHaveLength(1)
    expect(JSON.parse(posts(sim)[0]!.body)).toEqual({
      recipients: [USER_A],
      result_action: 'send',
      parameters: {
        tenant_id: tenant.id,
        kind: 'usage_summary',
        level: 'accounts',
        formats: ['csv', 'html'],
        hide_zero_usage: false,
      },
      schedule: { type: 'monthly' },
    })
    const id = JSON.parse(posts(sim)[0]!.response).id as string
    expect(apply.outputs).toMatchObject({ created: '1', changed: '0', failed: '0' })
    expect(planOf(apply.outputs)[0]).toMatchObject({ id, status: 'create' })
    expect(apply.summary).toContain(id)
    expect(apply.stdout).toContain(id)

    // The id is not in the file yet: the next runs recognise the report by what the entry declares.
    const again = await runAction({ node: BUNDLE, config, inputs: inputs({ mode: 'apply' }) })
    expect(again.code, again.stdout).toBe(0)
    expect(posts(sim)).toHaveLength(1)
    expect(again.outputs).toMatchObject({ created: '0', unchanged: '1', 'has-changes': 'false' })
    expect(planOf(again.outputs)[0]).toMatchObject({ id, status: 'unchanged' })
    expect(planOf(again.outputs)[0]!.note).toContain(`exists as ${id}, not yet recorded`)
    expect(sim.reportIds()).toHaveLength(1)

    // pull records the id in the entry, the rest of the file byte for byte; then the plan is empty.
    const pull = await runAction({ node: BUNDLE, config, inputs: inputs({ mode: 'pull' }) })
    expect(pull.code, pull.stdout).toBe(0)
    expect(pull.outputs).toMatchObject({ pulled: '1', 'has-changes': 'true' })
    const recorded = await readFile(path.join(pull.workspace, 'reports.yaml'), 'utf8')
    expect(recorded).toBe(config.replace('  - {"name"', `  - {id: ${id}, "name"`))
    const after = await runAction({ node: BUNDLE, config: recorded, inputs: inputs({ mode: 'plan' }) })
    expect(after.code, after.stdout).toBe(0)
    expect(after.outputs).toMatchObject({ changed: '0', created: '0', 'has-changes': 'false' })
    expect(planOf(after.outputs)).toEqual([expect.objectContaining({ id, status: 'unchanged' })])
    expect(posts(sim)).toHaveLength(1)
  })

  it('pull writes the id as the first key of a block entry, lined up, with CRLF kept', async () => {
    const { sim, tenant, inputs } = await servers.world()
    const id = sim.addReport({
      result_action: 'save',
      parameters: { tenant_id: tenant.id, kind: 'usage_daily', level: 'itself' },
    }).id
    const config = [
      `tenant: ${tenant.id}  # where new reports go`,
      'reports:',
      '  # made by the file',
      '  - name: Daily, itself # a comment',
      '    kind: usage_daily',
      '    level: itself',
      '    result_action: save',
      '',
    ].join('\r\n')
    const pull = await runAction({ config, inputs: inputs({ mode: 'pull' }) })
    expect(pull.code, pull.stdout).toBe(0)
    const recorded = await readFile(path.join(pull.workspace, 'reports.yaml'), 'utf8')
    expect(recorded).toBe(config.replace('  - name:', `  - id: ${id}\r\n    name:`))
  })

  it('leaves exactly one report when the server created it and the connection dropped before the answer', async () => {
    const { sim, tenant, inputs } = await servers.world()
    sim.inject({ method: 'POST', path: '/reports', dropAfterWrite: true })
    const r = await runAction({ config: file(tenant.id, [billing]), inputs: inputs({ mode: 'apply' }) })
    expect(r.code, r.stdout).toBe(0)
    expect(sim.reportIds()).toHaveLength(1)
    expect(posts(sim)).toHaveLength(1)
    const [entry] = planOf(r.outputs)
    expect(entry).toMatchObject({ id: sim.reportIds()[0], status: 'create' })
    expect(entry!.note).toContain('answer to the POST was lost')
  })

  it('retries a POST answered 503 once, after looking: one report', async () => {
    const { sim, tenant, inputs } = await servers.world()
    sim.inject({ method: 'POST', path: '/reports', status: 503 })
    const r = await runAction({ config: file(tenant.id, [billing]), inputs: inputs({ mode: 'apply' }) })
    expect(r.code, r.stdout).toBe(0)
    expect(posts(sim)).toHaveLength(2)
    expect(sim.reportIds()).toHaveLength(1)
  })

  it('fails the entry with the API message in the early hours, creates nothing, and says what to do', async () => {
    const { sim, tenant, inputs } = await servers.world()
    sim.inject(usageNotReady())
    const r = await runAction({ config: file(tenant.id, [billing]), inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ 'failure-reason': 'failed-reports', failed: '1', created: '0' })
    expect(planOf(r.outputs)[0]!.error).toMatch(/not ready.*after about 06:00/)
    expect(posts(sim)).toHaveLength(1)
    expect(sim.reportIds()).toHaveLength(0)
  })

  it('fails an entry that two undeclared reports match, asking for its id', async () => {
    const { sim, tenant, inputs, report } = await servers.world()
    const twin = {
      recipients: [USER_A],
      parameters: { formats: ['csv', 'html'], hide_zero_usage: false },
    }
    report(twin)
    report(twin)
    const r = await runAction({ config: file(tenant.id, [billing]), inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    expect(planOf(r.outputs)[0]!.error).toContain('2 reports match: add `id:`')
    expect(posts(sim)).toHaveLength(0)
  })
})

describe("the file's tenant", () => {
  it('is where undeclared reports are counted and where an entry without a tenant creates its report', async () => {
    const { sim, tenant, inputs, report } = await servers.world()
    const child = sim.addTenant({ parentId: tenant.id })
    report() // the client's tenant: not counted now
    const stray = sim.addReport({ parameters: { tenant_id: child.id } })
    const config = file(child.id, [{ ...billing, recipients: undefined, result_action: 'save' }])
    const r = await runAction({ config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code, r.stdout).toBe(0)
    expect(JSON.parse(posts(sim)[0]!.body).parameters.tenant_id).toBe(child.id)
    expect(r.summary).toContain(
      `1 report of tenant ${child.id} is not declared (listed, never changed): ${stray.id}`,
    )
  })
})

describe('the command line', () => {
  it('plan shows the create and the delete, apply shows the created report with its id', async () => {
    const { sim, tenant, env, report } = await servers.world()
    const gone = report()
    const files = { 'reports.yaml': file(tenant.id, [{ id: gone.id, state: 'absent' }, billing]) }
    const plan = await runCli(['plan', '--detailed-exitcode'], { node: BUNDLE, env, files })
    expect(plan.code, plan.stderr).toBe(2)
    expect(plan.stdout).toContain('Plan: 0 to update, 1 to create, 1 to delete')
    expect(plan.stdout).toMatch(/will delete\s+\S+/)
    expect(plan.stdout).toMatch(/will create\s+Acme, monthly billing\s+tenant .*\n\s+new report\s/)
    const apply = await runCli(['apply', '--max-deletes', '1'], { node: BUNDLE, env, cwd: plan.cwd })
    expect(apply.code, apply.stderr).toBe(0)
    const id = JSON.parse(posts(sim)[0]!.response).id as string
    expect(apply.stdout).toContain('Apply: 0 updated, 1 created, 1 deleted')
    expect(apply.stdout).toMatch(new RegExp(`created\\s+Acme, monthly billing\\s+tenant .*\\n\\s+${id}\\s`))
    const pull = await runCli(['pull'], { node: BUNDLE, env, cwd: plan.cwd })
    expect(pull.code, pull.stderr).toBe(0)
    expect(pull.stdout).toContain(`+  - {id: ${id}, "name"`)
  })
})

describe('deleting reports marked state: absent', () => {
  it('deletes with the version read in this run, and a rerun does nothing', async () => {
    const { sim, tenant, inputs, report } = await servers.world()
    const gone = report({ version: 7 })
    const kept = report()
    const config = file(tenant.id, [
      { id: gone.id, state: 'absent' },
      { id: kept.id, kind: 'usage_summary' },
    ])
    const plan = await runAction({ config, inputs: inputs({ mode: 'plan' }) })
    expect(plan.outputs).toMatchObject({ deleted: '1', 'has-changes': 'true' })
    expect(plan.summary.indexOf('will delete')).toBeLessThan(plan.summary.indexOf(kept.id))
    sim.patchReport(gone.id, { version: 8 })
    const apply = await runAction({ config, inputs: inputs({ mode: 'apply' }) })
    expect(apply.code, apply.stdout).toBe(0)
    expect(deletes(sim).map((d) => d.query.get('version'))).toEqual(['8'])
    expect(sim.getReport(gone.id)).toBeUndefined()
    expect(sim.getReport(kept.id)).toBeDefined()
    expect(apply.outputs).toMatchObject({ deleted: '1', failed: '0' })
    const rerun = await runAction({ config, inputs: inputs({ mode: 'apply' }) })
    expect(rerun.code, rerun.stdout).toBe(0)
    expect(deletes(sim)).toHaveLength(1)
    expect(rerun.outputs).toMatchObject({ deleted: '0', unchanged: '2', 'has-changes': 'false' })
  })

  it('max-deletes holds: over it the apply writes nothing at all', async () => {
    const { sim, tenant, inputs, report } = await servers.world()
    const [a, b, c] = [report(), report(), report({ parameters: { kind: 'usage_daily' } })]
    const config = file(tenant.id, [
      { id: a.id, state: 'absent' },
      { id: b.id, state: 'absent' },
      { id: c.id, kind: 'usage_summary' },
      billing,
    ])
    const r = await runAction({ config, inputs: inputs({ mode: 'apply', 'max-deletes': '1' }) })
    expect(r.code).toBe(1)
    expect(r.outputs['failure-reason']).toBe('max-deletes')
    expect([deletes(sim), puts(sim), posts(sim)].map((l) => l.length)).toEqual([0, 0, 0])
    expect(sim.reportIds()).toHaveLength(3)
    expect(r.summary).toContain('max-deletes allows 1')
  })

  it('counts creates and deletes in max-changes', async () => {
    const { sim, tenant, inputs, report } = await servers.world()
    const a = report()
    const config = file(tenant.id, [{ id: a.id, state: 'absent' }, billing])
    const r = await runAction({ config, inputs: inputs({ mode: 'apply', 'max-changes': '1' }) })
    expect(r.code).toBe(1)
    expect(r.outputs['failure-reason']).toBe('max-changes')
    expect([deletes(sim), posts(sim)].map((l) => l.length)).toEqual([0, 0])
  })
})

describe('fields an update cannot change', () => {
  it('fails the one report whose result_action differs, naming the field and how to replace it; the others are applied', async () => {
    const { sim, tenant, inputs, report } = await servers.world()
    const send = report({ recipients: [USER_A] })
    const other = report({ parameters: { level: 'itself' } })
    const config = file(tenant.id, [
      { id: send.id, result_action: 'save', kind: 'usage_daily' },
      { id: other.id, level: 'accounts' },
    ])
    const r = await runAction({ config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    const [failed, updated] = planOf(r.outputs)
    expect(failed).toMatchObject({ id: send.id, status: 'failed' })
    expect(failed!.error).toContain('result_action cannot change by an update')
    expect(failed!.error).toContain('state: absent')
    expect(updated).toMatchObject({ id: other.id, status: 'update' })
    expect(puts(sim).map((p) => p.path)).toEqual([`/api/2/reports/${other.id}`])
  })
})
