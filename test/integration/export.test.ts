import { afterEach, describe, expect, it } from 'vitest'
import { AcronisClient } from '../../src/acronis/client.js'
import { apiRoot } from '../../src/acronis/url.js'
import { readTenant, renderExport } from '../../src/engine/tenant-export.js'
import { startSimulator, type Simulator } from '../simulator/index.js'

let open: { close(): unknown }[] = []
afterEach(async () => {
  await Promise.all(open.map((o) => o.close()))
  open = []
})

async function setup() {
  const sim: Simulator = await startSimulator()
  const tenant = sim.addTenant()
  const c = sim.addClient({ tenantId: tenant.id })
  const client = new AcronisClient(
    apiRoot(sim.url),
    { clientId: c.clientId, clientSecret: c.secret },
    {
      concurrency: 2,
      timeoutMs: 2000,
    },
  )
  open.push(sim, client)
  return { sim, client, tenantId: tenant.id }
}

const options = { schema: 'https://example.com/reports.schema.json', generator: 'test' }
const count = (text: string, id: string) => text.split(`- id: ${id}`).length - 1

describe('export', () => {
  it('never lists an id twice: a repeated id is read once, a report answered for another id is not exported', async () => {
    const { sim, client, tenantId } = await setup()
    const [a, b] = [sim.addReport(), sim.addReport()]
    sim.inject({
      path: `/tenants/${tenantId}/reports`,
      reply: { items: [a.id, b.id, a.id.toUpperCase(), a.id] },
    })
    // b's GET answers a: the same report would otherwise appear twice.
    sim.inject({ method: 'GET', path: `/reports/${b.id}`, reply: sim.getReport(a.id) })
    const read = await readTenant(client, tenantId, { concurrency: 2, byLogin: false })
    expect(read.reports.map((r) => r.id)).toEqual([a.id])
    expect(read.failures).toEqual([
      {
        id: b.id,
        error: `GET /reports/${b.id} → 200 invalid_response: the API answered report ${a.id} for report ${b.id}`,
      },
    ])
    const text = renderExport(read, options).text
    expect([count(text, a.id), count(text, b.id)]).toEqual([1, 0])
    expect(sim.requests.filter((r) => r.path === `/api/2/reports/${a.id}`)).toHaveLength(1)
  })
})
