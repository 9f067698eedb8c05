import { describe, expect, it } from 'vitest'
import type { Simulator } from '../simulator/index.js'
import { USER_A, USER_B, worlds, puts, planOf } from './fixture.js'
import { runAction } from './harness.js'

const servers = worlds()
async function setup() {
  const w = await servers.world()
  return w
}
const searches = (sim: Simulator) => sim.requests.filter((r) => r.path === '/api/2/search')
const plan = planOf

describe('recipients by login or email in the bundled action', () => {
  it('resolves a login and an email in another case, each looked up once, and plans by those names', async () => {
    const { sim, report, inputs } = await setup()
    const a = report({ recipients: [USER_A] })
    const b = report({ recipients: [USER_A] })
    const c = report({ recipients: [USER_B] })
    const config = [
      'reports:',
      `  - id: ${a.id}`,
      '    recipients: [alice, BOB@EXAMPLE.COM]',
      `  - id: ${b.id}`,
      '    recipients: [alice]',
      `  - id: ${c.id}`,
      '    recipients: [BOB@EXAMPLE.COM]',
      '',
    ].join('\n')

    const planned = await runAction({ config, inputs: inputs({ mode: 'plan' }) })
    expect(planned.code, planned.stdout).toBe(0)
    expect(plan(planned.outputs).map((e) => [e.status, e.changes])).toEqual([
      [
        'update',
        [
          {
            field: 'recipients',
            from: ['alice'],
            to: ['BOB@EXAMPLE.COM', 'alice'],
            // The UUIDs behind the names, sorted: what a reviewed plan compares.
            ids: { from: [USER_A], to: [USER_B, USER_A] },
          },
        ],
      ],
      ['unchanged', []],
      ['unchanged', []],
    ])
    expect(planned.summary).toContain('recipients: [alice] → [BOB@EXAMPLE.COM, alice]')
    expect(planned.summary).not.toContain(USER_B)
    // Two names used four times: two searches, and one /users call to confirm the email.
    expect(
      searches(sim)
        .map((r) => r.query.get('text'))
        .sort(),
    ).toEqual(['BOB@EXAMPLE.COM', 'alice'])
    expect(sim.requests.filter((r) => r.path === '/api/2/users')).toHaveLength(1)
    expect(puts(sim)).toHaveLength(0)

    const applied = await runAction({ config, inputs: inputs({ mode: 'apply' }) })
    expect(applied.code, applied.stdout).toBe(0)
    expect(puts(sim).map((p) => JSON.parse(p.body).recipients)).toEqual([[USER_A, USER_B]])
    expect(sim.getReport(a.id)!.recipients).toEqual([USER_A, USER_B])
  })

  it('shows each user by the name the file uses, on both sides of the arrow and in every report', async () => {
    const { report, inputs } = await setup()
    const a = report({ recipients: [USER_B] })
    const c = report({ recipients: [USER_A] })
    const d = report({ recipients: [USER_A] })
    const e = report({ recipients: [USER_B] })
    const config = [
      'reports:',
      `  - id: ${a.id}`,
      '    recipients: [alice]',
      `  - id: ${c.id}`,
      '    recipients: [BOB@EXAMPLE.COM]',
      `  - id: ${d.id}`,
      `    recipients: [${USER_B}]`, // a UUID here, but the file names this user above
      `  - id: ${e.id}`,
      '    recipients: [alice@example.com]', // its own spelling of alice
      '',
    ].join('\n')
    const r = await runAction({ config, inputs: inputs({ mode: 'plan' }) })
    expect(r.code, r.stdout).toBe(0)
    expect(plan(r.outputs).map((p) => p.changes)).toEqual([
      [
        {
          field: 'recipients',
          from: ['BOB@EXAMPLE.COM'],
          to: ['alice'],
          ids: { from: [USER_B], to: [USER_A] },
        },
      ],
      [
        {
          field: 'recipients',
          from: ['alice'],
          to: ['BOB@EXAMPLE.COM'],
          ids: { from: [USER_A], to: [USER_B] },
        },
      ],
      [
        {
          field: 'recipients',
          from: ['alice'],
          to: ['BOB@EXAMPLE.COM'],
          ids: { from: [USER_A], to: [USER_B] },
        },
      ],
      [
        {
          field: 'recipients',
          from: ['BOB@EXAMPLE.COM'],
          to: ['alice@example.com'],
          ids: { from: [USER_B], to: [USER_A] },
        },
      ],
    ])
    for (const uuid of [USER_A, USER_B]) expect(r.summary).not.toContain(uuid)
  })

  it('annotates an unknown and an ambiguous name on their lines, and sends no PUT', async () => {
    const { sim, tenant, report, inputs } = await setup()
    sim.addUser({ login: 'carol1', email: 'carol@example.com', tenantId: tenant.id })
    sim.addUser({ login: 'carol2', email: 'CAROL@example.com', tenantId: tenant.id })
    const rep = report()
    const config = [
      'reports:',
      `  - id: ${rep.id}`,
      '    kind: usage_daily',
      '    recipients:',
      '      - alice',
      '      - nobody@example.com',
      '      - carol@example.com',
      '',
    ].join('\n')
    const r = await runAction({ config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    const errors = r.annotations.filter((a) => a.props.file === 'reports.yaml')
    expect(errors.map((a) => [a.props.line, a.props.col])).toEqual([
      ['6', '9'],
      ['7', '9'],
    ])
    expect(errors[0]!.message).toContain('[recipient-unknown]')
    expect(errors[1]!.message).toMatch(/matches 2 users.*\[recipient-ambiguous\]/)
    expect(r.summary).toContain('configuration errors')
    expect(r.stdout).toContain('nothing was written')
    expect(puts(sim)).toHaveLength(0)
    expect(sim.requests.some((q) => q.path.startsWith('/api/2/reports'))).toBe(false)
    expect(sim.getReport(rep.id)!.parameters.kind).toBe('usage_summary')
  })

  it('ends the summary with the reports of the tenant the file does not declare', async () => {
    const { sim, tenant, report, inputs } = await setup()
    const declared = report()
    const others = [report(), report({ schedule: { type: 'once', enabled: true } })].map((r) => r.id).sort()
    const config = `reports:\n  - id: ${declared.id}\n    enabled: true\n`
    const r = await runAction({ config, inputs: inputs({ mode: 'plan' }) })
    expect(r.code, r.stdout).toBe(0)
    expect(r.summary.trimEnd().split('\n').at(-1)).toBe(
      `2 reports of tenant ${tenant.id} are not declared (listed, never changed): ${others.join(', ')}`,
    )
    // Listed, never read.
    expect(sim.requests.some((q) => others.some((id) => q.path.endsWith(id)))).toBe(false)

    // tenant-id points the count at another tenant (here a customer below the partner).
    const customer = sim.addTenant({ parentId: tenant.id, name: 'Customer' })
    const theirs = sim.addReport({ parameters: { tenant_id: customer.id } })
    const child = await runAction({ config, inputs: inputs({ mode: 'plan', 'tenant-id': customer.id }) })
    expect(child.summary.trimEnd().split('\n').at(-1)).toBe(
      `1 report of tenant ${customer.id} is not declared (listed, never changed): ${theirs.id}`,
    )
  })
})
