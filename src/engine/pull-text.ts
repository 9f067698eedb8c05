import { editReports, type EditProblem, type Edited } from '../config/edit.js'
import type { EntryText } from '../config/entry-text.js'
import { entriesOf, type DesiredConfig, type DesiredReport, type NewReport } from '../config/validate.js'
import { unlikeIntended } from '../config/verify.js'
import type { Undeclared } from '../model.js'
import { oneLineJson } from '../util/one-line.js'
import type { Redact } from '../util/redact.js'
import type { EntryPull } from './pull-entry.js'

/**
 * What pull found for an entry without id: the one report that matches it (its id to write), or why
 * there is none to record (not created yet, several match, the tenant could not be read).
 */
export interface CreatedId {
  r: NewReport
  id?: string
  note?: string
  error?: string
}

/** A value the editor could not change in place stays as it is, and is listed instead. */
function refuse(
  problem: EditProblem,
  pulls: (EntryPull | undefined)[],
  reports: readonly DesiredReport[],
  redact: Redact,
  found: Undeclared | undefined,
): void {
  if (problem.field === 'reports') {
    if (found) found.refused = problem.message
    return
  }
  if (problem.field === 'id') return
  // The editor names an entry by its place in the file's list.
  const k = reports.findIndex((x) => x.index === problem.index)
  const p = pulls[k]
  const r = reports[k]
  if (!p || !r) return
  const change = p.changes.find((c) => c.field === problem.field)
  p.changes = p.changes.filter((c) => c !== change)
  // What the notes said was written into that field (a name replaced) was not written either.
  p.notes = p.notes.filter((n) => !(n.field === problem.field && n.written))
  const live = change ? ` (live: ${oneLineJson(change.to, redact)})` : ''
  p.notes.push({
    id: r.id,
    field: problem.field,
    message: `cannot be changed in place: ${problem.message}; left as it is${live}`,
    written: false,
    at: r.at,
  })
}

/**
 * The pulled values written into `text` (and the undeclared reports appended), what could not be
 * changed in place listed instead (refused by the editor: the change is dropped, a note says why).
 * The new text is then read back whole: every entry must hold exactly what was meant, the untouched
 * ones what they held before; anything else is a bug, and then nothing is written. Pure.
 */
export function pulledText(
  text: string,
  config: DesiredConfig,
  pulls: (EntryPull | undefined)[],
  appended: readonly EntryText[],
  redact: Redact,
  found?: Undeclared,
  ids: CreatedId[] = [],
): Edited {
  const edited = editReports(
    text,
    [
      ...pulls.flatMap((p) => (p?.edit ? [p.edit] : [])),
      ...ids.flatMap((x) => (x.id ? [{ index: x.r.index, id: x.id }] : [])),
    ],
    appended.map((e) => e.lines),
  )
  for (const problem of edited.problems) {
    const x = problem.field === 'id' ? ids.find((c) => c.r.index === problem.index) : undefined
    if (x) {
      x.note = `cannot write \`id: ${x.id}\` in place: ${problem.message}; add it by hand`
      x.id = undefined
    } else refuse(problem, pulls, config.reports, redact, found)
  }
  if (found) found.appended = found.refused ? [] : appended.map((e) => e.values.id)
  if (edited.text === text) return edited
  // Every entry, in file order: those to create or delete are meant to read back as they were.
  const pulled = new Map(
    config.reports.map((r, i) => {
      const changes = pulls[i]?.changes ?? []
      return [
        r.index,
        changes.length ? { ...r, ...Object.fromEntries(changes.map((c) => [c.field, c.to])) } : r,
      ]
    }),
  )
  for (const x of ids) if (x.id) pulled.set(x.r.index, { ...x.r, id: x.id } as DesiredReport)
  const intended = entriesOf(config).map((r) => pulled.get(r.index) ?? r) as DesiredReport[]
  if (!found?.refused) intended.push(...appended.map((e) => e.values as DesiredReport))
  const wrong = unlikeIntended(edited.text, config.file, intended)
  if (wrong) throw new Error(`pull could not edit ${config.file} as intended: ${wrong}; nothing was written`)
  return edited
}
