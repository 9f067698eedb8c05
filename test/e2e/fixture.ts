import { afterAll, afterEach } from 'vitest'
import type { LiveReport } from '../../src/acronis/types.js'
import type { PlanEntry } from '../../src/report/outputs.js'
import { startSimulator, type Simulator } from '../simulator/index.js'

export const USER_A = 'ca451758-b48a-45d9-9ae6-8f1059f67619'
export const USER_B = '0e4bf6a4-3a5e-4f0e-8b5e-1f2d3c4b5a69'

/** A tenant, an admin API client and two users: the world most end-to-end tests start from. */
/** Options of a test's simulator. */
export interface WorldOptions {
  latencyMs?: number
  tokenTtlSeconds?: number
}

export async function world(options: WorldOptions = {}) {
  const sim = await startSimulator(options)
  const tenant = sim.addTenant({ name: 'Acme Partner' })
  const client = sim.addClient({ tenantId: tenant.id })
  sim.addUser({ id: USER_A, login: 'alice', email: 'alice@example.com', tenantId: tenant.id })
  sim.addUser({ id: USER_B, login: 'bob', email: 'Bob@Example.com', tenantId: tenant.id })
  const report = (p: Parameters<Simulator['addReport']>[0] = {}): LiveReport =>
    sim.addReport({ ...p, parameters: { tenant_id: tenant.id, ...p.parameters } })
  const inputs = (extra: Record<string, string> = {}) => ({
    'base-url': sim.url,
    'client-id': client.clientId,
    'client-secret': client.secret,
    ...extra,
  })
  // The command line's credentials, from the environment as a person sets them.
  const env = {
    ACRONIS_BASE_URL: sim.url,
    ACRONIS_CLIENT_ID: client.clientId,
    ACRONIS_CLIENT_SECRET: client.secret,
  }
  return { sim, tenant, client, report, inputs, env }
}

/** reports.yaml text from entries (YAML is a superset of JSON, so each entry is written as JSON). */
export function yaml(entries: Record<string, unknown>[]): string {
  return `reports:\n${entries.map((e) => `  - ${JSON.stringify(e)}`).join('\n')}\n`
}

/**
 * Registers a hook that closes every server the tests opened; `world()` opens one and tracks it. After
 * each test by default; after all of them (`'all'`) in a file whose tests run concurrently, where an
 * afterEach would close the servers of tests still running.
 */
export function worlds(closeAfter: 'each' | 'all' = 'each') {
  let open: { close(): Promise<void> }[] = []
  ;(closeAfter === 'each' ? afterEach : afterAll)(async () => {
    await Promise.all(open.map((o) => o.close()))
    open = []
  })
  return {
    async world(options?: WorldOptions) {
      const w = await world(options)
      open.push(w.sim)
      return w
    },
    track<T extends { close(): Promise<void> }>(server: T): T {
      open.push(server)
      return server
    },
  }
}

/** The PUTs the simulator received, in order. */
export const puts = (sim: Simulator) => sim.requests.filter((r) => r.method === 'PUT')

/** The action's `plan` output, parsed. */
export const planOf = (outputs: Record<string, string>) => JSON.parse(outputs.plan!) as PlanEntry[]
