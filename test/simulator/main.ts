/**
 * Standalone simulator for manual exploration:
 *   npx tsx test/simulator/main.ts --port 8080 [--host 127.0.0.1] [--latency 50] [--reports 5]
 * Seeds a partner with one customer, a few users and reports, and prints the client credentials.
 */
import { parseArgs } from 'node:util'
import { startSimulator } from './index.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    latency: { type: 'string', default: '0' },
    reports: { type: 'string', default: '4' },
  },
})

const sim = await startSimulator({
  host: values.host,
  port: Number(values.port),
  latencyMs: Number(values.latency),
})

const partner = sim.addTenant({ name: 'Demo Partner' })
const customer = sim.addTenant({ name: 'Demo Customer', parentId: partner.id })
const client = sim.addClient({ tenantId: partner.id })
const readonly = sim.addClient({ tenantId: partner.id, role: 'readonly_admin' })
const alice = sim.addUser({ login: 'alice', firstname: 'Alice', lastname: 'Admin', tenantId: partner.id })
const bob = sim.addUser({ login: 'bob', email: 'bob@customer.example', tenantId: customer.id })

const kinds = ['usage_summary', 'usage_daily', 'usage_current', 'usage_breakdown'] as const
for (let i = 0; i < Number(values.reports); i++) {
  sim.addReport({
    recipients: i % 2 === 0 ? [alice.id] : [alice.id, bob.id],
    parameters: { tenant_id: partner.id, kind: kinds[i % kinds.length] },
  })
}
// One of each kind the reconciler must refuse to update.
sim.addReport({ parameters: { tenant_id: partner.id }, schedule: { type: 'once', enabled: true } })
sim.addReport({ parameters: { tenant_id: customer.id }, result_action: 'save' })

const token = sim.issueToken(client.clientId)
console.log(`Acronis API simulator listening on ${sim.url} (API root ${sim.apiUrl})
  partner tenant:  ${partner.id}
  customer tenant: ${customer.id}
  admin client:    ${client.clientId}  secret ${client.secret}
  readonly client: ${readonly.clientId}  secret ${readonly.secret}
  reports:         ${sim.reportIds().length}

Try:
  curl -s ${sim.apiUrl}/idp/token -u ${client.clientId}:${client.secret} -d grant_type=client_credentials
  curl -s -H 'Authorization: Bearer ${token}' ${sim.apiUrl}/tenants/${partner.id}/reports
Ctrl-C stops it.`)

const stop = () => {
  void sim.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
