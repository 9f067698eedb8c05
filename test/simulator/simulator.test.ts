import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acronisError, api, tokenRequest } from './harness.js'
import { startSimulator, type SimTenant, type Simulator } from './index.js'

let sim: Simulator
let partner: SimTenant
let customer: SimTenant
let sibling: SimTenant
let admin: { clientId: string; secret: string }
let call: ReturnType<typeof api>

beforeAll(async () => {
  sim = await startSimulator()
  partner = sim.addTenant({ name: 'Partner Inc' })
  customer = sim.addTenant({ name: 'Customer GmbH', parentId: partner.id })
  sibling = sim.addTenant({ name: 'Elsewhere Ltd' })
  admin = sim.addClient({ tenantId: partner.id })
  call = api(sim, sim.issueToken(admin.clientId))
})
afterAll(() => sim.close())

describe('POST /idp/token', () => {
  it('issues a bearer token for HTTP Basic credentials and remembers its client', async () => {
    const before = Math.floor(Date.now() / 1000)
    const response = await tokenRequest(sim, admin.clientId, admin.secret)
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 7200 })
    expect(String(body.access_token).length).toBeGreaterThanOrEqual(40)
    expect(body.expires_on).toBeGreaterThanOrEqual(before + 7200)
    const client = await api(sim, String(body.access_token))(`/clients/${admin.clientId}`)
    expect(await client.json()).toMatchObject({
      client_id: admin.clientId,
      tenant_id: partner.id,
      type: 'api_client',
      status: 'enabled',
      token_endpoint_auth_method: 'client_secret_basic',
      last_access_from_ip: '127.0.0.1',
    })
  })

  it('accepts client_id and client_secret as form fields', async () => {
    const response = await fetch(`${sim.apiUrl}/idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${admin.clientId}&client_secret=${admin.secret}`,
    })
    expect(response.status).toBe(200)
  })

  it('answers OAuth errors: invalid_client, unsupported_grant_type, invalid_request', async () => {
    const wrongSecret = await tokenRequest(sim, admin.clientId, 'nope')
    expect(wrongSecret.status).toBe(401)
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' })
    const unknown = await tokenRequest(sim, 'no-such-client', admin.secret)
    expect([unknown.status, ((await unknown.json()) as { error: string }).error]).toEqual([
      401,
      'invalid_client',
    ])
    const grant = await tokenRequest(sim, admin.clientId, admin.secret, 'grant_type=password')
    expect([grant.status, ((await grant.json()) as { error: string }).error]).toEqual([
      400,
      'unsupported_grant_type',
    ])
    const json = await fetch(`${sim.apiUrl}/idp/token`, { method: 'POST', body: '{}' })
    expect([json.status, ((await json.json()) as { error: string }).error]).toEqual([400, 'invalid_request'])
  })
})

describe('bearer authentication', () => {
  it('answers 401 with the Acronis error body without a token or with an unknown one', async () => {
    const missing = await api(sim)(`/tenants/${partner.id}/reports`)
    expect(missing.status).toBe(401)
    expect(await acronisError(missing)).toMatchObject({ code: 401, domain: 'PlatformAccountServer' })
    expect((await api(sim, 'x'.repeat(48))(`/tenants/${partner.id}/reports`)).status).toBe(401)
  })

  it('expireTokens() invalidates every token issued so far, not later ones', async () => {
    const token = sim.issueToken(admin.clientId)
    expect((await api(sim, token)(`/tenants/${partner.id}/reports`)).status).toBe(200)
    sim.expireTokens()
    expect((await api(sim, token)(`/tenants/${partner.id}/reports`)).status).toBe(401)
    call = api(sim, sim.issueToken(admin.clientId))
    expect((await call(`/tenants/${partner.id}/reports`)).status).toBe(200)
  })

  it('expires tokens after tokenTtlSeconds', async () => {
    sim.tokenTtlSeconds = 0.05
    const token = sim.issueToken(admin.clientId)
    sim.tokenTtlSeconds = 7200
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect((await api(sim, token)(`/clients/${admin.clientId}`)).status).toBe(401)
  })
})

