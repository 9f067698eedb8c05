import type { ErrorObject } from 'ajv'
import schema from '../../schema/reports.schema.json' with { type: 'json' }
import { didYouMean } from '../util/did-you-mean.js'
import { excerpt, type ConfigErrorCode } from './errors.js'
/**
 * The JSON Schema that editors use is the validator: one definition cannot disagree with itself.
 * Ajv compiles it to code at build time (scripts/build.mjs → reports-validator.js).
 */
import validate from './reports-validator.js'
import { pointerSegments } from '../util/json-pointer.js'

/** A schema violation, addressed by a JSON pointer path into the document. */
interface SchemaProblem {
  code: ConfigErrorCode
  /** Path segments of the value at fault (a key problem names the map holding the key). */
  path: (string | number)[]
  /** For an unknown key: the key itself, so the error can point at it rather than its map. */
  key?: string
  message: string
}

const reportKeys = Object.keys(schema.definitions.report.properties)
const topKeys = Object.keys(schema.properties)

export function checkSchema(data: unknown): SchemaProblem[] {
  if (validate(data)) return []
  const all = validate.errors ?? []
  // A failed anyOf also reports each branch's failure at the same place: keep only the anyOf.
  const anyOf = new Set(all.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath))
  return all
    .filter((e) => e.keyword === 'anyOf' || !anyOf.has(e.instancePath))
    .filter((e) => !createRule(e))
    .map(problemOf)
}

/**
 * The schema's rule for an entry without id (kind, level, result_action): for editors. The action
 * says it once per entry, in its own words (validate.ts lifecycleErrors), so these are left out here.
 */
function createRule(e: ErrorObject): boolean {
  return e.keyword === 'if' || (e.keyword === 'required' && e.schemaPath.includes('/else/'))
}

function pointerToPath(pointer: string): (string | number)[] {
  return pointerSegments(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

/** `kind`, `recipients[2]`, or `reports` at the top: the name people see in the file. */
function fieldName(path: (string | number)[]): string {
  const rel = path[0] === 'reports' && path.length > 2 ? path.slice(2) : path
  if (!rel.length) return 'the file'
  return rel.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('')
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing'
  if (typeof value === 'string') return excerpt(value)
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  return `${typeof value} ${String(value)}`
}

function problemOf(e: ErrorObject): SchemaProblem {
  const path = pointerToPath(e.instancePath)
  const field = fieldName(path)
  const inReport = path[0] === 'reports' && path.length >= 2
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty)
      const known = inReport ? reportKeys : topKeys
      const hint = didYouMean(key, known)
      const where = inReport ? 'a report' : 'the top level'
      return {
        code: 'unknown-key',
        path,
        key,
        message:
          `unknown key ${excerpt(key)} in ${where}` +
          (hint ? `; did you mean "${hint}"?` : `; expected one of: ${known.join(', ')}`),
      }
    }
    case 'required':
      return {
        code: 'required',
        path,
        message: `missing required key "${String(e.params.missingProperty)}"`,
      }
    case 'enum': {
      const allowed = (e.params.allowedValues as string[]).map(String)
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined
      return {
        code: 'enum',
        path,
        message:
          `${field}: ${show(e.data)} is not allowed; expected one of: ${allowed.join(', ')}` +
          (hint ? `. Did you mean "${hint}"?` : ''),
      }
    }
    case 'type': {
      const expected =
        e.params.type === 'array' ? 'a list' : e.params.type === 'object' ? 'a mapping' : e.params.type
      return { code: 'type', path, message: `${field}: expected ${expected}, got ${show(e.data)}` }
    }
    case 'const':
      return { code: 'version', path, message: `version: ${show(e.data)} is not supported; expected 1` }
    case 'pattern':
      return {
        code: 'uuid',
        path,
        message: `${field}: ${show(e.data)} is not a UUID (expected 8-4-4-4-12 hex digits)`,
      }
    case 'anyOf':
      return {
        code: 'recipient',
        path,
        message: /^[0-9a-f-]+$/i.test(String(e.data))
          ? `recipient ${show(e.data)} is not a valid UUID (expected 8-4-4-4-12 hex digits)`
          : `recipient ${show(e.data)} is not a user UUID, login or email`,
      }
    case 'minLength':
      return { code: 'type', path, message: `${field}: must not be empty` }
    default:
      return { code: 'type', path, message: `${field}: ${e.message ?? 'is invalid'}` }
  }
}
