import {
  documented,
  REPORT_KINDS,
  REPORT_LEVELS,
  type LiveReport,
  type ReportUpdate,
} from '../acronis/types.js'
import { FIELDS, type Change, type Field, type Shown } from '../model.js'
import type { ResolvedReport } from './recipients.js'

/** What planning one report concluded: its changes, the PUT that makes them, or why it cannot. */
export interface ReportPlan {
  changes: Change[]
  /** The body to send when there are changes and nothing blocks them. */
  update?: ReportUpdate
  /** Why the API cannot make these changes; the report then fails and nothing is sent. */
  blocked?: string
}

// Recipient lists are short: two inclusions cost less than two Sets, once per report of a large run.
const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.every((v) => b.includes(v)) && b.every((v) => a.includes(v))

/** A managed field's live value, as plans show it. */
export function liveValue(live: LiveReport, field: Field): Shown {
  switch (field) {
    case 'kind':
    case 'level':
      return live.parameters[field]
    case 'hide_zero_usage':
    case 'show_skus':
      return live.parameters[field] ?? null
    case 'enabled':
      return live.schedule.enabled
    case 'recipients':
      return live.recipients.map((r) => r.toLowerCase())
  }
}

function wanted(desired: ResolvedReport, field: Field): Shown | undefined {
  if (field === 'recipients') return desired.recipientIds ?? desired.recipients?.map((r) => r.toLowerCase())
  return desired[field]
}

const label = (ids: readonly string[], names?: ReadonlyMap<string, string>) =>
  [...new Set(ids)].map((id) => names?.get(id) ?? id).sort()

/** Compares one declared report with its live state. Pure, deterministic: fields in FIELDS order. */
export function planReport(desired: ResolvedReport, live: LiveReport): ReportPlan {
  const changes: Change[] = []
  for (const field of FIELDS) {
    const want = wanted(desired, field)
    if (want === undefined) continue
    const have = liveValue(live, field)
    if (Array.isArray(want) && Array.isArray(have)) {
      if (!sameSet(want, have)) {
        const names = desired.recipientNames
        const change: Change = { field, from: label(have, names), to: label(want, names) }
        if (names && [...have, ...want].some((id) => names.has(id)))
          change.ids = { from: [...new Set(have)].sort(), to: [...new Set(want)].sort() }
        changes.push(change)
      }
    } else if (want !== have) changes.push({ field, from: have, to: want })
  }
  const immutable = immutableDifference(desired, live)
  if (immutable) return { changes, blocked: immutable }
  if (!changes.length) return { changes }
  const undocumented = undocumentedValue(live)
  if (undocumented) return { changes, blocked: undocumented }
  if (live.schedule.type !== 'monthly') {
    return {
      changes,
      blocked: `only scheduled reports can be updated (schedule.type is ${live.schedule.type})`,
    }
  }
  if (live.result_action !== 'send' && changes.some((c) => c.field === 'recipients')) {
    return {
      changes,
      blocked: `recipients can only be set on reports whose result_action is send (this one is ${live.result_action})`,
    }
  }
  return { changes, update: mergedUpdate(desired, live) }
}

/**
 * A field an update cannot change (tenant, result_action, formats) that the entry declares otherwise
 * than the report has: the report fails, saying how to replace it.
 */
function immutableDifference(desired: ResolvedReport, live: LiveReport): string | undefined {
  const p = live.parameters
  const differs: [string, string, string][] = []
  if (desired.tenant !== undefined && desired.tenant !== p.tenant_id.toLowerCase())
    differs.push(['tenant', p.tenant_id, desired.tenant])
  if (desired.result_action !== undefined && desired.result_action !== live.result_action)
    differs.push(['result_action', live.result_action, desired.result_action])
  if (desired.formats !== undefined) {
    const want = [...new Set(desired.formats)].sort()
    const have = [...new Set(p.formats)].sort()
    if (want.join() !== have.join()) differs.push(['formats', `[${have.join(', ')}]`, `[${want.join(', ')}]`])
  }
  if (!differs.length) return undefined
  const what = differs.map(([field, from, to]) => `${field} is ${from}, the file says ${to}`).join('; ')
  const fields = differs.map(([field]) => field).join(' and ')
  return `${fields} cannot change by an update (${what}): to replace the report, add a new entry without id with the new value and set \`state: absent\` on this one, in one pull request`
}

/**
 * Why a PUT must not be built from this live report: a kind or level the vendor does not document
 * (every PUT carries both, the live one where the file does not manage it). Newer values are not
 * garbage to export and pull, which show them; a write never sends one back.
 */
function undocumentedValue(live: LiveReport): string | undefined {
  const { kind, level } = live.parameters
  if (!documented(REPORT_KINDS, kind))
    return `the live kind ${JSON.stringify(kind)} is not one the API documents (${REPORT_KINDS.join(', ')}): nothing is sent`
  if (!documented(REPORT_LEVELS, level))
    return `the live level ${JSON.stringify(level)} is not one the API documents (${REPORT_LEVELS.join(', ')}): nothing is sent`
  return undefined
}

/**
 * The documented minimum (the vendor guide's own update example): `parameters.{kind, level}` and, for
 * send reports, `recipients`, each desired where the file manages it and live elsewhere; `schedule.enabled`,
 * `hide_zero_usage` and `show_skus` only when the file manages them and they differ, because the guide
 * says only kind and level can change and a data center that follows it refuses the others.
 * Whether the API keeps or resets what a body leaves out is checked on its answer (apply.ts).
 */
export function mergedUpdate(desired: ResolvedReport, live: LiveReport): ReportUpdate {
  const p = live.parameters
  const kind = desired.kind ?? p.kind
  const level = desired.level ?? p.level
  // planReport refuses an undocumented live kind or level before it asks for a body.
  if (!documented(REPORT_KINDS, kind) || !documented(REPORT_LEVELS, level))
    throw new Error(`no update is built from an undocumented kind or level (${kind}, ${level})`)
  const parameters: NonNullable<ReportUpdate['parameters']> = { kind, level }
  for (const flag of ['hide_zero_usage', 'show_skus'] as const) {
    const want = desired[flag]
    if (want !== undefined && want !== p[flag]) parameters[flag] = want
  }
  const update: ReportUpdate = { parameters }
  if (desired.enabled !== undefined && desired.enabled !== live.schedule.enabled)
    update.schedule = { enabled: desired.enabled }
  // The API takes recipients only when result_action is send.
  if (live.result_action === 'send')
    update.recipients = [
      ...new Set((wanted(desired, 'recipients') as string[] | undefined) ?? live.recipients),
    ]
  return update
}