describe('reports: reads', () => {
  it('lists the ids of one tenant only, and serves each report as seeded', async () => {
    const mine = sim.addReport({ parameters: { tenant_id: customer.id, hide_zero_usage: undefined } })
    sim.addReport({ parameters: { tenant_id: partner.id } })
    const list = (await (await call(`/tenants/${customer.id}/reports`)).json()) as { items: string[] }
    expect(list.items).toEqual([mine.id])
    const report = (await (await call(`/reports/${mine.id}`)).json()) as Record<string, unknown>
    expect(report).toEqual(sim.getReport(mine.id))
    expect(report.parameters).not.toHaveProperty('hide_zero_usage')
    expect(report).toMatchObject({ version: 1, schedule: { type: 'monthly', enabled: true } })
  })

  it('answers 404 for unknown reports and tenants, 403 outside the token tenant subtree', async () => {
    const foreign = sim.addReport({ parameters: { tenant_id: sibling.id } })
    expect((await call('/reports/00000000-0000-4000-8000-000000000000')).status).toBe(404)
    expect((await call('/tenants/00000000-0000-4000-8000-000000000000/reports')).status).toBe(404)
    const forbidden = await call(`/reports/${foreign.id}`)
    expect(forbidden.status).toBe(403)
    expect((await acronisError(forbidden)).code).toBe(403)
    expect((await call(`/tenants/${sibling.id}/reports`)).status).toBe(403)
  })

  it('answers 404 for unknown routes and 405 with Allow for a wrong method', async () => {
    expect((await call('/nothing/here')).status).toBe(404)
    expect((await fetch(`${sim.url}/api/3/reports`)).status).toBe(404)
    const wrong = await call(`/tenants/${partner.id}/reports`, { method: 'DELETE' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
    expect((await acronisError(wrong)).code).toBe(405)
  })
})

describe('users and search', () => {
  let alice: string
  let bob: string
  beforeAll(() => {
    alice = sim.addUser({ login: 'alice', firstname: 'Alice', lastname: 'Liddell', tenantId: partner.id }).id
    bob = sim.addUser({ login: 'bob', email: 'Bob@Customer.example', tenantId: customer.id }).id
    sim.addUser({ login: 'carol', email: 'carol@customer.example', tenantId: sibling.id })
  })

  it('GET /users returns known users with contact, omitting unknown ids', async () => {
    const response = await call(`/users?uuids=${alice},00000000-0000-4000-8000-000000000000,${bob}`)
    const { items } = (await response.json()) as { items: { id: string }[] }
    expect(items.map((u) => u.id)).toEqual([alice, bob])
    expect(items[1]).toMatchObject({
      id: bob,
      login: 'bob',
      tenant_id: customer.id,
      contact: { email: 'Bob@Customer.example', firstname: '', lastname: '' },
      enabled: true,
      version: 1,
      activated: true,
      deleted_at: null,
    })
  })

  it('GET /users rejects a missing list and more than 100 ids', async () => {
    expect((await call('/users')).status).toBe(400)
    const ids = Array.from(
      { length: 101 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    )
    expect((await call(`/users?uuids=${ids.join(',')}`)).status).toBe(400)
    expect((await call(`/users?uuids=${ids.slice(1).join(',')}`)).status).toBe(200)
  })

  it('GET /search matches email, login and names case-insensitively, without emails, in the subtree', async () => {
    const search = async (tenant: string, text: string, limit = '') => {
      const response = await call(`/search?tenant=${tenant}&text=${encodeURIComponent(text)}${limit}`)
      return ((await response.json()) as { items: Record<string, unknown>[] }).items
    }
    const byEmail = await search(partner.id, 'CUSTOMER.EXAMPLE')
    const none = { first_name: null, last_name: null, deleted_at: null }
    expect(byEmail).toEqual([
      {
        obj_type: 'user',
        id: bob,
        login: 'bob',
        parent_id: customer.id,
        path: ['Partner Inc', 'Customer GmbH'],
        ...none,
      },
    ])
    expect((await search(partner.id, 'liddell'))[0]).toMatchObject({
      id: alice,
      first_name: 'Alice',
      last_name: 'Liddell',
      path: ['Partner Inc'],
    })
    expect(await search(partner.id, 'gmbh')).toEqual([
      {
        obj_type: 'tenant',
        id: customer.id,
        name: 'Customer GmbH',
        parent_id: partner.id,
        path: ['Partner Inc'],
        ...none,
      },
    ])
    expect(await search(customer.id, 'alice')).toEqual([])
    for (let i = 0; i < 12; i++) sim.addUser({ login: `bulk${i}`, tenantId: customer.id })
    expect(await search(partner.id, 'bulk')).toHaveLength(10)
    expect(await search(partner.id, 'bulk', '&limit=3')).toHaveLength(3)
    expect((await call(`/search?tenant=${sibling.id}&text=carol`)).status).toBe(403)
    expect((await call(`/search?tenant=${partner.id}`)).status).toBe(400)
  })

  it('GET /tenants/{id}/users lists the direct users of a tenant', async () => {
    const { items } = (await (await call(`/tenants/${partner.id}/users`)).json()) as { items: string[] }
    expect(items).toEqual([alice])
    expect((await call(`/tenants/${sibling.id}/users`)).status).toBe(403)
  })
})
