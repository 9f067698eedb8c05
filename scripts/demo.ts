/**
 * `npm run demo`: the action end to end on this machine. Starts the simulator seeded from the repo's
 * own reports.yaml with some drift, runs the bundled action in plan mode, then apply, then apply again,
 * and shows each job summary as GitHub would render it.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseConfig } from '../src/config/load.js'
import { runAction } from '../test/e2e/harness.js'
import { startSimulator } from '../test/simulator/index.js'
import { markdownToTerminal } from './terminal-markdown.js'

const root = path.resolve(import.meta.dirname, '..')
const text = await readFile(path.join(root, 'reports.yaml'), 'utf8')
const desired = parseConfig(text, 'reports.yaml')

const sim = await startSimulator({ latencyMs: 25 })
const tenant = sim.addTenant({ name: 'Demo Partner' })
const client = sim.addClient({ tenantId: tenant.id })
const alice = sim.addUser({ id: 'ca451758-b48a-45d9-9ae6-8f1059f67619', login: 'alice', tenantId: tenant.id })
const billing = sim.addUser({ login: 'billing', email: 'billing@example.com', tenantId: tenant.id })
sim.addUser({ login: 'finance', email: 'finance-team@example.com', tenantId: tenant.id })

// Live state as someone left it in the console: close to the file, but not quite.
const [first, second, third] = desired.reports
if (first)
  sim.addReport({
    id: first.id,
    recipients: [alice.id],
    parameters: { tenant_id: tenant.id, kind: 'usage_summary', level: 'direct_partners' },
  })
if (second)
  sim.addReport({
    id: second.id,
    recipients: [billing.id],
    parameters: {
      tenant_id: tenant.id,
      kind: 'usage_summary',
      level: 'all_customers',
      hide_zero_usage: true,
    },
  })
if (third)
  sim.addReport({
    id: third.id,
    result_action: 'save',
    recipients: [],
    schedule: { type: 'monthly', enabled: true },
    parameters: { tenant_id: tenant.id, kind: 'usage_daily', level: 'accounts', show_skus: true },
  })
for (const r of desired.reports.slice(3)) sim.addReport({ id: r.id, parameters: { tenant_id: tenant.id } })
sim.addReport({ parameters: { tenant_id: tenant.id, kind: 'usage_breakdown' } }) // not declared: listed, never touched
sim.addReport({ parameters: { tenant_id: tenant.id }, schedule: { type: 'once', enabled: true } })

const inputs = { 'base-url': sim.url, 'client-id': client.clientId, 'client-secret': client.secret }
const rule = '═'.repeat(Math.min(process.stdout.columns || 100, 100))
try {
  for (const [mode, note] of [
    ['plan', 'a pull request changes reports.yaml: the action plans and writes nothing'],
    ['apply', 'the pull request is merged: the action applies the plan'],
    ['apply', 'a second apply right after: nothing left to do, no PUT sent'],
  ] as const) {
    sim.clearLog()
    const run = await runAction({ config: text, inputs: { ...inputs, mode } })
    const puts = sim.requests.filter((r) => r.method === 'PUT').length
    console.log(`\n${rule}\n${mode.toUpperCase()}: ${note}\n${rule}\n`)
    console.log(markdownToTerminal(run.summary))
    console.log(
      `\nexit code ${run.code} · ${sim.requests.length} API requests (${puts} PUT) · ${Math.round(run.ms)} ms · outputs: changed=${run.outputs.changed} unchanged=${run.outputs.unchanged} failed=${run.outputs.failed}`,
    )
  }
} finally {
  await sim.close()
}
