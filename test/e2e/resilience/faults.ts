import type { LiveReport } from '../../../src/acronis/types.js'
import type { PlanEntry } from '../../../src/report/outputs.js'
import type { LoggedRequest, Simulator } from '../../simulator/index.js'
import { worlds, type WorldOptions } from '../fixture.js'
import type { RunResult } from '../harness.js'

// The action under faults, in files by theme: each is one worker's, so the waits the scenarios ask for
// (backoffs, Retry-After, timeouts) pass side by side rather than one after another.

/** `setup(options?)` for a file's scenarios: a world of its own each, closed after the test. */
export function faults() {
  const servers = worlds()
  return async (options?: WorldOptions) => {
    const w = await servers.world(options)
    // A report whose live kind differs from the one desired below: every run has something to PUT.
    const drifted = () => w.report({ parameters: { kind: 'usage_summary' } })
    return { ...w, drifted }
  }
}

export const want = (r: LiveReport) => ({ id: r.id, kind: 'usage_daily' })
export const to = (sim: Simulator, method: string, id: string) =>
  sim.requests.filter((q) => q.method === method && q.path === `/api/2/reports/${id}`)
export const tokens = (sim: Simulator) => sim.requests.filter((q) => q.path === '/api/2/idp/token')
export const statuses = (requests: LoggedRequest[]) => requests.map((q) => q.status)
export const gap = (a: LoggedRequest, b: LoggedRequest) => b.startedAt - a.startedAt
export const plan = (r: RunResult) =>
  new Map((JSON.parse(r.outputs.plan!) as PlanEntry[]).map((e) => [e.id, e]))
/** The HTTP status an outcome's error names (`PUT /reports/… → 503: …`); 0 when it names none. */
export const failedWith = (r: RunResult, id: string) =>
  Number(/→ (\d{3})/.exec(plan(r).get(id)?.error ?? '')?.[1] ?? 0)

export async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}
