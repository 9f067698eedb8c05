import type { Outcome } from '../apply.js'
import { countOutcomes } from './format.js'

/** One entry of the `plan` output: a stable, documented JSON shape for other tools. */
export interface PlanEntry {
  id: string
  name: string | null
  status: 'unchanged' | 'update' | 'failed'
  changes: { field: string; from: unknown; to: unknown }[]
  error: string | null
}

export function planEntries(outcomes: readonly Outcome[]): PlanEntry[] {
  return outcomes.map((o) => ({
    id: o.id,
    name: o.name ?? null,
    status: o.status === 'failed' ? 'failed' : o.status === 'unchanged' ? 'unchanged' : 'update',
    changes: o.changes.map(({ field, from, to }) => ({ field, from, to })),
    error: o.error ?? null,
  }))
}

/** The step's outputs, by the names action.yml declares. */
export function renderOutputs(outcomes: readonly Outcome[]): Record<string, string> {
  const c = countOutcomes(outcomes)
  return {
    changed: String(c.changed),
    unchanged: String(c.unchanged),
    failed: String(c.failed),
    'has-changes': String(c.changed > 0),
    plan: JSON.stringify(planEntries(outcomes)),
  }
}
