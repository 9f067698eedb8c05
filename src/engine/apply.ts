import type { AcronisClient } from '../acronis/client.js'
import { describeError } from '../acronis/errors.js'
import type { LiveReport } from '../acronis/types.js'
import { mapLimit } from '../util/map-limit.js'
import type { Change, Outcome, ResolvedReport, Status } from '../model.js'
import { planReport, type ReportPlan } from './plan.js'

export interface ReconcileOptions {
  /** false: plan only, no PUT is ever sent. */
  write: boolean
  /** Concurrency of the client; twice as many reports are worked on, so a slot never idles while one backs off. */
  concurrency: number
  /** When set, a write that would update more reports than this sends nothing at all. */
  maxChanges?: number
  /** Called once per finished report, for progress on long runs. */
  onOutcome?: (o: Outcome, done: number, total: number) => void
}

export interface Reconciliation {
  outcomes: Outcome[]
  /** Set when max-changes stopped the apply: how many would have changed, and the limit. */
  guard?: { count: number; limit: number }
}

/**
 * GET each declared report, plan it and, when writing, PUT it in the same pipeline, so fetching and
 * updating overlap under the client's one concurrency limit. With max-changes every report is planned
 * before the first PUT, because the guard needs the whole count.
 */
export async function reconcile(
  reports: readonly ResolvedReport[],
  client: AcronisClient,
  options: ReconcileOptions,
): Promise<Reconciliation> {
  const workers = options.concurrency * 2
  let done = 0
  const finish = (o: Outcome) => {
    options.onOutcome?.(o, ++done, reports.length)
    return o
  }
  const pipelined = options.write && options.maxChanges === undefined
  const planned = await mapLimit(reports, workers, async (r) => {
    const p = await fetchAndPlan(r, client)
    if ('outcome' in p) return finish(p.outcome)
    if (!p.plan.update || !options.write) return finish(outcomeOf(r, p.plan, false))
    // With max-changes the PUT waits until every report is planned and counted.
    return pipelined ? finish(await put(r, p.plan, client)) : p
  })
  const pending = planned.filter((p): p is Planned => !('status' in p))
  if (!pending.length) return { outcomes: planned as Outcome[] }

  const count = pending.length
  if (options.maxChanges !== undefined && count > options.maxChanges) {
    const outcomes = planned.map((p) => ('status' in p ? p : finish(outcomeOf(p.report, p.plan, false))))
    return { outcomes, guard: { count, limit: options.maxChanges } }
  }
  const applied = await mapLimit(pending, workers, async (p) => finish(await put(p.report, p.plan, client)))
  const byId = new Map(applied.map((o) => [o.id, o]))
  return { outcomes: planned.map((p) => ('status' in p ? p : byId.get(p.report.id)!)) }
}

interface Planned {
  report: ResolvedReport
  plan: ReportPlan
}

async function fetchAndPlan(
  r: ResolvedReport,
  client: AcronisClient,
): Promise<Planned | { outcome: Outcome }> {
  let live: LiveReport
  try {
    live = await client.getReport(r.id)
  } catch (e) {
    return { outcome: failed(r, [], describeError(e)) }
  }
  return { report: r, plan: planReport(r, live) }
}

function outcomeOf(r: ResolvedReport, plan: ReportPlan, applied: boolean): Outcome {
  if (plan.blocked) return failed(r, plan.changes, plan.blocked)
  const status: Status = !plan.changes.length ? 'unchanged' : applied ? 'updated' : 'would-update'
  return { id: r.id, name: r.name, status, changes: plan.changes, at: r.at }
}

async function put(r: ResolvedReport, plan: ReportPlan, client: AcronisClient): Promise<Outcome> {
  if (!plan.update) return outcomeOf(r, plan, false)
  let after: LiveReport
  try {
    after = await client.updateReport(r.id, plan.update)
  } catch (e) {
    return failed(r, plan.changes, describeError(e))
  }
  // The PUT answers with the report as stored: if it does not show the desired state, say so.
  const left = planReport(r, after).changes
  if (left.length) {
    const what = left.map((c) => `${c.field} is ${JSON.stringify(c.from)}`).join(', ')
    return failed(r, plan.changes, `did not converge: after the update ${what}`)
  }
  return outcomeOf(r, plan, true)
}

function failed(r: ResolvedReport, changes: Change[], error: string): Outcome {
  return { id: r.id, name: r.name, status: 'failed', changes, error, at: r.at }
}
