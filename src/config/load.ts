import { readFile, stat } from 'node:fs/promises'
import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml'
import type { ReportKind, ReportLevel } from '../acronis/types.js'
import { ConfigError, ConfigErrors, type SourceRef } from './errors.js'
import { checkSchema } from './schema.js'

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
  /** Where the entry starts, and where each recipient is, for errors found after parsing. */
  at: SourceRef
  recipientsAt?: SourceRef[]
}

/** The desired state read from one file. */
export interface DesiredConfig {
  file: string
  reports: DesiredReport[]
}

/** Large providers declare thousands of reports (~250 bytes each); anything near this is not a config. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024
/** Far above any honest use of anchors, far below what a billion-laughs document needs. */
const MAX_ALIAS_COUNT = 1000

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
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false })
  const at = (offset: number, end?: number): SourceRef => {
    const p = lines.linePos(offset)
    const ref: SourceRef = { file, line: p.line, column: p.col }
    if (end !== undefined) {
      const q = lines.linePos(end)
      ref.endLine = q.line
      ref.endColumn = q.col
    }
    return ref
  }

  const syntax = doc.errors.map(
    (e) => new ConfigError('yaml-syntax', `YAML syntax: ${e.message.split('\n')[0]}`, at(e.pos[0])),
  )
  if (syntax.length) throw new ConfigErrors(syntax)

  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (e) {
    // yaml refuses documents whose aliases expand past maxAliasCount (the "billion laughs" attack).
    throw new ConfigErrors([new ConfigError('alias-limit', `YAML aliases: ${(e as Error).message}`, at(0))])
  }

  const errors = checkSchema(data ?? null).map((p) => {
    const node = nodeAt(doc, p.path, p.key)
    const range = node?.range
    return new ConfigError(p.code, p.message, range ? at(range[0], range[1]) : at(0), dotted(p.path, p.key))
  })
  errors.push(...duplicateIds(doc, data, at))
  if (errors.length) throw new ConfigErrors(errors.sort((a, b) => a.line - b.line || a.column - b.column))
  const reports = toDesired(doc, data as { reports: Record<string, unknown>[] }, at)
  return { file, reports }
}

type At = (offset: number, end?: number) => SourceRef

/** Two entries for one report would fight each other; found even when other entries have errors. */
function duplicateIds(doc: Document, data: unknown, at: At): ConfigError[] {
  const reports = (data as { reports?: unknown } | null)?.reports
  if (!Array.isArray(reports)) return []
  const first = new Map<string, number>()
  const errors: ConfigError[] = []
  reports.forEach((r: unknown, i) => {
    const id = (r as { id?: unknown } | null)?.id
    if (typeof id !== 'string') return
    const key = id.toLowerCase()
    const node = doc.getIn(['reports', i, 'id'], true)
    const here = isNode(node) && node.range ? at(node.range[0]) : at(0)
    const seen = first.get(key)
    if (seen === undefined) first.set(key, here.line)
    else
      errors.push(
        new ConfigError(
          'duplicate-id',
          `duplicate report id ${id} (first declared at line ${seen})`,
          here,
          `reports[${i}].id`,
        ),
      )
  })
  return errors
}

function toDesired(doc: Document, data: { reports: Record<string, unknown>[] }, at: At): DesiredReport[] {
  const seq = doc.get('reports', true)
  const items = isSeq(seq) ? seq.items : []
  return data.reports.map((raw, i) => {
    const node = items[i]
    const idNode = isMap(node) ? node.get('id', true) : undefined
    const start = (isNode(idNode) && idNode.range) || (isNode(node) && node.range) || [0, 0]
    const r: DesiredReport = {
      ...(raw as Partial<DesiredReport>),
      id: String(raw.id).toLowerCase(),
      at: at(start[0]),
    }
    const recipients = isMap(node) ? node.get('recipients', true) : undefined
    if (isSeq(recipients)) {
      r.recipientsAt = recipients.items.map((n) => at(isNode(n) && n.range ? n.range[0] : start[0]))
    }
    return r
  })
}

/** The YAML node at a path; for an unknown key, the key's own node so the annotation lands on it. */
function nodeAt(doc: Document, path: (string | number)[], key?: string) {
  const node = path.length ? doc.getIn(path, true) : doc.contents
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key)
    if (pair && isNode(pair.key)) return pair.key
  }
  return isNode(node) ? node : undefined
}

function dotted(path: (string | number)[], key?: string): string {
  const all = key === undefined ? path : [...path, key]
  return all.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('')
}
