import {
  REPORT_FORMATS,
  REPORT_KINDS,
  REPORT_LEVELS,
  RESULT_ACTIONS,
  SCHEDULE_TYPES,
  type ReportCreate,
  type ReportUpdate,
} from '../../src/acronis/types.js'

/** The PUT /reports/{id} body, or the first schema violation with the field it concerns. */
export type Validation<T = ReportUpdate> =
  | { ok: true; value: T }
  | { ok: false; field: string; message: string }

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

/** A JSON object: not null, not an array (the simulator's one test of it; its store merges by it too). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const isUuid: Check = (v) => (typeof v === 'string' && UUID.test(v) ? undefined : 'must be a UUID string')
const isDate: Check = (v) =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? undefined : 'must be a date (YYYY-MM-DD)'
const formats: Check = (v) => {
  if (!Array.isArray(v)) return 'must be an array'
  return v.every((f) => typeof f === 'string' && (REPORT_FORMATS as readonly string[]).includes(f))
    ? undefined
    : `items must be one of: ${REPORT_FORMATS.join(', ')}`
}
const period: Check = (v) => {
  if (!isObject(v) || Object.keys(v).some((k) => k !== 'start' && k !== 'end')) return 'must be {start, end}'
  return isDate(v.start) ?? isDate(v.end)
}

/** The OpenAPI schema's `reportPost`: required fields, enums, and nothing else (at every level). */
const CREATE: Record<string, { required: readonly string[]; checks: Record<string, Check> }> = {
  parameters: {
    required: ['tenant_id', 'level', 'kind'],
    checks: { ...PARAMETERS, tenant_id: isUuid, formats, period },
  },
  schedule: {
    required: ['type'],
    checks: { ...SCHEDULE, type: oneOf(SCHEDULE_TYPES) },
  },
}

/** The POST /reports body, or the first schema violation with the field it concerns. */
export function validateCreate(body: unknown): Validation<ReportCreate> {
  const fail = (field: string, problem: string): Validation<ReportCreate> => ({
    ok: false,
    field,
    message: `${field} ${problem}`,
  })
  if (!isObject(body)) return fail('body', 'must be a JSON object')
  const top = ['recipients', 'result_action', 'parameters', 'schedule', 'generation_date']
  for (const key of Object.keys(body)) if (!top.includes(key)) return fail(key, 'is not allowed')
  for (const key of ['recipients', 'result_action', 'parameters', 'schedule']) {
    if (!(key in body)) return fail(key, 'is required')
  }
  const recipients = body.recipients
  if (!Array.isArray(recipients)) return fail('recipients', 'must be an array of user UUIDs')
  const bad = recipients.findIndex((r) => isUuid(r) !== undefined)
  if (bad >= 0) return fail(`recipients[${bad}]`, 'must be a UUID string')
  const action = oneOf(RESULT_ACTIONS)(body.result_action)
  if (action) return fail('result_action', action)
  if ('generation_date' in body && isDate(body.generation_date)) {
    return fail('generation_date', isDate(body.generation_date)!)
  }
  for (const [name, { required, checks }] of Object.entries(CREATE)) {
    const section = body[name]
    if (!isObject(section)) return fail(name, 'must be an object')
    for (const key of required) if (!(key in section)) return fail(`${name}.${key}`, 'is required')
    for (const [key, value] of Object.entries(section)) {
      const check = checks[key]
      if (!check) return fail(`${name}.${key}`, 'is not allowed')
      const problem = check(value)
      if (problem) return fail(`${name}.${key}`, problem)
    }
  }
  return { ok: true, value: body as unknown as ReportCreate }
}
