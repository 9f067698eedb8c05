import { changesAnything, countOutcomes, type Change, type Outcome } from '../model.js'

/** One entry of the `plan` output: a stable, documented JSON shape for other tools. */
export interface PlanEntry {
  id: string
  name: string | null
  status: 'unchanged' | 'update' | 'create' | 'delete' | 'held' | 'failed'
  changes: PlanChange[]
  error: string | null
  /** A report to create (no id yet): its entry's position in the file's list, for a reviewed plan. */
  entry?: number
  /** Something to know: a report found but not recorded in the file, one already gone. */
  note?: string
  /** Held entries only: the reviewed changes, or null when only a digest of them was kept (or none was found). */
  reviewed?: PlanChange[] | null
}

/** A change in the `plan` output; `ids` only for recipients shown by name: the user UUIDs behind them. */
interface PlanChange {
  field: string
  from: unknown
  to: unknown
  ids?: { from: string[]; to: string[] }
}

const STATUS: Record<Outcome['status'], PlanEntry['status']> = {
  unchanged: 'unchanged',
  'would-update': 'update',
  updated: 'update',
  create: 'create',
  created: 'create',
  delete: 'delete',
  deleted: 'delete',
  held: 'held',
  failed: 'failed',
}

const plain = (changes: readonly Change[]) =>
  changes.map(
    ({ field, from, to, ids }): PlanChange => (ids ? { field, from, to, ids } : { field, from, to }),
  )

/** The `plan` output's entry for one report. */
export function planEntry(o: Outcome): PlanEntry {
  const entry: PlanEntry = {
    id: o.id,
    name: o.name ?? null,
    status: STATUS[o.status],
    changes: plain(o.changes),
    error: o.error ?? null,
  }
  if (o.status === 'create') entry.entry = o.entry
  if (o.note) entry.note = o.note
  if (o.status === 'held') entry.reviewed = o.reviewed ? plain(o.reviewed) : null
  return entry
}

/**
 * The `plan` output, a JSON array of every report's entry, in parts of a few hundred entries: 10,000
 * reports make ~1.5 MB of JSON, which then never has to exist as one string (nor as 10,000 entries).
 */
export function* planJsonParts(outcomes: readonly Outcome[], perPart = 500): Generator<string> {
  yield '['
  for (let i = 0; i < outcomes.length; i += perPart) {
    const json = JSON.stringify(outcomes.slice(i, i + perPart).map(planEntry))
    yield (i ? ',' : '') + json.slice(1, -1)
  }
  yield ']'
}

/** The step's outputs but `plan` (action.yml's names): counts, small enough to set as they are. */
export function countOutputs(outcomes: readonly Outcome[]): Record<string, string> {
  const c = countOutcomes(outcomes)
  return {
    changed: String(c.changed),
    unchanged: String(c.unchanged),
    failed: String(c.failed),
    held: String(c.held),
    created: String(c.created),
    deleted: String(c.deleted),
    'has-changes': String(changesAnything(c) || c.held > 0),
  }
}
