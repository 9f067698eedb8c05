import type { LiveReport } from '../acronis/types.js'
import { FIELDS, type Field } from '../model.js'
import type { ResolvedReport } from './recipients.js'

/** Where each field reports.yaml manages sits in a report. */
const PATHS: Record<Field, string> = {
  kind: 'parameters.kind',
  level: 'parameters.level',
  recipients: 'recipients',
  enabled: 'schedule.enabled',
  hide_zero_usage: 'parameters.hide_zero_usage',
  show_skus: 'parameters.show_skus',
}

/** The server's own bookkeeping: every accepted write bumps it. */
const SERVER_OWNED = new Set(['version'])

/** A field of a report that a PUT changed although the file does not manage it. */
export interface UnmanagedChange {
  /** Dotted path, e.g. `parameters.level`. */
  field: string
  /** Its value before the PUT (undefined: absent), so a person can put it back. */
  was: unknown
  now: unknown
}

/** A report as dotted paths to values; an array is one value. */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out)
  } else out.set(prefix, value)
  return out
}

/** Arrays compare as sets, strings in them without case (user UUIDs): the API may reorder them. */
function same(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return a === b
  const norm = (v: unknown[]) =>
    v.map((x) => JSON.stringify(typeof x === 'string' ? x.toLowerCase() : x)).sort()
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b))
}

/**
 * Every field the file does not manage that differs between the report before the PUT and the one the
 * PUT answered, field by field, unknown ones included. Whether the API keeps or resets what a body
 * leaves out is not documented: this is how a run finds out, and says what to restore.
 */
export function unmanagedChanges(
  desired: ResolvedReport,
  before: LiveReport,
  after: LiveReport,
): UnmanagedChange[] {
  const managed = new Set(
    FIELDS.filter((f) => (f === 'recipients' ? desired.recipients : desired[f]) !== undefined).map(
      (f) => PATHS[f],
    ),
  )
  const was = leaves(before, '', new Map())
  const now = leaves(after, '', new Map())
  const out: UnmanagedChange[] = []
  for (const field of new Set([...was.keys(), ...now.keys()])) {
    if (managed.has(field) || SERVER_OWNED.has(field)) continue
    if (!same(was.get(field), now.get(field))) out.push({ field, was: was.get(field), now: now.get(field) })
  }
  return out.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0))
}
