import { open, writeFile } from 'node:fs/promises'
import type { LiveReport } from '../acronis/types.js'
import { editReports, type EditProblem } from '../config/edit.js'
import { ConfigErrors } from '../config/errors.js'
import { plainEntryOffsets } from '../config/source.js'
import { parseConfig, type DesiredConfig, type DesiredReport } from '../config/load.js'
import type { Outcome, PullResult, Undeclared } from '../model.js'
import type { OnlineSettings } from '../settings/settings.js'
import { connect, type ConfigSource, type EngineIO } from './engine.js'
import { pullEntry, type EntryPull } from './pull.js'
import { lookupNames, recipientNames } from './recipients.js'
import { entryLines, loginsOf, readReports, writable, type Unread } from './tenant-export.js'
import { tenantResolver, undeclared } from './tenant.js'

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
      pullEntry(i, config.reports[i]!, lives[i] as LiveReport, names, label)
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
        config.reports.map((r) => r.id),
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

    const edited = editReports(
      text,
      pulls.flatMap((p) => (p?.edit ? [p.edit] : [])),
      extra.map((r) => entryLines(r, logins)),
    )
    for (const problem of edited.problems) refuse(problem, pulls, config.reports, found)
    if (found?.refused) found.appended = []
    if (edited.text !== text) check(edited.text, config, pulls, found?.appended.length ?? 0)
    const written = options.write && edited.text !== text
    if (written) await writeConfig(settings.configPath, edited.text)
    return {
      mode: 'pull',
      config: config.file,
      before: text,
      after: edited.text,
      edits: edited.edits,
      outcomes: config.reports.map((r, i) => outcome(r, pulls[i], lives[i]!, written)),
      notes: pulls.flatMap((p) => p?.notes ?? []),
      undeclared: found,
      written,
    }
  } finally {
    client.close()
  }
}

/** Writes the edited text back, with the byte order mark the file had (the UTF-8 reader drops it). */
async function writeConfig(file: string, text: string): Promise<void> {
  const head = Buffer.alloc(3)
  const handle = await open(file, 'r')
  try {
    await handle.read(head, 0, 3, 0)
  } finally {
    await handle.close()
  }
  const bom = head.equals(Buffer.from([0xef, 0xbb, 0xbf])) ? '\ufeff' : ''
  await writeFile(file, bom + text)
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

/** A value the editor could not change in place stays as it is, and is listed instead. */
function refuse(
  problem: EditProblem,
  pulls: (EntryPull | undefined)[],
  reports: readonly DesiredReport[],
  found: Undeclared | undefined,
): void {
  if (problem.field === 'reports') {
    if (found) found.refused = problem.message
    return
  }
  const p = pulls[problem.index]
  const r = reports[problem.index]
  if (!p || !r) return
  const change = p.changes.find((c) => c.field === problem.field)
  p.changes = p.changes.filter((c) => c !== change)
  const live = change ? ` (live: ${JSON.stringify(change.to)})` : ''
  p.notes.push({
    id: r.id,
    field: problem.field,
    message: `cannot be changed in place: ${problem.message}; left as it is${live}`,
    written: false,
    at: r.at,
  })
}

/**
 * The edited text must read back as a valid file holding exactly the pulled values: anything else is
 * a bug in the editor, and then nothing is written. A file that can be read an entry at a time has
 * only its changed and appended entries read again (a pull at 10,000 reports would otherwise read it
 * twice), as one list.
 */
function check(
  after: string,
  config: DesiredConfig,
  pulls: readonly (EntryPull | undefined)[],
  appended: number,
): void {
  const expected = config.reports.length + appended
  const wrong = (why: string) =>
    new Error(`pull could not edit ${config.file} as intended (${why}); nothing was written`)
  const read = (text: string) => {
    try {
      return parseConfig(text, config.file).reports
    } catch (e) {
      const first = e instanceof ConfigErrors ? e.errors[0]?.message : String(e)
      throw new Error(`pull would make ${config.file} invalid (${first}); nothing was written`)
    }
  }
  let entries: number
  let entry: (i: number) => DesiredReport | undefined
  const offsets = plainEntryOffsets(after)
  if (offsets) {
    // The changed and appended entries, and only they, read as one list: one parse, however many.
    const indices = pulls.flatMap((p, i) => (p?.changes.length ? [i] : []))
    for (let i = config.reports.length; i < expected; i++) indices.push(i)
    const text = indices.map((i) => after.slice(offsets[i], offsets[i + 1] ?? after.length))
    const reread = read(`reports:\n${text.map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('')}`)
    const byIndex = new Map(indices.map((i, k) => [i, reread[k]]))
    entries = offsets.length
    entry = (i) => byIndex.get(i)
  } else {
    const all = read(after)
    entries = all.length
    entry = (i) => all[i]
  }
  if (entries !== expected) throw wrong(`${entries} entries instead of ${expected}`)
  pulls.forEach((p, i) => {
    if (!p?.changes.length) return
    const now = entry(i)
    for (const c of p.changes)
      if (JSON.stringify(now?.[c.field]) !== JSON.stringify(c.to)) throw wrong(`entry ${i + 1}, ${c.field}`)
  })
  for (let i = config.reports.length; i < expected; i++) if (!entry(i)) throw wrong(`entry ${i + 1} missing`)
}
