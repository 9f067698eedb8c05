import type { AcronisClient } from '../acronis/client.js'
import { describeError } from '../acronis/errors.js'
import type { LiveReport } from '../acronis/types.js'
import { entryText, writable, type EntryText, type Unwritable } from '../config/entry-text.js'
import { isRecipientName, isUuid } from '../config/patterns.js'
import { commentValue, yamlScalar } from '../config/scalar.js'
import { unlikeIntended } from '../config/verify.js'
import { plural } from '../util/plural.js'
import { mapLimit } from '../util/map-limit.js'
import { InputError, type OnlineSettings } from '../settings/settings.js'
import { withSession, type EngineIO } from './session.js'

/** What export read from a tenant: every report it could read, and why it could not read the others. */
export interface TenantExport {
  tenantId: string
  reports: LiveReport[]
  failures: Unread[]
  /** User UUID (lower case) → login, when recipients are to be written by login. */
  logins?: ReadonlyMap<string, string>
}

interface ReadOptions {
  concurrency: number
  byLogin: boolean
  onProgress?: (done: number, total: number) => void
}

/**
 * export: every report of the run's tenant (the one named, else the API client's own), read in one
 * session, and recipients' logins when asked. A bare token names no tenant of its own.
 */
export function exportTenant(
  settings: OnlineSettings,
  io: EngineIO,
  options: Omit<ReadOptions, 'concurrency'>,
): Promise<TenantExport> {
  return withSession(settings, io, async ({ client, tenant }) => {
    const tenantId = await tenant()
    if (!tenantId)
      throw new InputError(
        'export needs --tenant when ACRONIS_TOKEN is used (there is no client id to look it up)',
      )
    return readTenant(client, tenantId, { ...options, concurrency: settings.concurrency })
  })
}

/** Reads every report of the tenant (ids, then each report), and recipients' logins when asked. */
export async function readTenant(
  client: AcronisClient,
  tenantId: string,
  options: ReadOptions,
): Promise<TenantExport> {
  const ids = await client.tenantReportIds(tenantId)
  const read = await readReports(client, ids, options.concurrency, options.onProgress)
  const reports = read.filter((r): r is LiveReport => !('error' in r))
  const failures = read.filter((r): r is Unread => 'error' in r)
  if (!options.byLogin) return { tenantId, reports, failures }
  const recipients = new Set(reports.flatMap((r) => writable(r)?.map((u) => u.toLowerCase()) ?? []))
  return { tenantId, reports, failures, logins: await loginsOf(client, [...recipients]) }
}

/** A report that could not be read, and the API's reason. */
export interface Unread {
  id: string
  error: string
}

/** GETs each report, twice the client's concurrency in the pipeline; one that fails is returned as Unread. */
export function readReports(
  client: AcronisClient,
  ids: readonly string[],
  concurrency: number,
  onProgress?: (done: number, total: number) => void,
): Promise<(LiveReport | Unread)[]> {
  let done = 0
  return mapLimit(ids, concurrency * 2, async (id) => {
    try {
      return await client.getReport(id)
    } catch (e) {
      return { id, error: describeError(e) }
    } finally {
      onProgress?.(++done, ids.length)
    }
  })
}

/** An email address has at most 254 characters; a login written in a list must leave the line short. */
const MAX_LOGIN_CHARS = 254

/**
 * User UUID (lower case) → login, for writing recipients by login. One call per 100 users: cheap.
 * A user the API does not return (outside the tenant) is left out: it stays a UUID.
 */
export async function loginsOf(
  client: AcronisClient,
  ids: readonly string[],
): Promise<ReadonlyMap<string, string>> {
  return usableLogins(await client.users(ids))
}

/**
 * The logins a file can name users by: not one the schema would refuse as a name, not one that reads
 * as a UUID, none longer than any honest one, none two users answer with (it would name neither:
 * plan finds a recipient by its exact login). Those users stay UUIDs.
 */
export function usableLogins(users: readonly { id: string; login: string }[]): ReadonlyMap<string, string> {
  const seen = new Map<string, number>()
  for (const u of users) seen.set(u.login, (seen.get(u.login) ?? 0) + 1)
  return new Map(
    users
      .filter((u) => seen.get(u.login) === 1)
      .filter((u) => u.login.length <= MAX_LOGIN_CHARS && isRecipientName(u.login) && !isUuid(u.login))
      .map((u) => [u.id.toLowerCase(), u.login]),
  )
}

interface RenderOptions {
  /** The `$schema` an editor validates the file against. */
  schema: string
  /** Who wrote the file, for its header. */
  generator: string
  /** Written as the file's `tenant` when the tenant was named (export --tenant): plans then count its reports. */
  tenant?: string
}

function oneTime(r: LiveReport): string {
  const p = r.parameters
  const period = p.period ? `, period ${commentValue(p.period.start)} to ${commentValue(p.period.end)}` : ''
  const formats = p.formats.map(commentValue).join(', ')
  return `#   ${commentValue(r.id)}: ${commentValue(p.kind)}, level ${commentValue(p.level)}, result action ${commentValue(r.result_action)}, formats ${formats}${period}`
}

/** The text of an exported reports.yaml, and the reports no entry could hold (listed in it as comments). */
export interface ExportText {
  text: string
  unwritable: Unwritable[]
}

/**
 * reports.yaml for a tenant: every scheduled report as a managed entry holding its live values, so a
 * plan of the file shows no changes. One-time reports cannot be updated and appear only as comments.
 */
export function renderExport(t: TenantExport, options: RenderOptions): ExportText {
  const byId = (a: LiveReport, b: LiveReport) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const once = t.reports.filter((r) => r.schedule.type === 'once').sort(byId)
  const made = t.reports
    .filter((r) => r.schedule.type !== 'once')
    .sort(byId)
    .map((r) => entryText(r, t.logins))
  const entries = made.filter((e): e is EntryText => 'lines' in e)
  const unwritable = made.filter((e): e is Unwritable => !('lines' in e))
  const out = [
    `# yaml-language-server: $schema=${options.schema}`,
    `# Exported by ${options.generator} from tenant ${commentValue(t.tenantId)}: ${plural(entries.length, 'scheduled report')}.`,
    '# A key left out is not managed. Read-only attributes are comments: changing one needs a new report.',
    'version: 1',
    ...(options.tenant ? [`tenant: ${yamlScalar(options.tenant.toLowerCase())}`] : []),
    entries.length ? 'reports:' : 'reports: []',
  ]
  for (const e of entries) out.push(...e.lines.map((l) => `  ${l}`), '')
  if (once.length) {
    out.push('# One-time reports (schedule once): the API cannot update them, so they are not managed.')
    out.push(...once.map(oneTime), '')
  }
  if (t.failures.length) {
    out.push('# Reports that could not be read, not exported:')
    out.push(...t.failures.map((f) => `#   ${commentValue(f.id)}: ${commentValue(f.error)}`), '')
  }
  if (unwritable.length) {
    out.push('# Reports no entry can hold as they are, not exported:')
    out.push(...unwritable.map((u) => `#   ${u.id}: ${u.reason}`), '')
  }
  while (out[out.length - 1] === '') out.pop()
  const text = out.join('\n') + '\n'
  // The file is read back whole before anyone sees it: it must declare exactly the entries meant.
  const wrong = unlikeIntended(
    text,
    'reports.yaml',
    entries.map((e) => e.values),
  )
  if (wrong)
    throw new Error(`export could not write the tenant's reports as they are (${wrong}); nothing was written`)
  return { text, unwritable }
}
