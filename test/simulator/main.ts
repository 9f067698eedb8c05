/**
 * `npm run simulator -- [--port 8080] [--host 127.0.0.1] [--latency 50] [--reports 4] [--state FILE]
 *   [--rate-limit L[,burst]] [--no-retry-after]`:
 * the Acronis API simulator on a port, to try the command line without an Acronis account. Seeds a
 * partner with one customer, a few users and reports, and prints the lines that point the command
 * line at it. With --state FILE the world is read from FILE when it exists (else seeded and written
 * there), and written again after every update, so reports keep their changes across restarts.
 * With --rate-limit it refuses requests beyond L a second (a token bucket holding `burst`, default L)
 * with 429 and Retry-After, or without Retry-After given --no-retry-after: the action is not told.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startSimulator, type SimState, type Simulator } from './index.js'
import { parseRateLimit } from './rate-limit.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    latency: { type: 'string', default: '0' },
    reports: { type: 'string', default: '4' },
    state: { type: 'string' },
    'rate-limit': { type: 'string' },
    'no-retry-after': { type: 'boolean', default: false },
  },
})
const rateLimit = values['rate-limit'] === undefined ? undefined : parseRateLimit(values['rate-limit'])
if (rateLimit) rateLimit.retryAfter = !values['no-retry-after']

const stateFile = values.state
function save(sim: Simulator): void {
  if (!stateFile) return
  // Written whole and renamed, so a stop mid-write never leaves half a file.
  mkdirSync(path.dirname(stateFile), { recursive: true })
  writeFileSync(`${stateFile}.tmp`, JSON.stringify(sim.snapshot(), null, 2) + '\n')
  renameSync(`${stateFile}.tmp`, stateFile)
}

const sim: Simulator = await startSimulator({
  host: values.host,
  port: Number(values.port),
  latencyMs: Number(values.latency),
  onWrite: () => save(sim),
  rateLimit,
}).catch((e: NodeJS.ErrnoException) => {
  // A port taken (another simulator, say) is a setting to change, not a crash: one line, what to do.
  if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') throw e
  const why = e.code === 'EADDRINUSE' ? 'is in use' : 'is not allowed for this user'
  console.error(
    `simulator: port ${values.port} on ${values.host} ${why}; pick another with --port N, or --port 0 for any free port`,
  )
  process.exit(1)
})

const restored = stateFile !== undefined && existsSync(stateFile)
if (restored) sim.restore(JSON.parse(readFileSync(stateFile, 'utf8')) as SimState)
else {
  seed(sim, Number(values.reports))
  save(sim)
}

/** A partner with a customer, an admin and a read-only client, two users, and reports of every kind. */
function seed(sim: Simulator, reports: number): void {
  const partner = sim.addTenant({ name: 'Demo Partner' })
  const customer = sim.addTenant({ name: 'Demo Customer', parentId: partner.id })
  sim.addClient({ tenantId: partner.id })
  sim.addClient({ tenantId: partner.id, role: 'readonly_admin' })
  const alice = sim.addUser({ login: 'alice', firstname: 'Alice', lastname: 'Admin', tenantId: partner.id })
  const bob = sim.addUser({ login: 'bob', email: 'bob@customer.example', tenantId: customer.id })
  const kinds = ['usage_summary', 'usage_daily', 'usage_current', 'usage_breakdown'] as const
  for (let i = 0; i < reports; i++) {
    sim.addReport({
      recipients: i % 2 === 0 ? [alice.id] : [alice.id, bob.id],
      parameters: { tenant_id: partner.id, kind: kinds[i % kinds.length] },
    })
  }
  // One of each kind the reconciler must refuse to update.
  sim.addReport({ parameters: { tenant_id: partner.id }, schedule: { type: 'once', enabled: true } })
  sim.addReport({ parameters: { tenant_id: customer.id }, result_action: 'save' })
}

const world = sim.snapshot()
const admin = world.clients.find((c) => c.role === 'admin')!
const readonly = world.clients.find((c) => c.role === 'readonly_admin')
const limit = rateLimit
  ? `; at most ${rateLimit.perSecond} requests a second (burst ${rateLimit.burst ?? Math.max(1, rateLimit.perSecond)}), 429 ${rateLimit.retryAfter ? 'with' : 'without'} Retry-After beyond`
  : ''
const state = stateFile
  ? `${restored ? 'read from' : 'written to'} ${stateFile}`
  : 'not kept (add --state FILE)'
console.log(`Acronis API simulator on ${sim.url}: ${world.reports.length} reports, ${world.users.length} users; state ${state}${limit}

Paste into a shell to point the command line at it:

  export ACRONIS_BASE_URL=${sim.url} ACRONIS_CLIENT_ID=${admin.clientId} ACRONIS_CLIENT_SECRET=${admin.secret}

Then, from this checkout (.tmp/ is a scratch directory git ignores):

  npx acronis-report-sync export -o .tmp/reports.yaml     # the tenant's reports as a file
  npx acronis-report-sync plan -c .tmp/reports.yaml       # edit the file first: what apply would change
  npx acronis-report-sync apply -c .tmp/reports.yaml

Users to name as recipients: ${world.users.map((u) => `${u.login} (${u.email})`).join(', ')}.${
  readonly ? `\nA read-only client, to see a refused update: ${readonly.clientId} / ${readonly.secret}` : ''
}
Ctrl-C stops it.`)

const stop = () => {
  void sim.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
