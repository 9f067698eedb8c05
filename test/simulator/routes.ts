import { authenticate, tokenEndpoint } from './auth.js'
import { requireReport, requireTenant, type RequestContext } from './context.js'
import { errorReply, HttpError, type Reply } from './http.js'
import { searchEndpoint, usersEndpoint } from './users.js'
import { randomUUID } from 'node:crypto'
import type { LiveReport } from '../../src/acronis/types.js'
import { validateCreate, validateUpdate } from './validate.js'

type Handler = (ctx: RequestContext) => Reply

const ROUTES: { pattern: string[]; handlers: Record<string, Handler> }[] = [
  { pattern: ['clients', ':id'], handlers: { GET: getClient } },
  { pattern: ['tenants', ':id', 'reports'], handlers: { GET: tenantReports } },
  { pattern: ['tenants', ':id', 'users'], handlers: { GET: tenantUsers } },
  { pattern: ['reports'], handlers: { POST: postReport } },
  { pattern: ['reports', ':id'], handlers: { GET: getReport, PUT: putReport, DELETE: deleteReport } },
  { pattern: ['users'], handlers: { GET: usersEndpoint } },
  { pattern: ['search'], handlers: { GET: searchEndpoint } },
]

/** Routes a request whose path is relative to `/api/2` (e.g. `/reports/abc`). */
export function dispatch(ctx: Omit<RequestContext, 'params' | 'auth'>, path: string): Reply {
  if (path === '/idp/token') {
    return ctx.method === 'POST'
      ? tokenEndpoint(ctx.store, ctx.headers, ctx.body)
      : errorReply(405, `${ctx.method} is not allowed on ${path}`, undefined, { Allow: 'POST' })
  }
  const segments = path.split('/').slice(1)
  for (const { pattern, handlers } of ROUTES) {
    if (pattern.length !== segments.length) continue
    if (!pattern.every((part, i) => part.startsWith(':') || part === segments[i])) continue
    const handler = Object.hasOwn(handlers, ctx.method) ? handlers[ctx.method] : undefined
    if (!handler) {
      const allow = Object.keys(handlers).join(', ')
      return errorReply(405, `${ctx.method} is not allowed on ${path}`, undefined, { Allow: allow })
    }
    try {
      const params = pattern.flatMap((part, i) => (part.startsWith(':') ? [decodePart(segments[i]!)] : []))
      const auth = authenticate(ctx.store, ctx.headers.authorization)
      return handler({ ...ctx, params, auth })
    } catch (error) {
      if (error instanceof HttpError) return errorReply(error.status, error.message, error.info)
      throw error
    }
  }
  return errorReply(404, `no route for ${ctx.method} ${path}`)
}

function decodePart(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new HttpError(400, `malformed path segment ${segment}`)
  }
}

function getClient(ctx: RequestContext): Reply {
  const client = ctx.store.clients.get(ctx.params[0]!)
  if (!client) throw new HttpError(404, `client ${ctx.params[0]} not found`)
  requireTenant(ctx, client.tenantId)
  // Every field the vendor's `client` schema requires, as a data center answers it.
  const body = {
    client_id: client.clientId,
    tenant_id: client.tenantId,
    type: 'api_client',
    status: 'enabled',
    data: { client_name: `simulator ${client.role}` },
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret_expires_at: 0,
    created_at: client.createdAt,
    created_by: client.createdBy,
    last_access_at: client.lastAccessAt ?? null,
    last_access_from_ip: client.lastAccessFrom ?? null,
  }
  return { status: 200, body }
}

function tenantReports(ctx: RequestContext): Reply {
  requireTenant(ctx, ctx.params[0]!)
  return { status: 200, body: { items: ctx.store.reportIdsOf(ctx.params[0]!) } }
}

function tenantUsers(ctx: RequestContext): Reply {
  requireTenant(ctx, ctx.params[0]!)
  return { status: 200, body: { items: ctx.store.userIdsOf(ctx.params[0]!) } }
}

// Handlers may answer the live stored object: `send` serializes it before anything else can run.
function getReport(ctx: RequestContext): Reply {
  return { status: 200, body: requireReport(ctx, ctx.params[0]!) }
}

/** The request's JSON body: 415 unless labelled application/json, 400 unless it parses. */
function jsonBody(ctx: RequestContext): unknown {
  const type = (ctx.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') {
    throw new HttpError(415, 'Content-Type must be application/json', `got ${type || 'none'}`)
  }
  try {
    return JSON.parse(ctx.body)
  } catch {
    throw new HttpError(400, 'request body is not valid JSON')
  }
}

