import { REPORT_KINDS, REPORT_LEVELS, type ReportUpdate } from '../../src/acronis/types.js'

/** The PUT /reports/{id} body, or the first schema violation with the field it concerns. */
export type Validation = { ok: true; value: ReportUpdate } | { ok: false; field: string; message: string }

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A field check: the problem, or undefined when the value is fine. */
type Check = (value: unknown) => string | undefined

const isBoolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean')
const oneOf =
  (allowed: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && allowed.includes(v) ? undefined : `must be one of: ${allowed.join(', ')}`

/**
 * The OpenAPI schema's `reportPut` (test/contract), with `additionalProperties: false` at every level
 * where the document has it at the top only: a stand-in that refuses more catches more.
 */
const PARAMETERS: Record<string, Check> = {
  kind: oneOf(REPORT_KINDS),
  level: oneOf(REPORT_LEVELS),
  hide_zero_usage: isBoolean,
  show_skus: isBoolean,
}
const SCHEDULE: Record<string, Check> = { enabled: isBoolean }

export function validateUpdate(body: unknown): Validation {
  const fail = (field: string, problem: string): Validation => ({
    ok: false,
    field,
    message: `${field} ${problem}`,
  })
  if (!isObject(body)) return fail('body', 'must be a JSON object')
  for (const key of Object.keys(body)) {
    if (!['recipients', 'parameters', 'schedule'].includes(key)) return fail(key, 'is not allowed')
  }
  if ('recipients' in body) {
    const recipients = body.recipients
    if (!Array.isArray(recipients)) return fail('recipients', 'must be an array of user UUIDs')
    const bad = recipients.findIndex((r) => typeof r !== 'string' || !UUID.test(r))
    if (bad >= 0) return fail(`recipients[${bad}]`, 'must be a UUID string')
  }
  for (const [name, schema] of [
    ['parameters', PARAMETERS],
    ['schedule', SCHEDULE],
  ] as const) {
    if (!(name in body)) continue
    const section = body[name]
    if (!isObject(section)) return fail(name, 'must be an object')
    for (const [key, value] of Object.entries(section)) {
      const check = schema[key]
      if (!check) return fail(`${name}.${key}`, 'is not allowed')
      const problem = check(value)
      if (problem) return fail(`${name}.${key}`, problem)
    }
  }
  if (isObject(body.schedule) && !('enabled' in body.schedule)) {
    return fail('schedule.enabled', 'is required when schedule is sent')
  }
  return { ok: true, value: body as ReportUpdate }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
