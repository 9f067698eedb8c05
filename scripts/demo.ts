/**
 * `npm run demo`: the action end to end on this machine. Starts the simulator seeded from the repo's
 * own reports.yaml with some drift and the GitHub stand-in, runs the bundled action in plan mode on a
 * pull request, then apply after the merge (one report changed in the console since the review is
 * held), then apply again with reviewed-plan: off, and shows each job summary as GitHub would render it.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseConfig } from '../src/config/load.js'
import { runAction } from '../test/e2e/harness.js'
import { startGitHubStub } from '../test/github/server.js'
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

// The GitHub side: pull request #7, merged as the commit the apply runs on (the harness's GITHUB_SHA).
const gh = await startGitHubStub()
const token = 'ghs_demoTokenOfTheWorkflowRun'
gh.addToken(token, 'write')
const merge = '0123456789abcdef0123456789abcdef01234567'
const head = 'feedfacecafebeef0000000000000000deadbeef'
gh.addPull('acme', 'billing', { number: 7, head, mergeCommit: merge })
gh.addCommit('acme', 'billing', { sha: merge })
const github = { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/billing' }
const pullRequest = { number: 7, pull_request: { number: 7, head: { sha: head } } }
const comment = () =>
  (gh.comments('acme', 'billing', 7)[0]?.body ?? '')
    .split('\n---\n')[0]!
    .split('\n')
    .filter((l) => !l.startsWith('<!--'))
    .join('\n')

const inputs = { 'base-url': sim.url, 'client-id': client.clientId, 'client-secret': client.secret }
const rule = '═'.repeat(Math.min(process.stdout.columns || 100, 100))
interface Step {
  mode: 'plan' | 'apply'
  note: string
  eventName?: string
  before?: () => unknown
  reviewedPlan?: 'check' | 'off'
}
const steps: Step[] = [
  {
    mode: 'plan',
    note: 'a pull request changes reports.yaml: the action plans, writes nothing, and comments the plan',
    eventName: 'pull_request',
  },
  {
    mode: 'apply',
    note: 'merged, but someone changed a report in the console since the review: that one is held, the rest applied',
    before: () => first && sim.patchReport(first.id, { parameters: { level: 'all_customers' } }),
  },
  {
    mode: 'apply',
    note: 'a person looked, and applies it deliberately (workflow_dispatch with reviewed-plan: off)',
    reviewedPlan: 'off',
  },
]
try {
  for (const step of steps) {
    step.before?.()
    sim.clearLog()
    const run = await runAction({
      // The bundle, in a process of its own, as the runner starts it (without it, runAction runs
      // src/main.ts in this process, which only a Vitest worker can do).
      node: process.execPath,
      config: text,
      inputs: {
        ...inputs,
        mode: step.mode,
        'github-token': token,
        'reviewed-plan': step.reviewedPlan ?? 'check',
      },
      eventName: step.eventName ?? 'push',
      event: step.eventName ? pullRequest : undefined,
      env: github,
    })
    const puts = sim.requests.filter((r) => r.method === 'PUT').length
    console.log(`\n${rule}\n${step.mode.toUpperCase()}: ${step.note}\n${rule}\n`)
    console.log(markdownToTerminal(run.summary))
    console.log(
      `\nexit code ${run.code} · ${sim.requests.length} API requests (${puts} PUT) · ${Math.round(run.ms)} ms · outputs: changed=${run.outputs.changed} held=${run.outputs.held} failed=${run.outputs.failed} failure-reason=${run.outputs['failure-reason'] || '(none)'}`,
    )
    if (step.mode === 'plan' || step.reviewedPlan !== 'off') {
      console.log(`\nThe pull request's plan comment now begins:\n\n${markdownToTerminal(comment())}`)
    }
  }
} finally {
  await Promise.all([sim.close(), gh.close()])
}

console.log(`
${rule}
NEXT: the command line against the simulator, on your own (README: "Try the CLI against the simulator")
${rule}

  npm run simulator -- --state .tmp/simulator.json   # keeps its reports across restarts

It prints an "export ACRONIS_BASE_URL=… ACRONIS_CLIENT_ID=… ACRONIS_CLIENT_SECRET=…" line: paste it in
another shell, then:

  npx acronis-report-sync export -o .tmp/reports.yaml   # the simulated tenant as a file
  npx acronis-report-sync plan -c .tmp/reports.yaml     # change a kind or a recipient first
  npx acronis-report-sync apply -c .tmp/reports.yaml
`)
