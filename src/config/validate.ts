import type { ReportFormat, ReportKind, ReportLevel, ResultAction } from '../acronis/types.js'
import type { SourceRef } from '../model.js'
import { ConfigError, ConfigErrors, excerpt, type ConfigErrorCode } from './errors.js'
import type { At, ParsedConfig } from './parse.js'
import type { YamlSource } from './parse-document.js'
import { checkSchema } from './validate-schema.js'

/** One report as reports.yaml declares it. A field left undefined is not managed. */
export interface DesiredReport {
  /** Lower-cased UUID. */
  id: string
  name?: string
  /** `absent`: delete the report. */
  state?: 'present' | 'absent'
  /** Lower-cased tenant UUID, as the entry declares it (compared, never changed: an update cannot). */
  tenant?: string
  /** Compared, never changed: an update cannot. */
  result_action?: ResultAction
  formats?: ReportFormat[]
  kind?: ReportKind
  level?: ReportLevel
  /** As written: user UUIDs, logins or emails. */
  recipients?: string[]
  enabled?: boolean
  hide_zero_usage?: boolean
  show_skus?: boolean
  /** The entry's position in the file's `reports` list (what an edit of the file addresses). */
  index: number
  /** Where the entry's id is, and where its k-th recipient is, for errors found after parsing. */
  at: SourceRef
  recipientAt?: (k: number) => SourceRef
}

/**
 * An entry without id: a report to create (a scheduled, monthly one), in its `tenant`, else the
 * file's, else the API client's. `at` is the entry itself.
 */
export interface NewReport extends Omit<DesiredReport, 'id' | 'state' | 'kind' | 'level' | 'result_action'> {
  kind: ReportKind
  level: ReportLevel
  result_action: ResultAction
}

/** The desired state read from one file. */
export interface DesiredConfig {
  file: string
  /** Lower-cased: the tenant new reports belong to and whose undeclared reports are counted. */
  tenant?: string
  /** Entries with an id to keep as declared (state present), in file order. */
  reports: DesiredReport[]
  /** Entries with an id and `state: absent`: reports to delete. */
  deletes: DesiredReport[]
  /** Entries without id: reports to create. */
  creates: NewReport[]
  /** How many entries the file's `reports` list has, of all three kinds. */
  entries: number
}

/** Every entry of the file, in its order: reports to keep, to delete and to create. */
export function entriesOf(config: DesiredConfig): (DesiredReport | NewReport)[] {
  return [...config.reports, ...config.deletes, ...config.creates].sort((a, b) => a.index - b.index)
}

/**
 * What the schema and the rules between keys say about reports.yaml's data, every problem at its place;
 * throws ConfigErrors listing them all, or returns the desired state.
 */
export function validateConfig({ source, at }: ParsedConfig, file: string): DesiredConfig {
  const place = (path: (string | number)[], key?: string) => {
    const { node, base } = source.locate(path, key)
    return node?.range ? at(base + node.range[0], base + node.range[1]) : at(0)
  }
  const errors = checkSchema(source.data ?? null).map(
    (p) => new ConfigError(p.code, p.message, place(p.path, p.key), dotted(p.path, p.key)),
  )
  errors.push(...duplicateIds(source.data, (i) => at(source.idOffset(i))))
  errors.push(...lifecycleErrors(source.data, place))
  if (errors.length) throw new ConfigErrors(errors.sort((a, b) => a.line - b.line || a.column - b.column))
  const data = source.data as { tenant?: string; reports: Record<string, unknown>[] }
  const tenant = data.tenant?.toLowerCase()
  const config: DesiredConfig = {
    file,
    tenant,
    reports: [],
    deletes: [],
    creates: [],
    entries: data.reports.length,
  }
  data.reports.forEach((raw, i) => {
    if (raw.id === undefined) return void config.creates.push(toNew(raw, i, source, at))
    const r = toDesired(raw, i, source, at)
    ;(r.state === 'absent' ? config.deletes : config.reports).push(r)
  })
  return config
}

