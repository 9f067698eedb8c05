/**
 * The reference client of the benchmark: the floor's calls and nothing else. One token request, one
 * GET per declared report, one PUT per report that differs, at most `--concurrency` in flight over
 * plain node:http keep-alive. No retries, no YAML, no validation, no report: what any client must pay.
 * With `--concurrency 1` it is the sequential script that pays every call's latency in turn.
 *
 *   node scripts/bench/minimal.ts --api http://127.0.0.1:PORT/api/2 --client-id ID --secret S \
 *     --desired desired.json --concurrency 16
 *
 * Standalone on purpose (node: imports only): the benchmark transpiles it to one plain .mjs file, so
 * no bundler or loader start-up is charged to the baseline. Node 24 also runs the .ts as is.
 */
import http from 'node:http'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface Desired {
  id: string
  kind: string
  level: string
  recipients: string[]
  enabled: boolean
  hide_zero_usage: boolean
  show_skus: boolean
}

interface Live {
  recipients: string[]
  parameters: { kind: string; level: string; hide_zero_usage?: boolean; show_skus?: boolean }
  schedule: { enabled: boolean }
}

const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    'client-id': { type: 'string' },
    secret: { type: 'string' },
    desired: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
  },
})
const api = new URL(values.api!)
const concurrency = Number(values.concurrency)
const desired = JSON.parse(readFileSync(values.desired!, 'utf8')) as Desired[]
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
let calls = 0

function call(method: string, path: string, headers: Record<string, string>, body?: string) {
  calls++
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(new URL(api.pathname + path, api), { method, headers, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

const basic = Buffer.from(`${values['client-id']}:${values.secret}`).toString('base64')
const token = await call(
  'POST',
  '/idp/token',
  { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
  'grant_type=client_credentials',
)
if (token.status !== 200) throw new Error(`token: HTTP ${token.status}`)
const auth = { authorization: `Bearer ${(JSON.parse(token.body) as { access_token: string }).access_token}` }

const differs = (d: Desired, r: Live) =>
  r.parameters.kind !== d.kind ||
  r.parameters.level !== d.level ||
  r.parameters.hide_zero_usage !== d.hide_zero_usage ||
  r.parameters.show_skus !== d.show_skus ||
  r.schedule.enabled !== d.enabled ||
  r.recipients.length !== d.recipients.length ||
  r.recipients.some((x, i) => x.toLowerCase() !== d.recipients[i])

let puts = 0
let next = 0
// `concurrency` workers, each one call at a time: in flight never exceeds the limit.
async function worker() {
  while (next < desired.length) {
    const d = desired[next++]!
    const got = await call('GET', `/reports/${d.id}`, auth)
    if (got.status !== 200) throw new Error(`GET ${d.id}: HTTP ${got.status}`)
    if (!differs(d, JSON.parse(got.body) as Live)) continue
    const body = JSON.stringify({
      recipients: d.recipients,
      parameters: {
        kind: d.kind,
        level: d.level,
        hide_zero_usage: d.hide_zero_usage,
        show_skus: d.show_skus,
      },
      schedule: { enabled: d.enabled },
    })
    const put = await call('PUT', `/reports/${d.id}`, { ...auth, 'content-type': 'application/json' }, body)
    if (put.status !== 200) throw new Error(`PUT ${d.id}: HTTP ${put.status}`)
    puts++
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, desired.length) }, worker))
agent.destroy()
console.log(JSON.stringify({ calls, puts }))
