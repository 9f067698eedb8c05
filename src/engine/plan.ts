import type { LiveReport, ReportUpdate } from '../acronis/types.js'
import { FIELDS, type Change, type Field, type ResolvedReport, type Shown } from '../model.js'

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

function current(live: LiveReport, field: Field): Shown {
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
    const have = current(live, field)
    if (Array.isArray(want) && Array.isArray(have)) {
      if (!sameSet(want, have)) {
        changes.push({
          field,
          from: label(have, desired.recipientNames),
          to: label(want, desired.recipientNames),
        })
      }
    } else if (want !== have) changes.push({ field, from: have, to: want })
  }
  if (!changes.length) return { changes }
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
 * Every field the PUT accepts, desired where managed and live elsewhere. Whether the API resets an
 * omitted field is undocumented, so the body carries the whole merged state: nothing unmanaged can change.
 */
export function mergedUpdate(desired: ResolvedReport, live: LiveReport): ReportUpdate {
  const p = live.parameters
  const parameters: NonNullable<ReportUpdate['parameters']> = {
    kind: desired.kind ?? p.kind,
    level: desired.level ?? p.level,
  }
  const hide = desired.hide_zero_usage ?? p.hide_zero_usage
  if (hide !== undefined) parameters.hide_zero_usage = hide
  const skus = desired.show_skus ?? p.show_skus
  if (skus !== undefined) parameters.show_skus = skus
  const update: ReportUpdate = { parameters, schedule: { enabled: desired.enabled ?? live.schedule.enabled } }
  // The API takes recipients only when result_action is send.
  if (live.result_action === 'send')
    update.recipients = [...new Set((wanted(desired, 'recipients') as string[]) ?? live.recipients)]
  return update
}