/** Two entries for one report would fight each other; found even when other entries have errors. */
function duplicateIds(data: unknown, idAt: (i: number) => SourceRef): ConfigError[] {
  const reports = (data as { reports?: unknown } | null)?.reports
  if (!Array.isArray(reports)) return []
  const first = new Map<string, number>()
  const errors: ConfigError[] = []
  reports.forEach((r: unknown, i) => {
    const id = (r as { id?: unknown } | null)?.id
    if (typeof id !== 'string') return
    const seen = first.get(id.toLowerCase())
    if (seen === undefined) first.set(id.toLowerCase(), i)
    else {
      const message = `duplicate report id ${excerpt(id)} (first declared at line ${idAt(seen).line})`
      errors.push(new ConfigError('duplicate-id', message, idAt(i), `reports[${i}].id`))
    }
  })
  return errors
}

function toDesired(raw: Record<string, unknown>, i: number, source: YamlSource, at: At): DesiredReport {
  // Completed in place rather than copied: at 10,000 reports a second object per entry is megabytes
  // that live as long as the run. The schema has checked every key, so the entry is a DesiredReport.
  const r = toNew(raw, i, source, at) as unknown as DesiredReport
  r.id = String(raw.id).toLowerCase()
  return r
}

function dotted(path: (string | number)[], key?: string): string {
  const all = key === undefined ? path : [...path, key]
  return all.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('')
}

/** An entry completed in place (see toDesired): position, tenant and recipients' places; no id. */
function toNew(raw: Record<string, unknown>, i: number, source: YamlSource, at: At): NewReport {
  const r = raw as unknown as NewReport
  r.index = i
  if (r.tenant !== undefined) r.tenant = r.tenant.toLowerCase()
  r.at = at(source.idOffset(i))
  // Looked up only for a recipient that does not resolve: most runs never need it.
  if (Array.isArray(raw.recipients))
    r.recipientAt = (k) => at(source.mark(i).recipients?.[k] ?? source.idOffset(i))
  return r
}

const TO_CREATE = ['kind', 'level', 'result_action'] as const

/**
 * What the schema cannot say about creating and deleting, each at its place: an entry without id
 * needs what a POST needs; `state: absent` needs an id; recipients belong to `send` reports; and two
 * entries without id must not declare the same report (one would create it, the other find it).
 */
function lifecycleErrors(
  data: unknown,
  place: (path: (string | number)[], key?: string) => SourceRef,
): ConfigError[] {
  const top = data as { tenant?: unknown; reports?: unknown } | null
  if (!top || !Array.isArray(top.reports)) return []
  const errors: ConfigError[] = []
  const first = new Map<string, number>()
  top.reports.forEach((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return
    const e = raw as Record<string, unknown>
    const fail = (code: ConfigErrorCode, message: string, key?: string) =>
      errors.push(
        new ConfigError(
          code,
          message,
          place(key ? ['reports', i, key] : ['reports', i]),
          `reports[${i}]${key ? `.${key}` : ''}`,
        ),
      )
    const recipients = Array.isArray(e.recipients) ? e.recipients : undefined
    if (e.result_action === 'save' && recipients?.length)
      fail(
        'lifecycle',
        'recipients: only reports whose result_action is send have recipients (this one is save)',
        'recipients',
      )
    if (e.id !== undefined) return
    if (e.state === 'absent') {
      fail(
        'lifecycle',
        'state: absent deletes a report by its id: add `id:` with the report to delete',
        'state',
      )
      return
    }
    const missing = TO_CREATE.filter((k) => e[k] === undefined)
    if (missing.length)
      fail(
        'required',
        `an entry without id is a report to create: it needs ${missing.join(', ').replace(/, (?=[^,]*$)/, ' and ')} (or add the id of an existing report)`,
      )
    if (e.result_action === 'send' && !recipients?.length)
      fail('lifecycle', 'a report to create whose result_action is send needs recipients')
    if (missing.length) return
    const key = declaredKey(e, top.tenant)
    const seen = first.get(key)
    if (seen === undefined) first.set(key, i)
    else
      fail(
        'duplicate-report',
        `declares the same report as the entry at line ${place(['reports', seen]).line}: both would be that one report; remove one`,
      )
  })
  return errors
}

/** What an entry without id declares, as one comparable string: two equal ones are the same report. */
function declaredKey(e: Record<string, unknown>, fileTenant: unknown): string {
  const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v)
  const set = (v: unknown) => (Array.isArray(v) ? [...new Set(v.map(lower))].sort() : v)
  return JSON.stringify([
    lower(e.tenant ?? fileTenant),
    e.kind,
    e.level,
    e.result_action,
    set(e.formats),
    set(e.recipients),
    e.enabled,
    e.hide_zero_usage,
    e.show_skus,
  ])
}
