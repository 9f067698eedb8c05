import { describe, expect, it } from 'vitest'
import reportSchema from '../../schema/api/report.json' with { type: 'json' }
import * as answers from '../../src/acronis/answer-validators.js'
import { checked } from '../../src/acronis/answers.js'
import { ApiError } from '../../src/acronis/errors.js'
import { RESULT_ACTIONS, SCHEDULE_TYPES } from '../../src/acronis/types.js'

const ID = '20dffb36-d77b-45c6-b2fa-39276e98d5fc'
const USER = 'ca451758-b48a-45d9-9ae6-8f1059f67619'
const good = () => ({
  id: ID,
  version: 2,
  result_action: 'send',
  recipients: [USER],
  parameters: {
    tenant_id: USER,
    kind: 'usage_summary',
    level: 'accounts',
    formats: ['csv', 'json_v2_0'],
    period: { start: '2026-10-01', end: '2026-10-31' },
    hide_zero_usage: true,
    show_skus: false,
  },
  schedule: { type: 'monthly', enabled: true },
  generation_date: '2026-11-02',
})
const call = { method: 'GET', path: `/reports/${ID}`, status: 200 }

/** The problem `checked` reports for a report answer, or undefined when it passes. */
function problem(answer: unknown): string | undefined {
  try {
    checked(answers.report, answer, call)
    return undefined
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).code).toBe('invalid_response')
    return (e as ApiError).message
  }
}

const patched = (change: (r: ReturnType<typeof good>) => void) => {
  const r = good()
  change(r)
  return r
}

describe('report answers', () => {
  it('accept the documented report, with or without the optional fields', () => {
    expect(problem(good())).toBeUndefined()
    const minimal = patched((r) => {
      delete (r.parameters as Partial<typeof r.parameters>).hide_zero_usage
      delete (r.parameters as Partial<typeof r.parameters>).show_skus
      delete (r.parameters as Partial<typeof r.parameters>).period
      delete (r as Partial<typeof r>).generation_date
    })
    expect(problem(minimal)).toBeUndefined()
  })

  it.each([
    ['null', null, 'the answer is null; expected an object'],
    ['an array', [good()], 'the answer is [{"id":'],
    ['{}', {}, 'id is missing'],
    ['no parameters', patched((r) => delete (r as Partial<typeof r>).parameters), 'parameters is missing'],
    ['no schedule', patched((r) => delete (r as Partial<typeof r>).schedule), 'schedule is missing'],
    [
      'recipients a string',
      patched((r) => Object.assign(r, { recipients: USER })),
      `recipients is "${USER}"; expected an array`,
    ],
    [
      'a recipient not a UUID',
      patched((r) => (r.recipients = ['alice'])),
      'recipients[0] is "alice"; expected a UUID',
    ],
    [
      'kind a number',
      patched((r) => Object.assign(r.parameters, { kind: 5 })),
      'parameters.kind is 5; expected a string',
    ],
    [
      'level an object',
      patched((r) => Object.assign(r.parameters, { level: { $gt: '' } })),
      'parameters.level is {"$gt":""}; expected a string',
    ],
    [
      'hide_zero_usage "yes"',
      patched((r) => Object.assign(r.parameters, { hide_zero_usage: 'yes' })),
      'parameters.hide_zero_usage is "yes"; expected a boolean',
    ],
    [
      'result_action outside the enum',
      patched((r) => (r.result_action = 'archive')),
      'result_action is "archive"; expected one of: save, send',
    ],
    [
      'schedule.type outside the enum',
      patched((r) => (r.schedule.type = 'weekly')),
      'schedule.type is "weekly"; expected one of: once, monthly',
    ],
    [
      'enabled missing',
      patched((r) => delete (r.schedule as Partial<typeof r.schedule>).enabled),
      'schedule.enabled is missing',
    ],
    [
      'a period date not a date',
      patched((r) => (r.parameters.period.end = 'soon')),
      'parameters.period.end is "soon"; expected a date (YYYY-MM-DD)',
    ],
    [
      'version a string',
      patched((r) => Object.assign(r, { version: '2' })),
      'version is "2"; expected an integer',
    ],
  ])('refuse %s, naming the field and what came', (_, answer, message) => {
    expect(problem(answer)).toContain(message)
  })

  it('cut a long value short and keep the message on one line', () => {
    const message = problem(patched((r) => (r.recipients = ['x\n'.repeat(500)])))!
    expect(message).not.toMatch(/\n/)
    expect(message.length).toBeLessThan(200)
  })

  it('use the same enumerations as the code, and leave kind, level and formats to the plan', () => {
    const p = reportSchema.properties
    expect(p.result_action.enum).toEqual(RESULT_ACTIONS)
    expect(p.schedule.properties.type.enum).toEqual(SCHEDULE_TYPES)
    // A newer kind is shown by export and pull, and refused by the plan before any PUT (plan.test.ts).
    expect(problem(patched((r) => (r.parameters.kind = 'usage_quarterly')))).toBeUndefined()
    expect(problem(patched((r) => (r.parameters.formats = ['xlsx'])))).toBeUndefined()
  })
})

describe('other answers', () => {
  it('a token needs a non-empty access_token and numeric lifetimes', () => {
    expect(answers.token({ access_token: 't', expires_in: 7200 })).toBe(true)
    expect(answers.token({ access_token: '' })).toBe(false)
    expect(answers.token({ access_token: 't', expires_in: '7200' })).toBe(false)
  })

  it('a client needs a UUID tenant_id; a report list UUIDs; search and users typed items', () => {
    expect(answers.client({ client_id: 'c', tenant_id: USER })).toBe(true)
    expect(answers.client({ client_id: 'c', tenant_id: 7 })).toBe(false)
    expect(answers.reportIds({ items: [ID] })).toBe(true)
    expect(answers.reportIds({ items: [ID, '../etc'] })).toBe(false)
    expect(answers.search({ items: [{ obj_type: 'user', id: USER, login: 'alice' }] })).toBe(true)
    expect(answers.search({ items: [{ obj_type: 'user', id: USER, login: 42 }] })).toBe(false)
    expect(answers.users({ items: [{ id: USER, login: 'alice', contact: { email: 'a@b.c' } }] })).toBe(true)
    expect(answers.users({ items: [{ id: USER, login: 'alice', contact: { email: ['a@b.c'] } }] })).toBe(
      false,
    )
  })
})
