import type { AcronisClient } from '../acronis/client.js'
import { describeError } from '../acronis/errors.js'
import { RunTimeoutError } from '../http/deadline.js'
import type { LiveReport } from '../acronis/types.js'
import { mapLimit } from '../util/map-limit.js'
import { showChanges, type Change, type Outcome, type ReviewCheck, type Status } from '../model.js'
import type { ResolvedReport } from './recipients.js'
import { planReport, type ReportPlan } from './plan.js'
import { unmanagedChanges } from './returned.js'
import { oneLineJson } from '../util/one-line.js'

interface ReconcileOptions {
  /** false: plan only, no PUT is ever sent. */
  write: boolean
  /** Concurrency of the client; twice as many reports are worked on, so a slot never idles while one backs off. */
  concurrency: number
  /** When set, a write that would update more reports than this sends nothing at all. */
  maxChanges?: number
  /** Writes planned elsewhere (creates, deletes) that count in max-changes with the updates. */
  otherChanges?: number
  /** When set, a write whose changes are not the reviewed ones is held: not sent, and not counted by max-changes. */
  review?: ReviewCheck
  /** Called once per finished report, for progress on long runs. */
  onOutcome?: (o: Outcome, done: number, total: number) => void
}

interface Reconciliation {
  outcomes: Outcome[]
  /** Set when max-changes stopped the apply: how many would have changed, and the limit. */
  overMaxChanges?: { count: number; limit: number }
  /** Set when the run's time limit ended reports: the limit, and how many it ended. */
  runTimeout?: { seconds: number; stopped: number }
}

/** Where one report stands after its GET: finished, or planned with a PUT still to send. */
type Step =
  | { kind: 'done'; outcome: Outcome }
  | { kind: 'to-put'; report: ResolvedReport; plan: ReportPlan; live: LiveReport }

/**
 * GET each declared report, plan it and, when writing, PUT it in the same pipeline, so fetching and
 * updating overlap under the client's one concurrency limit. With max-changes every report is planned
 * before the first PUT, because the limit needs the whole count.
 */
export async function reconcile(
  reports: readonly ResolvedReport[],
  client: AcronisClient,
  options: ReconcileOptions,
): Promise<Reconciliation> {
  const workers = options.concurrency * 2
  let done = 0
  const finish = (o: Outcome): Outcome => {
    options.onOutcome?.(o, ++done, reports.length)
    return o
  }
  const limit = options.maxChanges
  let timeout: { seconds: number; stopped: number } | undefined
  const fail = (r: ResolvedReport, changes: Change[], e: unknown): Outcome => {
    if (e instanceof RunTimeoutError) {
      timeout ??= { seconds: e.seconds, stopped: 0 }
      timeout.stopped++
    }
    return failed(r, changes, describeError(e))
  }
  // Whatever a report's step throws (its GET refused, its answer malformed) fails that report alone:
  // the others still get their outcomes.
  const steps = await mapLimit(reports, workers, async (r): Promise<Step> => {
    try {
      return await fetchAndPlan(r)
    } catch (e) {
      return { kind: 'done', outcome: finish(fail(r, [], e)) }
    }
  })
  async function fetchAndPlan(r: ResolvedReport): Promise<Step> {
    const live = await client.getReport(r.id)
    const plan = planReport(r, live)
    if (!plan.update || !options.write) return { kind: 'done', outcome: finish(outcomeOf(r, plan, false)) }
    const held = options.review?.(r.id, plan.changes)
    if (held)
      return { kind: 'done', outcome: finish({ ...outcomeOf(r, plan, false), status: 'held', ...held }) }
    // With max-changes the PUT waits until every report is planned and counted.
    if (limit !== undefined) return { kind: 'to-put', report: r, plan, live }
    return { kind: 'done', outcome: finish(await put(r, plan, live, client, fail)) }
  }

  const count = steps.reduce((n, s) => (s.kind === 'to-put' ? n + 1 : n), options.otherChanges ?? 0)
  const over = limit !== undefined && count > limit
  // Results by position: each outcome stays where its report is in the file.
  const outcomes = await mapLimit(steps, workers, async (s) => {
    if (s.kind === 'done') return s.outcome
    try {
      return finish(
        over ? outcomeOf(s.report, s.plan, false) : await put(s.report, s.plan, s.live, client, fail),
      )
    } catch (e) {
      return finish(fail(s.report, s.plan.changes, e))
    }
  })
  return {
    outcomes,
    ...(over ? { overMaxChanges: { count, limit } } : {}),
    ...(timeout ? { runTimeout: timeout } : {}),
  }
}

function outcomeOf(r: ResolvedReport, plan: ReportPlan, applied: boolean): Outcome {
  if (plan.blocked) return failed(r, plan.changes, plan.blocked)
  const status: Status = !plan.changes.length ? 'unchanged' : applied ? 'updated' : 'would-update'
  return { id: r.id, name: r.name, entry: r.index, status, changes: plan.changes, at: r.at }
}

/**
 * Sends the PUT and reads its answer field by field: the managed fields must show the file's values,
 * and every other field the value it had before (a server that resets what a body leaves out is caught,
 * with the previous value named so a person can restore it). A refusal fails with the API's own words.
 */
async function put(
  r: ResolvedReport,
  plan: ReportPlan,
  before: LiveReport,
  client: AcronisClient,
  fail: (r: ResolvedReport, changes: Change[], e: unknown) => Outcome,
): Promise<Outcome> {
  if (!plan.update) return outcomeOf(r, plan, false)
  let after: LiveReport
  try {
    after = await client.updateReport(r.id, plan.update)
  } catch (e) {
    return fail(r, plan.changes, e)
  }
  const left = planReport(r, after).changes
  if (left.length) {
    return failed(r, plan.changes, `did not converge: the stored report still differs (${showChanges(left)})`)
  }
  const reset = unmanagedChanges(r, before, after)
  if (reset.length) {
    const what = reset
      .map(
        (c) =>
          `${c.field} was ${oneLineJson(c.was, client.redact)} (now ${oneLineJson(c.now, client.redact)})`,
      )
      .join('; ')
    return failed(
      r,
      plan.changes,
      `the API also changed what the file does not manage: ${what}; restore by hand`,
    )
  }
  return outcomeOf(r, plan, true)
}

function failed(r: ResolvedReport, changes: Change[], error: string): Outcome {
  return { id: r.id, name: r.name, entry: r.index, status: 'failed', changes, error, at: r.at }
}
