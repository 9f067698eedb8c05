import type { SourceRef } from './config/errors.js'
import type { DesiredReport } from './config/load.js'

// The domain every stage shares: what a plan is made of and what a run concluded. Stages import
// these types from here, never from each other's modules, so data flows one way.

/** The fields reports.yaml manages, in the order plans list them. */
export const FIELDS = ['kind', 'level', 'recipients', 'enabled', 'hide_zero_usage', 'show_skus'] as const
export type Field = (typeof FIELDS)[number]

/** A value as people read it in a plan; `null` stands for "absent from the live report". */
export type Shown = string | boolean | string[] | null

/** One field that differs: what the API has, what the file wants. */
export interface Change {
  field: Field
  from: Shown
  to: Shown
}

/** A declared report whose recipients are user UUIDs, with the names the file used for them. */
export interface ResolvedReport extends DesiredReport {
  /** Lower-cased user UUIDs, when recipients are managed. */
  recipientIds?: string[]
  /** UUID → the login or email the file wrote, so plans speak the file's language. */
  recipientNames?: ReadonlyMap<string, string>
}

/** What happened to one declared report. Each report has its own; nothing collapses them into a flag. */
export type Status = 'unchanged' | 'updated' | 'would-update' | 'failed'

export interface Outcome {
  id: string
  name?: string
  status: Status
  changes: Change[]
  /** Why it failed: the API's error, a change the API cannot make, or a write that did not stick. */
  error?: string
  at: SourceRef
}

/** Which run produced a report: the renderers say it in their headings. */
export type RunMode = 'plan' | 'apply'

/** Everything the renderers need; they read only this, so every view shows the same plan. */
export interface RunResult {
  mode: RunMode
  config: string
  outcomes: Outcome[]
  /** Set when max-changes stopped an apply. */
  guard?: { count: number; limit: number }
  /** Reports of the tenant that the file does not declare: listed, never changed. */
  unmanaged?: { tenantId: string; ids: string[] }
}

export interface Counts {
  changed: number
  unchanged: number
  failed: number
}

export function countOutcomes(outcomes: readonly Outcome[]): Counts {
  const c: Counts = { changed: 0, unchanged: 0, failed: 0 }
  for (const o of outcomes) {
    if (o.status === 'failed') c.failed++
    else if (o.status === 'unchanged') c.unchanged++
    else c.changed++
  }
  return c
}
