/**
 * npm run bench:pull [-- --size 10000 --latency 0 --concurrency 16]
 *
 * Times the bundled action in mode: pull (node dist/index.js, as the runner starts it) against the
 * simulator: `size` declared reports, every second one changed in the console (scripts/bench/world.ts).
 * Then checks what pull promised: one GET per report and no write to the API, `pulled` equal to the
 * drifted reports, and a plan of the written file with zero changes. Exit code 1 on a miss.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startSimulator } from '../test/simulator/index.js'
import { actionEnv, DIST, readOutputs } from './bench/action.js'
import { defaultNode, measure } from './bench/measure.js'
import { seed } from './bench/world.js'

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '10000' },
    latency: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '16' },
    node: { type: 'string' },
  },
})
const size = Number(values.size)
const node = values.node ?? defaultNode()
const sim = await startSimulator({ latencyMs: Number(values.latency) })
const dir = await mkdtemp(path.join(tmpdir(), 'ars-bench-pull-'))
const misses: string[] = []
try {
  const world = await seed(sim, size, dir)
  const run = async (mode: string) => {
    const env = await actionEnv(dir, {
      mode,
      'base-url': sim.url,
      'client-id': world.clientId,
      'client-secret': world.secret,
      concurrency: values.concurrency,
      'tenant-id': world.tenantId,
    })
    const m = await measure(sim, node, [DIST], { cwd: dir, env, label: mode })
    return { m, out: await readOutputs(path.join(dir, 'output.txt')) }
  }

  const pull = await run('pull')
  const plan = await run('plan')
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
  console.log(
    `pull of ${size.toLocaleString('en')} reports (${world.drifted.toLocaleString('en')} drifted), ` +
      `latency ${values.latency} ms, concurrency ${values.concurrency}, ${path.basename(node)} ${node === process.execPath ? process.version : '(node24)'}:`,
  )
  console.log(
    `  wall ${s(pull.m.wallMs)} (first request at ${pull.m.firstRequestMs.toFixed(0)} ms), ` +
      `peak RSS ${Math.round(pull.m.maxRssKb / 1024)} MB, CPU ${s(pull.m.cpuMs)}, ` +
      `${pull.m.calls} API calls (${Object.entries(pull.m.byMethod)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
  )
  console.log(
    `  then plan: ${pull.out.pulled} pulled → plan changed ${plan.out.changed} (${s(plan.m.wallMs)}, peak RSS ${Math.round(plan.m.maxRssKb / 1024)} MB)`,
  )
  if (pull.m.byMethod.PUT) misses.push(`pull sent ${pull.m.byMethod.PUT} PUTs`)
  if (pull.out.pulled !== String(world.drifted))
    misses.push(`pulled ${pull.out.pulled}, expected ${world.drifted}`)
  if (plan.out.changed !== '0') misses.push(`plan after pull: ${plan.out.changed} changes, expected 0`)
} finally {
  await sim.close()
  await rm(dir, { recursive: true, force: true })
}
for (const m of misses) console.error(`miss: ${m}`)
process.exitCode = misses.length ? 1 : 0
