import { writeFile } from 'node:fs/promises'
import type { LiveReport } from '../acronis/types.js'
import { editReports, type EditProblem } from '../config/edit.js'
import { ConfigErrors } from '../config/errors.js'
import { parseConfig, type DesiredConfig, type DesiredReport } from '../config/load.js'
import type { Outcome, PullResult, Undeclared } from '../model.js'
import type { OnlineSettings } from '../settings/settings.js'
import { connect, type EngineIO } from './engine.js'
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
  config: DesiredConfig,
  text: string,
  io: EngineIO,
  options: PullOptions,
): Promise<PullResult> {
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
    if (written) await writeFile(settings.configPath, edited.text)
    return {
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
 * a bug in the editor, and then nothing is written.
 */
function check(
  after: string,
  config: DesiredConfig,
  pulls: readonly (EntryPull | undefined)[],
  appended: number,
): void {
  let parsed: DesiredConfig
  try {
    parsed = parseConfig(after, config.file)
  } catch (e) {
    const first = e instanceof ConfigErrors ? e.errors[0]?.toString() : String(e)
    throw new Error(`pull would make ${config.file} invalid (${first}); nothing was written`)
  }
  const wrong = (why: string) =>
    new Error(`pull could not edit ${config.file} as intended (${why}); nothing was written`)
  if (parsed.reports.length !== config.reports.length + appended)
    throw wrong(`${parsed.reports.length} entries instead of ${config.reports.length + appended}`)
  pulls.forEach((p, i) => {
    for (const c of p?.changes ?? []) {
      const now = parsed.reports[i]![c.field]
      if (JSON.stringify(now) !== JSON.stringify(c.to)) throw wrong(`entry ${i + 1}, ${c.field}`)
    }
  })
}
