import type { LiveReport } from '../acronis/types.js'
import { editReports, type EditProblem, type Edited } from '../config/edit.js'
import { entryText, writable, type EntryText, type Unwritable } from '../config/entry-text.js'
import {
  entriesOf,
  MAX_CONFIG_BYTES,
  type DesiredConfig,
  type DesiredReport,
  type NewReport,
} from '../config/load.js'
import type { AcronisClient } from '../acronis/client.js'
import { describeError } from '../acronis/errors.js'
import { isUuid } from '../config/patterns.js'
import { mapLimit } from '../util/map-limit.js'
import { Candidates, declares } from './lifecycle.js'
import { unlikeIntended } from '../config/verify.js'
import { writeConfigText } from '../config/write.js'
import { oneLineJson } from '../util/one-line.js'
import type { Outcome, PullResult, Undeclared } from '../model.js'
import type { OnlineSettings } from '../settings/settings.js'
import { connect, type ConfigSource, type EngineIO } from './engine.js'
import { pullEntry, type EntryPull } from './pull.js'
import { lookupNames, recipientNames, type NameMatches, type ResolvedNewReport } from './recipients.js'
import { loginsOf, readReports, type Unread } from './tenant-export.js'
import { tenantResolver, undeclared } from './tenant.js'
import type { Redact } from '../util/redact.js'

interface PullOptions {
  /** Recipients the file gains are written by login rather than UUID. */
  byLogin: boolean
  /** Reports of the tenant the file does not declare are appended, as export writes them. */
  addUndeclared: boolean
  /** false (`--check`): the file is left as it is. */
  write: boolean
}

/**
 * Reads every declared report and writes the live values of the fields the file manages into the
 * file's text, in place. Nothing is ever sent to the API but reads.
 */
export async function pullConfig(
  settings: OnlineSettings,
  { text, config }: ConfigSource,
  io: EngineIO,
  options: PullOptions,
): Promise<PullResult> {
  // The edits land in the very text `config` was parsed from: the file is read once.
  const client = connect(settings, io)
  try {
    await client.authenticate()
    const tenant = tenantResolver(client, settings.credentials, settings.tenantId)
    const names = await lookupNames(recipientNames(config), client, tenant, settings.concurrency)
    const total = config.reports.length
    const lives = await readReports(
      client,
      config.reports.map((r) => r.id),
      settings.concurrency,
    )
    const pull = (i: number, label?: (id: string) => string) =>
      pullEntry(config.reports[i]!.index, config.reports[i]!, lives[i] as LiveReport, names, label)
    const pulls = lives.map((live, i) => {
      const p = 'error' in live ? undefined : pull(i)
      io.onOutcome?.(outcome(config.reports[i]!, p, live, false), i + 1, total)
      return p
    })

    let extra: LiveReport[] = []
    let found: Undeclared | undefined
    if (options.addUndeclared) {
      const tenantId = await tenant()
      if (!tenantId)
        throw new Error('--add-undeclared needs the tenant: set --tenant-id when using ACRONIS_TOKEN')
      const { ids } = await undeclared(
        client,
        tenantId,
        [...config.reports, ...config.deletes].map((r) => r.id),
      )
      const read = await readReports(client, ids, settings.concurrency)
      const live = read.filter((r): r is LiveReport => !('error' in r))
      extra = live.filter((r) => r.schedule.type !== 'once')
      found = {
        appended: extra.map((r) => r.id),
        oneTime: live.filter((r) => r.schedule.type === 'once').map((r) => r.id),
        unread: read.filter((r): r is Unread => 'error' in r),
      }
    }

    let logins: ReadonlyMap<string, string> | undefined
    if (options.byLogin) {
      const ids = [...pulls.flatMap((p) => p?.appended ?? []), ...extra.flatMap((r) => writable(r) ?? [])]
      if (ids.length) {
        logins = await loginsOf(client, [...new Set(ids.map((id) => id.toLowerCase()))])
        const label = (id: string) => logins!.get(id) ?? id
        pulls.forEach((p, i) => {
          if (p?.appended.length) pulls[i] = pull(i, label)
        })
      }
    }

    const ids = await createdIds(config, client, tenant, names, settings.concurrency)
    const appended = extra.map((r) => entryText(r, logins))
    if (found) found.unwritable = appended.filter((e): e is Unwritable => !('lines' in e))
    const edited = pulledText(
      text,
      config,
      pulls,
      appended.filter((e): e is EntryText => 'lines' in e),
      client.redact,
      found,
      ids,
    )
    const written = options.write && edited.text !== text
    if (written)
      await writeConfigText(
        settings.configPath,
        settings.configName,
        { root: settings.configRoot, maxBytes: MAX_CONFIG_BYTES },
        text,
        edited.text,
      )
    return {
      mode: 'pull',
      config: config.file,
      before: text,
      after: edited.text,
      edits: edited.edits,
      outcomes: [
        ...config.reports.map((r, i) => outcome(r, pulls[i], lives[i]!, written)),
        ...ids.map((x) => recordedOutcome(x, written)),
      ].sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column),
      notes: pulls.flatMap((p) => p?.notes ?? []),
      undeclared: found,
      written,
    }
  } finally {
    client.close()
  }
}

