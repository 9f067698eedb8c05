import { stringify } from 'yaml'
import type { AcronisClient } from '../acronis/client.js'
import { describeError } from '../acronis/errors.js'
import { documented, REPORT_KINDS, REPORT_LEVELS, type LiveReport } from '../acronis/types.js'
import { isRecipientName, isUuid } from '../config/patterns.js'
import { mapLimit } from '../util/map-limit.js'

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

/**
 * User UUID (lower case) → login, for writing recipients by login. One call per 100 users: cheap.
 * A user the API does not return (outside the tenant), or whose login the schema would refuse as a
 * name, is left out: it stays a UUID.
 */
export async function loginsOf(
  client: AcronisClient,
  ids: readonly string[],
): Promise<ReadonlyMap<string, string>> {
  const users = await client.users(ids)
  return new Map(
    users
      .filter((u) => isRecipientName(u.login) && !isUuid(u.login))
      .map((u) => [u.id.toLowerCase(), u.login]),
  )
}

/** Recipients a reports.yaml may manage: the API takes them only when result_action is send. */
export function writable(r: LiveReport): string[] | undefined {
  return r.result_action === 'send' ? r.recipients : undefined
}

interface RenderOptions {
  /** The `$schema` an editor validates the file against. */
  schema: string
  /** Who wrote the file, for its header. */
  generator: string
}

const scalar = (value: string) => stringify(value).trimEnd()

function readOnly(r: LiveReport): string {
  const parts = [
    `schedule ${r.schedule.type}`,
    `result action ${r.result_action}${r.result_action === 'send' ? '' : ' (recipients not managed)'}`,
    `formats ${r.parameters.formats.join(', ') || 'none'}`,
  ]
  return `read-only: ${parts.join(' · ')}`
}

/**
 * One scheduled report as a reports.yaml entry: its read-only attributes as a comment, then `- id:`,
 * both at column 0, and the managed fields indented by 2 (the caller indents the whole entry).
 */
export function entryLines(r: LiveReport, logins?: ReadonlyMap<string, string>): string[] {
  const lines = [`# ${readOnly(r)}`, `- id: ${r.id}`]
  // A value newer than this version's schema would make the file invalid: leave it unmanaged.
  for (const [key, known] of [
    ['kind', REPORT_KINDS],
    ['level', REPORT_LEVELS],
  ] as const) {
    const value = r.parameters[key]
    const supported = documented<string>(known, value)
    lines.push(`  ${supported ? '' : '# not supported by this version, so not managed: '}${key}: ${value}`)
  }
  const recipients = writable(r)
  if (recipients && !recipients.length) lines.push('  recipients: []')
  else if (recipients) {
    lines.push('  recipients:')
    for (const id of recipients) lines.push(`    - ${scalar(logins?.get(id.toLowerCase()) ?? id)}`)
  }
  lines.push(`  enabled: ${r.schedule.enabled}`)
  // Absent from the live report means absent here: declaring a value would plan a change.
  for (const key of ['hide_zero_usage', 'show_skus'] as const) {
    const value = r.parameters[key]
    if (value !== undefined) lines.push(`  ${key}: ${value}`)
  }
  return lines
}

function oneTime(r: LiveReport): string {
  const p = r.parameters
  const period = p.period ? `, period ${p.period.start} to ${p.period.end}` : ''
  return `#   ${r.id}: ${p.kind}, level ${p.level}, result action ${r.result_action}, formats ${p.formats.join(', ')}${period}`
}

/**
 * reports.yaml for a tenant: every scheduled report as a managed entry holding its live values, so a
 * plan of the file shows no changes. One-time reports cannot be updated and appear only as comments.
 */
export function renderExport(t: TenantExport, options: RenderOptions): string {
  const byId = (a: LiveReport, b: LiveReport) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const scheduled = t.reports.filter((r) => r.schedule.type !== 'once').sort(byId)
  const once = t.reports.filter((r) => r.schedule.type === 'once').sort(byId)
  const out = [
    `# yaml-language-server: $schema=${options.schema}`,
    `# Exported by ${options.generator} from tenant ${t.tenantId}: ${scheduled.length} scheduled report${scheduled.length === 1 ? '' : 's'}.`,
    '# A key left out is not managed. Read-only attributes are comments: changing one needs a new report.',
    'version: 1',
    scheduled.length ? 'reports:' : 'reports: []',
  ]
  for (const r of scheduled) out.push(...entryLines(r, t.logins).map((l) => `  ${l}`), '')
  if (once.length) {
    out.push('# One-time reports (schedule once): the API cannot update them, so they are not managed.')
    out.push(...once.map(oneTime), '')
  }
  if (t.failures.length) {
    out.push('# Reports that could not be read, not exported:')
    out.push(...t.failures.map((f) => `#   ${f.id}: ${f.error.replace(/\s+/g, ' ')}`), '')
  }
  while (out[out.length - 1] === '') out.pop()
  return out.join('\n') + '\n'
}
