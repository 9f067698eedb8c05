import { mkdtemp } from 'node:fs/promises'
import path from 'node:path'
import { startSimulator } from '../../test/simulator/index.js'
import { applyEnv, readOutputs } from './action.js'
import { measure } from './measure.js'
import { seed } from './world.js'

/** One run of the action against a rate limit it was not told. */
export interface RateRow {
  limit: number
  retryAfter: boolean
  wallMs: number
  requests: number
  /** Answers 2xx: the work the limit let through. */
  succeeded: number
  throttled: number
  failedReports: number
  changed: number
}

export interface RateScenario {
  limits: number[]
  retryAfter: boolean[]
  size: number
  latencyMs: number
  concurrency: number
  node: string
  dist: string
  scratch: string
  log: (line: string) => void
}

/**
 * Issue 21's scenario: the simulator enforces a token bucket of L requests a second (burst L) that the
 * action is not told, answering 429 with or without Retry-After; the action applies `size` reports,
 * half drifted. A fresh simulator and tenant per run, so no run inherits another's bucket.
 */
export async function rateLimitRuns(o: RateScenario): Promise<RateRow[]> {
  const rows: RateRow[] = []
  for (const limit of o.limits) {
    for (const retryAfter of o.retryAfter) {
      const sim = await startSimulator({ latencyMs: o.latencyMs })
      try {
        const dir = await mkdtemp(path.join(o.scratch, `rate-${limit}-`))
        const world = await seed(sim, o.size, dir)
        const env = await applyEnv(dir, sim.url, world, o.concurrency)
        o.log(`L = ${limit}/s, 429 ${retryAfter ? 'with' : 'without'} Retry-After, ${o.size} reports…`)
        // Armed after seeding and just before the run: the bucket starts full, as for a quiet API.
        sim.rateLimit({ perSecond: limit, retryAfter })
        const m = await measure(sim, o.node, [o.dist], {
          cwd: dir,
          env,
          label: `rate${limit}`,
          codes: [0, 1],
          timeoutMs: 60 * 60_000,
        })
        sim.rateLimit(null)
        const out = await readOutputs(env.GITHUB_OUTPUT!)
        const statuses = sim.requests.map((r) => r.status)
        const row: RateRow = {
          limit,
          retryAfter,
          wallMs: m.wallMs,
          requests: statuses.length,
          succeeded: statuses.filter((s) => s >= 200 && s < 300).length,
          throttled: statuses.filter((s) => s === 429).length,
          failedReports: Number(out.failed ?? NaN),
          changed: Number(out.changed ?? NaN),
        }
        const left = world.unconverged()
        o.log(
          `  wall ${(row.wallMs / 1000).toFixed(1)} s, ${row.requests} requests, ${row.succeeded} 2xx, ` +
            `${row.throttled} 429, ${row.failedReports} failed reports, ${left} still differ ` +
            `(reason: ${out['failure-reason'] || 'none'})`,
        )
        rows.push(row)
      } finally {
        await sim.close()
      }
    }
  }
  return rows
}

/** Goodput: 2xx answers per second of wall time (spawn to exit). */
export const goodput = (r: RateRow) => r.succeeded / (r.wallMs / 1000)

export function renderRateTable(rows: RateRow[], command: string, caption: string): string {
  const lines = [
    `\`${command}\``,
    '',
    caption,
    '',
    '|   L | 429 answered | Goodput (req/s) | % of L | 429s (% of requests) | Requests | Failed reports | Wall time |',
    '| --: | :----------- | --------------: | -----: | -------------------: | -------: | -------------: | --------: |',
  ]
  for (const r of rows) {
    const g = goodput(r)
    lines.push(
      `| ${r.limit} | ${r.retryAfter ? 'with Retry-After' : 'without'} | ${g.toFixed(1)} | ` +
        `${((g / r.limit) * 100).toFixed(0)}% | ${r.throttled.toLocaleString('en')} ` +
        `(${((r.throttled / r.requests) * 100).toFixed(1)}%) | ${r.requests.toLocaleString('en')} | ` +
        `${r.failedReports} | ${(r.wallMs / 1000).toFixed(1)} s |`,
    )
  }
  return lines.join('\n')
}

/** Issue 21's targets: goodput ≥ 90% of L, 429s ≤ 2% of requests, no failed report. */
export function rateChecks(rows: RateRow[]): [string, boolean][] {
  return rows.flatMap((r): [string, boolean][] => {
    const label = `L=${r.limit} ${r.retryAfter ? 'with' : 'without'} Retry-After`
    const pct = goodput(r) / r.limit
    const share = r.throttled / r.requests
    return [
      [`${label}: goodput ${(pct * 100).toFixed(0)}% of L ≥ 90%`, pct >= 0.9],
      [`${label}: 429s ${(share * 100).toFixed(1)}% of requests ≤ 2%`, share <= 0.02],
      [`${label}: ${r.failedReports} failed reports = 0`, r.failedReports === 0],
    ]
  })
}
