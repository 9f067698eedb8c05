import { documented, REPORT_KINDS, REPORT_LEVELS, type LiveReport } from '../acronis/types.js'
import { MAX_ITEMS } from './limits.js'
import type { DesiredReport } from './validate.js'
import { commentValue, yamlScalar } from './scalar.js'
import { count } from '../util/plural.js'

/** The values of an entry that reading gives back: what a written entry is compared with. */
export type EntryValues = Pick<
  DesiredReport,
  'id' | 'name' | 'kind' | 'level' | 'recipients' | 'enabled' | 'hide_zero_usage' | 'show_skus'
>

/** One live report as a reports.yaml entry: the values it declares, and its lines. */
export interface EntryText {
  values: EntryValues
  /** A comment of its read-only attributes, then `- id:`, both at column 0, its keys indented by 2. */
  lines: string[]
}

/** A live report no entry can hold as it is, and why: it is listed, not written. */
export interface Unwritable {
  id: string
  reason: string
}

/** Recipients a reports.yaml may manage: the API takes them only when result_action is send. */
export function writable(r: LiveReport): string[] | undefined {
  return r.result_action === 'send' ? r.recipients : undefined
}

function readOnly(r: LiveReport): string {
  const formats = r.parameters.formats.map(commentValue).join(', ')
  const parts = [
    `schedule ${commentValue(r.schedule.type)}`,
    `result action ${commentValue(r.result_action)}${r.result_action === 'send' ? '' : ' (recipients not managed)'}`,
    `formats ${formats || 'none'}`,
  ]
  return `read-only: ${parts.join(' · ')}`
}

/**
 * One scheduled report as a reports.yaml entry holding its live values (recipients by login where
 * `logins` names one), so a plan of it shows no changes. Every value is written by yamlScalar. A report
 * with more recipients than a list may hold cannot be written: it is returned as Unwritable.
 */
export function entryText(r: LiveReport, logins?: ReadonlyMap<string, string>): EntryText | Unwritable {
  const id = r.id.toLowerCase()
  const recipients = writable(r)
  if (recipients && recipients.length > MAX_ITEMS) {
    const reason = `${count(recipients.length)} recipients; a list in reports.yaml holds at most ${count(MAX_ITEMS)}`
    return { id, reason }
  }
  const values: EntryValues = { id }
  const lines = [`# ${readOnly(r)}`, `- id: ${yamlScalar(r.id)}`]
  // A value newer than this version's schema would make the file invalid: leave it unmanaged.
  for (const [key, known] of [
    ['kind', REPORT_KINDS],
    ['level', REPORT_LEVELS],
  ] as const) {
    const value = r.parameters[key]
    if (documented<string>(known, value)) {
      lines.push(`  ${key}: ${yamlScalar(value)}`)
      Object.assign(values, { [key]: value })
    } else lines.push(`  # not supported by this version, so not managed: ${key}: ${commentValue(value)}`)
  }
  if (recipients) {
    values.recipients = recipients.map((u) => logins?.get(u.toLowerCase()) ?? u)
    if (!recipients.length) lines.push('  recipients: []')
    else lines.push('  recipients:', ...values.recipients.map((v) => `    - ${yamlScalar(v)}`))
  }
  values.enabled = r.schedule.enabled
  lines.push(`  enabled: ${r.schedule.enabled}`)
  // Absent from the live report means absent here: declaring a value would plan a change.
  for (const key of ['hide_zero_usage', 'show_skus'] as const) {
    const value = r.parameters[key]
    if (value === undefined) continue
    values[key] = value
    lines.push(`  ${key}: ${value}`)
  }
  return { values, lines }
}
