import { readFile, stat } from 'node:fs/promises'
import type { ReportKind, ReportLevel } from '../acronis/types.js'
import { ConfigError, ConfigErrors, type SourceRef } from './errors.js'
import { checkSchema } from './schema.js'
import { scanLines } from './limits.js'
import { parseYaml, type YamlSource } from './source.js'

/** One report as reports.yaml declares it. A field left undefined is not managed. */
export interface DesiredReport {
  /** Lower-cased UUID. */
  id: string
  name?: string
  kind?: ReportKind
  level?: ReportLevel
  /** As written: user UUIDs, logins or emails. */
  recipients?: string[]
  enabled?: boolean
  hide_zero_usage?: boolean
  show_skus?: boolean
  /** Where the entry's id is, and where its k-th recipient is, for errors found after parsing. */
  at: SourceRef
  recipientAt?: (k: number) => SourceRef
}

/** The desired state read from one file. */
export interface DesiredConfig {
  file: string
  reports: DesiredReport[]
}

/** Large providers declare thousands of reports (~250 bytes each); anything near this is not a config. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024

/** Reads and validates reports.yaml; throws ConfigErrors listing every problem, or returns the desired state. */
export async function loadConfig(file: string, displayName = file): Promise<DesiredConfig> {
  const top: SourceRef = { file: displayName, line: 1, column: 1 }
  let size: number
  try {
    size = (await stat(file)).size
  } catch {
    throw new ConfigErrors([new ConfigError('file-missing', `configuration file not found: ${file}`, top)])
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigErrors([
      new ConfigError(
        'file-too-large',
        `configuration file is ${size} bytes; the limit is ${MAX_CONFIG_BYTES}`,
        top,
      ),
    ])
  }
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new ConfigErrors([
      new ConfigError('file-unreadable', `cannot read ${file}: ${(e as Error).message}`, top),
    ])
  }
  return parseConfig(text, displayName)
}

/** Parses and validates the text of reports.yaml (pure: no I/O). */
export function parseConfig(text: string, file: string): DesiredConfig {
  const { lines, limit } = scanLines(text)
  const at: At = (offset, end) => {
    const p = lines.linePos(offset)
    const start = { file, line: p.line, column: p.col }
    if (end === undefined) return start
    const q = lines.linePos(end)
    return { ...start, endLine: q.line, endColumn: q.col }
  }
  if (limit) throw new ConfigErrors([new ConfigError('yaml-limit', limit.message, at(limit.offset))])
  const source = parseYaml(text)
  if (source.limit) {
    throw new ConfigErrors([new ConfigError('yaml-limit', source.limit.message, at(source.limit.offset))])
  }
  if (source.syntax.length) {
    throw new ConfigErrors(
      source.syntax.map((e) => new ConfigError('yaml-syntax', `YAML syntax: ${e.message}`, at(e.offset))),
    )
  }
  if (source.aliasError) {
    throw new ConfigErrors([new ConfigError('alias-limit', `YAML aliases: ${source.aliasError}`, at(0))])
  }
  const place = (path: (string | number)[], key?: string) => {
    const { node, base } = source.locate(path, key)
    return node?.range ? at(base + node.range[0], base + node.range[1]) : at(0)
  }
  const errors = checkSchema(source.data ?? null).map(
    (p) => new ConfigError(p.code, p.message, place(p.path, p.key), dotted(p.path, p.key)),
  )
  errors.push(...duplicateIds(source.data, (i) => at(source.idOffset(i))))
  if (errors.length) throw new ConfigErrors(errors.sort((a, b) => a.line - b.line || a.column - b.column))
  const reports = (source.data as { reports: Record<string, unknown>[] }).reports.map((raw, i) =>
    toDesired(raw, i, source, at),
  )
  return { file, reports }
}

/** 1-based line and column of a file offset (and of where the thing there ends), as annotations want them. */
type At = (offset: number, end?: number) => SourceRef

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
      const message = `duplicate report id ${id} (first declared at line ${idAt(seen).line})`
      errors.push(new ConfigError('duplicate-id', message, idAt(i), `reports[${i}].id`))
    }
  })
  return errors
}

function toDesired(raw: Record<string, unknown>, i: number, source: YamlSource, at: At): DesiredReport {
  // Completed in place rather than copied: at 10,000 reports a second object per entry is megabytes
  // that live as long as the run. The schema has checked every key, so the entry is a DesiredReport.
  const r = raw as unknown as DesiredReport
  r.id = String(raw.id).toLowerCase()
  r.at = at(source.idOffset(i))
  // Looked up only for a recipient that does not resolve: most runs never need it.
  if (Array.isArray(raw.recipients))
    r.recipientAt = (k) => at(source.mark(i).recipients?.[k] ?? source.idOffset(i))
  return r
}

function dotted(path: (string | number)[], key?: string): string {
  const all = key === undefined ? path : [...path, key]
  return all.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('')
}
