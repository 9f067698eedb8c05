import type { Change, SourceRef } from './change.js'
import type { Review } from './review.js'

// What a run concluded: one outcome per report, the run's result, why it failed.

/**
 * What happened to one declared report. Each report has its own; nothing collapses them into a flag.
 * `held`: an apply did not write it, because its changes differ from the reviewed plan. `create` and
 * `delete` are what a plan (or a stopped apply) would do; `created` and `deleted` what an apply did.
 */
export type Status =
  | 'unchanged'
  | 'updated'
  | 'would-update'
  | 'create'
  | 'created'
  | 'delete'
  | 'deleted'
  | 'held'
  | 'failed'

export interface Outcome {
  /** The report's id; empty for a report not created (yet). */
  id: string
  name?: string
  /** The entry's position in the file's list (what a reviewed plan keys a report to create by). */
  entry?: number
  /** Something a person should know: a report found but not yet recorded, one already gone. */
  note?: string
  status: Status
  changes: Change[]
  /**
   * Why it failed (the API's error, a change the API cannot make, a write that did not stick), or why
   * it was held (its changes differ from the reviewed plan, or there was none to check against).
   */
  error?: string
  at: SourceRef
  /**
   * A held report's reviewed changes: `[]` when it was reviewed as unchanged, null when only a digest
   * of them was kept; absent when there was no reviewed plan.
   */
  reviewed?: Change[] | null
}

/** Which run produced a report: the renderers say it in their headings. */
type RunMode = 'plan' | 'apply' | 'pull'

/** Everything the renderers need; they read only this, so every view shows the same plan. */
export interface RunResult {
  mode: RunMode
  config: string
  outcomes: Outcome[]
  /** Set when max-changes stopped an apply. */
  overMaxChanges?: { count: number; limit: number }
  /** Set when max-deletes stopped an apply. */
  overMaxDeletes?: { count: number; limit: number }
  /** Reports of the tenant that the file does not declare: listed, never changed. */
  unmanaged?: { tenantId: string; ids: string[] }
  /** Set when an apply was checked against a reviewed plan (reviewed-plan: check or require). */
  review?: Review
  /** Set when the run's time limit (run-timeout-seconds) ended reports: the limit, and how many it ended. */
  runTimeout?: { seconds: number; stopped: number }
}

/** A held report counts in `held` only: neither changed nor failed. Creates and deletes count apart. */
export interface Counts {
  changed: number
  unchanged: number
  failed: number
  held: number
  created: number
  deleted: number
}

export function countOutcomes(outcomes: readonly Outcome[]): Counts {
  const c: Counts = { changed: 0, unchanged: 0, failed: 0, held: 0, created: 0, deleted: 0 }
  for (const o of outcomes) {
    if (o.status === 'failed') c.failed++
    else if (o.status === 'unchanged') c.unchanged++
    else if (o.status === 'held') c.held++
    else if (o.status === 'create' || o.status === 'created') c.created++
    else if (o.status === 'delete' || o.status === 'deleted') c.deleted++
    else c.changed++
  }
  return c
}

/** Whether a run changes (or would change) anything: updates, creates and deletes. */
export function changesAnything(c: Counts): boolean {
  return c.changed + c.created + c.deleted > 0
}

/** How a reviewed plan names a report: its id, or for one to create (no id yet) its entry. */
export function reviewKey(o: Pick<Outcome, 'id' | 'entry'>): string {
  return o.id ? o.id.toLowerCase() : `new:${o.entry ?? -1}`
}

/** Why a run failed, as the `failure-reason` output names it (empty on success). */
export type FailureReason =
  | 'config'
  | 'auth'
  | 'network'
  | 'api'
  | 'run-timeout'
  | 'failed-reports'
  | 'max-changes'
  | 'max-deletes'
  | 'drift'
  | 'plan-changed'

/** A failed run (src/engine/verdict.ts decides it): the reason a workflow can branch on, and the message a person reads. */
export interface Failure {
  reason: FailureReason
  message: string
}