function putReport(ctx: RequestContext): Reply {
  const body = jsonBody(ctx)
  const validation = validateUpdate(body)
  if (!validation.ok) throw new HttpError(400, validation.message, validation.field)
  const refused = ctx.write.refuse?.find((field) => carries(validation.value, field))
  if (refused) throw new HttpError(400, `${refused} cannot be changed`, refused)
  const report = requireReport(ctx, ctx.params[0]!)
  if (ctx.auth.role !== 'admin') throw new HttpError(403, 'a readonly_admin cannot modify reports')
  // The doc leaves this status undocumented (clients must not send such a PUT); 400 is our pick.
  if (report.schedule.type === 'once') throw new HttpError(400, 'only scheduled reports can be updated')
  // "must be used only when result_action is send": sending it at all, even [], is the misuse.
  if (validation.value.recipients !== undefined && report.result_action !== 'send') {
    throw new HttpError(400, 'recipients must be used only when result_action is send', 'recipients')
  }
  if (ctx.write.ignoreWrite) return { status: 200, body: report }

  const { recipients, parameters, schedule } = validation.value
  if (recipients !== undefined) report.recipients = [...recipients]
  if (parameters !== undefined) Object.assign(report.parameters, parameters)
  if (schedule !== undefined) report.schedule.enabled = schedule.enabled
  // Every accepted write is a new version, even one that changes nothing.
  report.version += 1
  ctx.write.afterWrite?.(report)
  return { status: 200, body: report }
}

/** True when `body` has `field`, a dotted path such as `parameters.show_skus`. */
function carries(body: unknown, field: string): boolean {
  let node = body
  for (const key of field.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return false
    node = (node as Record<string, unknown>)[key]
  }
  return true
}

/**
 * POST /reports (the vendor's `reportPost`): validated like the schema, then the rules the guide adds;
 * answers 200 with the full report, as the document says (not 201).
 */
function postReport(ctx: RequestContext): Reply {
  const validation = validateCreate(jsonBody(ctx))
  if (!validation.ok) throw new HttpError(400, validation.message, validation.field)
  const body = validation.value
  requireTenant(ctx, body.parameters.tenant_id)
  if (ctx.auth.role !== 'admin') throw new HttpError(403, 'a readonly_admin cannot create reports')
  // "Yes (if result_action is send)", and "must be used only when result_action is send".
  if (body.result_action === 'send' && body.recipients.length === 0) {
    throw new HttpError(400, 'recipients are required when result_action is send', 'recipients')
  }
  if (body.result_action === 'save' && body.recipients.length > 0) {
    throw new HttpError(400, 'recipients must be used only when result_action is send', 'recipients')
  }
  const { formats, period, hide_zero_usage, show_skus, ...required } = body.parameters
  if (body.schedule.type === 'once' && period === undefined) {
    throw new HttpError(400, 'a one-time report needs parameters.period', 'parameters.period')
  }
  // Fixed dates, as seeded reports have: answers stay deterministic. The vendor does not document which
  // formats a report without `formats` gets; this stand-in picks csv.
  const report: LiveReport = {
    id: randomUUID(),
    version: 1,
    result_action: body.result_action,
    recipients: [...body.recipients],
    parameters: {
      ...required,
      formats: formats ? [...formats] : ['csv'],
      period: period ?? { start: '2026-10-01', end: '2026-10-31' },
      ...(hide_zero_usage === undefined ? {} : { hide_zero_usage }),
      ...(show_skus === undefined ? {} : { show_skus }),
    },
    schedule: { type: body.schedule.type, enabled: body.schedule.enabled ?? true },
    generation_date: body.generation_date ?? '2026-11-02',
  }
  ctx.store.insertReport(report)
  return { status: 200, body: report }
}

/** DELETE /reports/{id}?version=N: the version is required, and a stale one is a conflict. */
function deleteReport(ctx: RequestContext): Reply {
  const version = ctx.query.get('version')
  if (version === null || !/^-?\d+$/.test(version)) {
    throw new HttpError(400, 'the query parameter version (an integer) is required', 'version')
  }
  const report = requireReport(ctx, ctx.params[0]!)
  if (ctx.auth.role !== 'admin') throw new HttpError(403, 'a readonly_admin cannot delete reports')
  if (Number(version) !== report.version) {
    throw new HttpError(
      409,
      `version ${version} is not the current version of report ${report.id}`,
      'version',
    )
  }
  ctx.store.deleteReport(report.id)
  return { status: 204 }
}
