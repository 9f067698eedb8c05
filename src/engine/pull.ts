import type { LiveReport } from '../acronis/types.js'
import { entryText, writable, type EntryText, type Unwritable } from '../config/entry-text.js'
import { MAX_CONFIG_BYTES } from '../config/load.js'
import type { DesiredConfig, DesiredReport } from '../config/validate.js'
import type { AcronisClient } from '../acronis/client.js'
import { describeError } from '../acronis/errors.js'
import { mapLimit } from '../util/map-limit.js'
import { Candidates, declares, newBase } from './creates.js'
import { writeConfigText } from '../config/write.js'
import type { Outcome, PullResult, Undeclared } from '../model.js'
import type { OnlineSettings } from '../settings/settings.js'
import { withSession, type ConfigSource, type EngineIO, type Session } from './session.js'
import { pullEntry, type EntryPull } from './pull-entry.js'
import { pulledText, type CreatedId } from './pull-text.js'
import {
  lookupNames,
  matchesOf,
  recipientNames,
  type NameMatches,
  type ResolvedNewReport,
} from './recipients.js'
import { loginsOf, readReports, type Unread } from './tenant-export.js'
import { undeclared } from './tenant.js'

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
export function pull(
  settings: OnlineSettings,
  source: ConfigSource,
  io: EngineIO,
  options: PullOptions,
): Promise<PullResult> {
  return withSession(settings, io, (session) => pullIn(session, source, options))
}

async function pullIn(
  { settings, io, client, tenant }: Session,
  { text, config }: ConfigSource,
  options: PullOptions,
): Promise<PullResult> {
  // The edits land in the very text `config` was parsed from: the file is read once.
  const names = await lookupNames(recipientNames(config), client, tenant, settings.concurrency)
  const total = config.reports.length
  const lives = await readReports(
    client,
    config.reports.map((r) => r.id),
    settings.concurrency,
  )
  const pullAt = (i: number, label?: (id: string) => string) =>
    pullEntry(config.reports[i]!.index, config.reports[i]!, lives[i] as LiveReport, names, label)
  const pulls = lives.map((live, i) => {
    const p = 'error' in live ? undefined : pullAt(i)
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
        if (p?.appended.length) pulls[i] = pullAt(i, label)
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
    const ids = r.recipients?.map((x) => matchesOf(names, x))
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
  const base = newBase(x.r, x.id ?? '')
  if (x.error) return { ...base, status: 'failed', changes: [], error: x.error }
  if (!x.id) return { ...base, status: 'unchanged', changes: [], ...(x.note ? { note: x.note } : {}) }
  return {
    ...base,
    status: written ? 'updated' : 'would-update',
    changes: [{ field: 'id', from: null, to: x.id }],
  }
}
