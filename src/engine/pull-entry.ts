import { documented, REPORT_KINDS, REPORT_LEVELS, type LiveReport } from '../acronis/types.js'
import type { EntryEdit, RecipientsEdit, ScalarField } from '../config/edit.js'
import type { DesiredReport } from '../config/validate.js'
import { FIELDS, type Change, type Field, type Note, type SourceRef } from '../model.js'
import { noun } from '../util/plural.js'
import { matchesOf, type NameMatches } from './recipients.js'

/**
 * What one entry of the file should become: its changes (`from` the file's value, `to` the live one,
 * as the file will hold it), the edit that makes them, and what is only listed.
 */
export interface EntryPull {
  changes: Change[]
  edit?: EntryEdit
  notes: Note[]
  /** Live recipients the file gains, as UUIDs (they are written as `label` turns them). */
  appended: string[]
}

const KNOWN: Partial<Record<Field, readonly string[]>> = { kind: REPORT_KINDS, level: REPORT_LEVELS }

function liveValue(live: LiveReport, field: ScalarField): string | boolean | undefined {
  switch (field) {
    case 'kind':
    case 'level':
    case 'hide_zero_usage':
    case 'show_skus':
      return live.parameters[field]
    case 'enabled':
      return live.schedule.enabled
  }
}

/**
 * Compares one entry with its live report the other way round from planReport: the file follows the
 * tenant, for the fields the entry manages and only those. Pure.
 */
export function pullEntry(
  index: number,
  desired: DesiredReport,
  live: LiveReport,
  names: NameMatches,
  label: (id: string) => string = (id) => id,
): EntryPull {
  const changes: Change[] = []
  const notes: Note[] = []
  const scalars: EntryEdit['scalars'] = {}
  let recipients: RecipientsEdit | undefined
  let appended: string[] = []
  const note = (field: Field, message: string, written = false, at = desired.at) =>
    notes.push({ id: desired.id, field, message, written, at })

  for (const field of FIELDS) {
    if (field === 'recipients') {
      const pulled = pullRecipients(desired, live, names, label, note)
      if (pulled) {
        changes.push(pulled.change)
        recipients = pulled.edit
        appended = pulled.appended
      }
      continue
    }
    const have = desired[field]
    if (have === undefined) continue
    const value = liveValue(live, field)
    if (value === have) continue
    if (value === undefined) {
      // Dropping the key would make the field unmanaged without anyone deciding it.
      note(field, `the live report does not carry ${field}; left as ${have}`)
    } else if (KNOWN[field] && !documented(KNOWN[field], String(value))) {
      note(field, `live value "${value}" is not one this version's schema allows; left as ${have}`)
    } else {
      changes.push({ field, from: have, to: value })
      scalars[field] = value
    }
  }
  if (!changes.length) return { changes, notes, appended }
  return { changes, notes, appended, edit: { index, scalars, recipients } }
}

function pullRecipients(
  desired: DesiredReport,
  live: LiveReport,
  names: NameMatches,
  label: (id: string) => string,
  note: (field: Field, message: string, written?: boolean, at?: SourceRef) => void,
): { change: Change; edit: RecipientsEdit; appended: string[] } | undefined {
  const written = desired.recipients
  if (!written) return undefined
  const matches = (x: string) => matchesOf(names, x)
  const liveIds = [...new Set(live.recipients.map((r) => r.toLowerCase()))]

  if (live.result_action !== 'send') {
    const ids = written.map(matches)
    const same =
      ids.every((m) => m.length === 1) &&
      ids.every((m) => liveIds.includes(m[0]!)) &&
      liveIds.every((id) => ids.some((m) => m[0] === id))
    if (!same)
      note(
        'recipients',
        `the live report's result action is ${live.result_action}, and the API takes recipients only on send reports; left as written`,
      )
    return undefined
  }

  const covered = new Set<string>()
  let drift = false
  const items = written.map((x, k): string[] | undefined => {
    const m = matches(x)
    if (m.length === 1) {
      if (liveIds.includes(m[0]!)) {
        covered.add(m[0]!)
        return undefined
      }
      drift = true
      return []
    }
    // Gone, or now ambiguous: the UUIDs it stood for are what the live report still has of its matches.
    drift = true
    const stood = m.filter((id) => liveIds.includes(id) && !covered.has(id))
    for (const id of stood) covered.add(id)
    const at = desired.recipientAt?.(k) ?? desired.at
    note(
      'recipients',
      m.length
        ? `"${x}" now matches ${m.length} users; replaced by ${stood.length ? `the live ${noun(stood.length, 'recipient')} it stood for: ${stood.join(', ')}` : 'nothing (none of them is a live recipient)'}`
        : `"${x}" matches no user any more; removed (live recipients the file does not name are added as UUIDs)`,
      true,
      at,
    )
    return stood
  })
  const appended = liveIds.filter((id) => !covered.has(id))
  if (!drift && !appended.length) return undefined
  const append = appended.map(label)
  const to = [...written.flatMap((x, k) => items[k] ?? [x]), ...append]
  return { change: { field: 'recipients', from: [...written], to }, edit: { items, append }, appended }
}
