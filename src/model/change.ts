import { printable } from '../util/log-safe.js'

// What a plan is made of: the fields, a change of one, how every view spells it, where in the file.

/** The fields reports.yaml manages, in the order plans list them. */
export const FIELDS = ['kind', 'level', 'recipients', 'enabled', 'hide_zero_usage', 'show_skus'] as const
export type Field = (typeof FIELDS)[number]

/** Fields an update cannot change: compared on a report, set only when one is created. */
export const IMMUTABLE_FIELDS = ['tenant', 'result_action', 'formats'] as const
/** A field a change can name: a managed one, or one a create sets once. */
export type ChangeField = Field | (typeof IMMUTABLE_FIELDS)[number] | 'id'

/** A value as people read it in a plan; `null` stands for "absent from the live report". */
export type Shown = string | boolean | string[] | null

/** One field that differs: what the API has, what the file wants. */
export interface Change {
  field: ChangeField
  from: Shown
  to: Shown
  /**
   * Recipients shown by the names the file uses: the user UUIDs behind both sides, so that a name which
   * now stands for another user is another change (a reviewed plan compares these, not the names).
   */
  ids?: { from: string[]; to: string[] }
}

/** A value as a plan shows it; control characters from the API appear escaped (`\n`), never raw. */
export function showValue(v: Shown): string {
  if (v === null) return '(unset)'
  if (Array.isArray(v)) return `[${v.map((s) => printable(s)).join(', ')}]`
  return typeof v === 'string' ? printable(v) : String(v)
}

/** `kind: usage_summary → usage_current`: the one way every log, message and renderer spells a change. */
export function showChange(c: Change): string {
  return `${c.field}: ${showValue(c.from)} → ${showValue(c.to)}`
}

/** Several changes on one line, as log lines and messages show them. */
export function showChanges(changes: readonly Change[]): string {
  return changes.map(showChange).join('; ')
}

/** Where something is in a file; line and column are 1-based, as GitHub annotations expect. */
export interface SourceRef {
  file: string
  line: number
  column: number
  endLine?: number
  endColumn?: number
}
