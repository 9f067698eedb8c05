import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { AcronisClient } from '../../src/acronis/client.js'
import { apiRoot } from '../../src/acronis/url.js'
import { readTenant } from '../../src/engine/tenant-export.js'
import { USER_A, worlds, yaml } from '../e2e/fixture.js'
import { runAction } from '../e2e/harness.js'
import { api, put, tokenRequest } from '../simulator/harness.js'
import { usageNotReady, type Fault, type LoggedRequest } from '../simulator/index.js'
import { answerViolations, operationOf, requestViolations, violations } from './contract.js'
import subset from './acronis-v2.subset.json' with { type: 'json' }

const servers = worlds()
const templates = (log: readonly LoggedRequest[]) =>
  [
    ...new Set(
      log.map((r) => `${r.method} ${operationOf(r.method, r.path.slice('/api/2'.length))?.template}`),
    ),
  ].sort()

describe('the vendor contract (test/contract/acronis-v2.subset.json)', () => {
  it('holds for every request a plan and an apply send and every answer they get', async () => {
    const { sim, report, inputs } = await servers.world()
    const send = report({ recipients: [USER_A], parameters: { kind: 'usage_summary' } })
    const save = report({ result_action: 'save', recipients: [] })
    const bare = report({ parameters: { hide_zero_usage: undefined, show_skus: undefined } })
    const same = report({ parameters: { level: 'itself' } })
    report() // undeclared: listed
    const config = yaml([
      { id: send.id, kind: 'usage_current', recipients: ['alice', 'bob@example.com'] },
      { id: save.id, enabled: false, level: 'all_customers' },
      { id: bare.id, hide_zero_usage: true, show_skus: true },
      { id: same.id, level: 'itself' },
    ])
    for (const mode of ['plan', 'apply']) {
      const r = await runAction({ config, inputs: inputs({ mode }) })
      expect(r.code, r.stdout).toBe(0)
    }
    expect(violations(sim.requests)).toEqual([])
    expect(templates(sim.requests)).toEqual([
      'GET /clients/{client_id}',
      'GET /reports/{report_id}',
      'GET /search',
      'GET /tenants/{tenant_id}/reports',
      'GET /users',
      'POST /idp/token',
      'PUT /reports/{report_id}',
    ])
  })

  it('holds for an export by login', async () => {
    const { sim, report, tenant, client: c } = await servers.world()
    report({ recipients: [USER_A] })
    report({ schedule: { type: 'once', enabled: true } })
    const client = new AcronisClient(
      apiRoot(sim.url),
      { clientId: c.clientId, clientSecret: c.secret },
      { concurrency: 2, timeoutMs: 2000 },
    )
    try {
      const read = await readTenant(client, tenant.id, { concurrency: 2, byLogin: true })
      expect(read.reports).toHaveLength(2)
    } finally {
      client.close()
    }
    expect(violations(sim.requests)).toEqual([])
    expect(templates(sim.requests)).toContain('GET /users')
  })

  it('holds for an apply that creates and deletes reports from the file', async () => {
    const { sim, report, tenant, inputs } = await servers.world()
    const gone = report({ version: 2 })
    const config = [
      `tenant: ${tenant.id}`,
      'reports:',
      `  - {id: ${gone.id}, state: absent}`,
      '  - {kind: usage_daily, level: itself, result_action: send, formats: [csv, html], recipients: [alice], hide_zero_usage: false, show_skus: true}',
      '  - {kind: usage_summary, level: accounts, result_action: save, enabled: false}',
      '',
    ].join('\n')
    for (const mode of ['plan', 'apply']) {
      const r = await runAction({ config, inputs: inputs({ mode }) })
      expect(r.code, r.stdout).toBe(0)
    }
    expect(violations(sim.requests)).toEqual([])
    expect(templates(sim.requests)).toEqual(
      expect.arrayContaining(['POST /reports', 'DELETE /reports/{report_id}']),
    )
  })

  it('holds for a create and a delete through our client, and for their documented refusals', async () => {
    const { sim, report, tenant, client: c } = await servers.world()
    const old = report({ version: 3 })
    const client = new AcronisClient(
      apiRoot(sim.url),
      { clientId: c.clientId, clientSecret: c.secret },
      { concurrency: 2, timeoutMs: 2000 },
    )
    const body = {
      recipients: [USER_A],
      result_action: 'send' as const,
      parameters: {
        tenant_id: tenant.id,
        kind: 'usage_summary' as const,
        level: 'accounts' as const,
        formats: ['csv' as const, 'html' as const],
        hide_zero_usage: false,
        show_skus: false,
      },
      schedule: { type: 'monthly' as const },
    }
    try {
      const created = await client.createReport(body)
      expect(created.version).toBe(1)
      await client.deleteReport(old.id, 3)
      await expect(client.deleteReport(created.id, 7)).rejects.toMatchObject({ status: 409 })
      sim.inject(usageNotReady())
      await expect(client.createReport(body)).rejects.toMatchObject({ status: 400 })
      await expect(client.deleteReport(old.id, 3)).rejects.toMatchObject({ status: 404 })
    } finally {
      client.close()
    }
    expect(violations(sim.requests)).toEqual([])
    expect(templates(sim.requests)).toEqual([
      'DELETE /reports/{report_id}',
      'POST /idp/token',
      'POST /reports',
    ])
  })

  it("holds for the simulator's error answers: OAuth errors from the token endpoint, the Acronis body elsewhere", async () => {
    const { sim, report, client, tenant } = await servers.world()
    const r = report()
    const other = sim.addTenant()
    const foreign = sim.addReport({ parameters: { tenant_id: other.id } })
    const call = api(sim, sim.issueToken(client.clientId))
    const statuses = [
      (await tokenRequest(sim, client.clientId, 'wrong')).status,
      (await tokenRequest(sim, client.clientId, client.secret, 'grant_type=password')).status,
      (await api(sim)(`/reports/${r.id}`)).status,
      (await call('/reports/00000000-0000-4000-8000-000000000000')).status,
      (await call(`/reports/${foreign.id}`)).status,
      (await call(`/reports/${r.id}`, put({ parameters: { kind: 'usage_weekly' } }))).status,
      (await call(`/reports/${r.id}`, put({ schedule: { enabled: false } }, 'text/plain'))).status,
      (await call(`/tenants/${other.id}/reports`)).status,
      (await call(`/search?tenant=${tenant.id}`)).status,
    ]
    expect(statuses).toEqual([401, 400, 401, 404, 403, 400, 415, 403, 400])
    expect(sim.requests.flatMap(answerViolations)).toEqual([])
  })

  const malformed: [string, Fault][] = [
    ['GET without parameters', { method: 'GET', reply: (b: object) => ({ ...b, parameters: undefined }) }],
    ['GET without schedule', { method: 'GET', reply: (b: object) => ({ ...b, schedule: undefined }) }],
    ['GET null', { method: 'GET', reply: null }],
    ['GET an array', { method: 'GET', reply: (b: object) => [b] }],
    ['PUT 200 {}', { method: 'PUT', reply: {} }],
    ['recipients a string', { method: 'GET', reply: (b: object) => ({ ...b, recipients: USER_A }) }],
    [
      'kind outside the enum',
      {
        method: 'GET',
        reply: (b: { parameters: object }) => ({
          ...b,
          parameters: { ...b.parameters, kind: 'usage_quarterly' },
        }),
      },
    ],
    [
      'hide_zero_usage "yes"',
      {
        method: 'GET',
        reply: (b: { parameters: object }) => ({
          ...b,
          parameters: { ...b.parameters, hide_zero_usage: 'yes' },
        }),
      },
    ],
  ]
  it.each(malformed)(
    'is broken by the fault "%s" (the contract sees what the action refuses)',
    async (_, fault) => {
      const { sim, report, client } = await servers.world()
      const r = report()
      const call = api(sim, sim.issueToken(client.clientId))
      sim.clearLog()
      sim.inject({ ...fault, path: `/reports/${r.id}` })
      await call(`/reports/${r.id}`, fault.method === 'PUT' ? put({ schedule: { enabled: false } }) : {})
      expect(sim.requests.flatMap(answerViolations)).not.toEqual([])
    },
  )

  it('sees a request the document does not allow', async () => {
    const { sim, report, client } = await servers.world()
    const r = report()
    const call = api(sim, sim.issueToken(client.clientId))
    await call(`/reports/${r.id}`, put({ version: 2, schedule: { enabled: false } }))
    await call(`/reports/${r.id.toUpperCase()}?expand=all`)
    await api(sim)(`/search?tenant=x&text=y`)
    const [body, path, credentials] = sim.requests.map(requestViolations)
    expect(body).toEqual(['PUT /reports/{report_id} body must NOT have additional properties'])
    expect(path).toEqual([
      'GET /reports/{report_id} path report_id must match pattern "[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}"',
      'GET /reports/{report_id}: query parameter expand is not documented',
    ])
    expect(credentials).toEqual(['GET /search: no credentials of a documented scheme (basicAuth, oauth2)'])
  })

  it('patches the published defects, which would otherwise refuse valid traffic or compile nothing', () => {
    const published = {
      item1: '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([\\+\\-]\\d{2}\\:\\d{2})?',
      authorization: '^Basic [0-9a-zA-Z\\-\\._~+/]*=$',
    }
    expect(() => new Ajv().compile({ type: 'string', pattern: published.item1 })).toThrow(/Invalid escape/)
    expect(() => new Ajv().compile(subset.components.schemas.item1)).not.toThrow()
    const basic = `Basic ${Buffer.from('client:secret').toString('base64')}`
    expect(basic.endsWith('==')).toBe(true)
    expect(new RegExp(published.authorization).test(basic)).toBe(false)
    const header = subset.paths['/idp/token'].post.parameters[0]!.schema.pattern
    expect(new RegExp(header).test(basic)).toBe(true)
  })
})