function outcome(
  r: DesiredReport,
  p: EntryPull | undefined,
  live: LiveReport | Unread,
  written: boolean,
): Outcome {
  const base = { id: r.id, name: r.name, at: r.at }
  if ('error' in live) return { ...base, status: 'failed', changes: [], error: live.error }
  const changes = p?.changes ?? []
  return { ...base, status: !changes.length ? 'unchanged' : written ? 'updated' : 'would-update', changes }
}

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

/**
 * The report each entry without id stands for, once an apply created it: the one undeclared report of
 * its tenant that matches what the entry declares (as apply matches it), whose id pull then writes.
 */
async function createdIds(
  config: DesiredConfig,
  client: AcronisClient,
  tenant: () => Promise<string | undefined>,
  names: NameMatches,
  concurrency: number,
): Promise<CreatedId[]> {
  if (!config.creates.length) return []
  const declared = new Set([...config.reports, ...config.deletes].map((r) => r.id))
  const candidates = new Candidates(client, declared, concurrency)
  const own = await tenant().catch(() => undefined)
  return mapLimit(config.creates, concurrency, async (r): Promise<CreatedId> => {
    const tenantId = r.tenant ?? config.tenant ?? own
    if (!tenantId) return { r, note: 'its tenant is unknown: set `tenant` in the file; nothing recorded' }
    // A name that is not exactly one user cannot match anything: the entry is left as it is.
    const ids = r.recipients?.map((x) => (isUuid(x) ? [x.toLowerCase()] : (names.get(x) ?? [])))
    if (ids?.some((m) => m.length !== 1))
      return { r, note: 'a recipient does not name exactly one user; nothing recorded' }
    const resolved: ResolvedNewReport = { ...r, recipientIds: ids?.map((m) => m[0]!) }
    try {
      const found = (await candidates.of(tenantId)).filter((live) => declares(resolved, tenantId, live))
      if (found.length === 1) return { r, id: found[0]!.id.toLowerCase() }
      return {
        r,
        note: found.length
          ? `${found.length} reports match: add \`id:\` with the one this entry means`
          : 'no report matches it yet: an apply creates it',
      }
    } catch (e) {
      return { r, error: describeError(e) }
    }
  })
}

function recordedOutcome(x: CreatedId, written: boolean): Outcome {
  const base = { id: x.id ?? '', name: x.r.name, entry: x.r.index, at: x.r.at }
  if (x.error) return { ...base, status: 'failed', changes: [], error: x.error }
  if (!x.id) return { ...base, status: 'unchanged', changes: [], ...(x.note ? { note: x.note } : {}) }
  return {
    ...base,
    status: written ? 'updated' : 'would-update',
    changes: [{ field: 'id', from: null, to: x.id }],
  }
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
