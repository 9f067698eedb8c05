import type { ErrorObject, ValidateFunction } from 'ajv'
import { oneLineJson } from '../util/one-line.js'
import type { Redact } from '../util/redact.js'
import { ApiError } from './errors.js'
import { pointerSegments } from '../util/json-pointer.js'

/** Where an answer came from, for the error that refuses it. */
export interface Call {
  method: string
  /** Path under the API root, without the query. */
  path: string
  status: number
}

/**
 * The answer as its validator's type, or an ApiError (`invalid_response`) naming the first field
 * that breaks the documented shape (schema/api/*.json) and what the API sent there, scrubbed by `redact`.
 */
export function checked<T>(
  validate: ValidateFunction<T>,
  answer: unknown,
  call: Call,
  redact: Redact = (text) => text,
): T {
  if (validate(answer)) return answer
  const error = validate.errors?.[0]
  // The message quotes what the server sent, which may echo a secret back: scrubbed before it is cut.
  const problem = error ? problemOf(error, redact) : 'the answer does not have the documented shape'
  throw new ApiError(call.method, call.path, call.status, 'invalid_response', redact(problem))
}

/** `/parameters/kind` → `parameters.kind`, `/recipients/0` → `recipients[0]`; the root is "the answer". */
function field(pointer: string, child?: string): string {
  const parts = pointerSegments(pointer)
  if (child !== undefined) parts.push(child)
  let out = ''
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p
  return out || 'the answer'
}

const ARTICLE: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  boolean: 'a boolean',
  integer: 'an integer',
  number: 'a number',
}

/** What one Ajv error says about the answer, in words a person can act on. */
function problemOf(e: ErrorObject, redact: Redact): string {
  const at = field(e.instancePath)
  const shown = (value: unknown) => oneLineJson(value, redact)
  switch (e.keyword) {
    case 'required':
      return `${field(e.instancePath, (e.params as { missingProperty: string }).missingProperty)} is missing`
    case 'type': {
      const type = String((e.params as { type: string }).type)
      return `${at} is ${shown(e.data)}; expected ${ARTICLE[type] ?? type}`
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues
      return `${at} is ${shown(e.data)}; expected one of: ${allowed.join(', ')}`
    }
    case 'pattern': {
      const what = (e.parentSchema as { description?: string } | undefined)?.description
      return `${at} is ${shown(e.data)}; expected ${what ?? `a match for ${String(e.schema)}`}`
    }
    case 'minLength':
      return `${at} is empty`
    default:
      return `${at} ${e.message ?? 'is not valid'} (${shown(e.data)})`
  }
}
