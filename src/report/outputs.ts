import { type Outcome } from '../model.js'
import { countOutcomes } from '../model.js'

/** One entry of the `plan` output: a stable, documented JSON shape for other tools. */
export interface PlanEntry {
  id: string
  name: string | null
  status: 'unchanged' | 'update' | 'failed'
  changes: { field: string; from: unknown; to: unknown }[]
  error: string | null
}

/** The `plan` output's entry for one report. */
export function planEntry(o: Outcome): PlanEntry {
  return {
    id: o.id,
    name: o.name ?? null,
    status: o.status === 'failed' ? 'failed' : o.status === 'unchanged' ? 'unchanged' : 'update',
    changes: o.changes.map(({ field, from, to }) => ({ field, from, to })),
    error: o.error ?? null,
  }
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
    'has-changes': String(c.changed > 0),
  }
}
