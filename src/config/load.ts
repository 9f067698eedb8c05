import type { ReportKind, ReportLevel } from '../acronis/types.js'
import { clip, ConfigError, ConfigErrors, excerpt, type SourceRef } from './errors.js'
import { indentationProblem } from './indentation.js'
import { checkSchema } from './schema.js'
import { scanLines } from './limits.js'
import { readConfigText } from './read.js'
import { parseYaml, type YamlProblem, type YamlSource } from './source.js'

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

/**
 * The text of reports.yaml: a regular file, inside `root` when given (the workspace; on the command
 * line, the current directory unless --config names the file), at most MAX_CONFIG_BYTES, UTF-8.
 * Throws ConfigErrors.
 */
export function readConfig(file: string, displayName = file, root?: string): Promise<string> {
  return readConfigText(file, displayName, { root, maxBytes: MAX_CONFIG_BYTES })
}

/** Reads and validates reports.yaml; throws ConfigErrors listing every problem, or returns the desired state. */
export async function loadConfig(file: string, displayName = file, root?: string): Promise<DesiredConfig> {
  return parseConfig(await readConfig(file, displayName, root), displayName)
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
  if (source.syntax.length) throw new ConfigErrors(syntaxErrors(text, source.syntax, at))
  if (source.aliasError) {
    throw new ConfigErrors([
      new ConfigError('alias-limit', `YAML aliases: ${clip(source.aliasError)}`, at(0)),
    ])
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

/**
 * yaml's syntax errors, except where one mistake made many of them: a tab used to indent is one
 * error at the tab (yaml adds one for each line after it that no longer lines up), and a key indented
 * wrongly is one error at its line, in plain words (yaml's is often at the line before, in its terms).
 */
function syntaxErrors(text: string, syntax: YamlProblem[], at: At): ConfigError[] {
  const tabs = syntax.filter((e) => e.code === 'TAB_AS_INDENT')
  if (tabs.length) {
    const { line } = at(tabs[0]!.offset)
    const more = tabs.length - 1
    const message =
      `line ${line} is indented with a tab; YAML indents with spaces only` +
      (more ? ` (so ${more === 1 ? 'is 1 more line' : `are ${more} more lines`} below)` : '')
    return [new ConfigError('tab', message, at(tabs[0]!.offset))]
  }
  const indentation = indentationProblem(text)
  if (indentation) {
    const where = at(indentation.offset)
    // Only when yaml's first complaint is about that place: otherwise the mistake is another one.
    const first = Math.min(...syntax.map((e) => at(e.offset).line))
    if (first >= where.line - 1) return [new ConfigError('indentation', indentation.message, where)]
  }
  return syntax.map((e) => new ConfigError('yaml-syntax', `YAML syntax: ${clip(e.message)}`, at(e.offset)))
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
