import { HttpError, type Reply } from './http.js'
import { requireTenant, type RequestContext } from './context.js'
import { FIXED_TIME, type SimUser } from './store.js'

const MAX_UUIDS = 100

/** `GET /users?uuids=a,b`: unknown ids, and users outside the token's subtree, are silently left out. */
export function usersEndpoint(ctx: RequestContext): Reply {
  const raw = ctx.query.get('uuids')
  if (raw === null || raw.trim() === '')
    throw new HttpError(400, 'query parameter uuids is required', 'uuids')
  const ids = [...new Set(raw.split(',').map((id) => id.trim()))].filter((id) => id !== '')
  if (ids.length > MAX_UUIDS) {
    throw new HttpError(400, `uuids accepts at most ${MAX_UUIDS} ids, got ${ids.length}`, 'uuids')
  }
  const items = ids.flatMap((id) => {
    const user = ctx.store.users.get(id)
    return user && ctx.store.isWithin(user.tenantId, ctx.auth.tenantId) ? [userJson(user)] : []
  })
  return { status: 200, body: { items, timestamp: new Date().toISOString() } }
}

/**
 * `GET /search?tenant=&text=&limit=`: users (login, email, names) and tenants (name) of the tenant's
 * subtree whose value contains `text`, case-insensitively. The real index matches word prefixes; a
 * substring match finds a superset, which is what a client confirming matches must cope with anyway.
 * Results never carry an email (the doc says so), so clients must confirm email hits via /users.
 */
export function searchEndpoint(ctx: RequestContext): Reply {
  const tenant = ctx.query.get('tenant')
  const text = ctx.query.get('text')
  if (!tenant) throw new HttpError(400, 'query parameter tenant is required', 'tenant')
  if (text === null || text === '') throw new HttpError(400, 'query parameter text is required', 'text')
  const limitParam = ctx.query.get('limit')
  const limit = limitParam === null ? 10 : Number(limitParam)
  if (!Number.isInteger(limit) || limit < 1)
    throw new HttpError(400, 'limit must be a positive integer', 'limit')
  requireTenant(ctx, tenant)

  const needle = text.toLowerCase()
  const hit = (...values: string[]) => values.some((v) => v.toLowerCase().includes(needle))
  const items: Record<string, unknown>[] = []
  // `path`: the names of the tenants between the search root and the object, the root included.
  const paths = new Map<string, string[]>()
  for (const tenantId of ctx.store.subtree(tenant)) {
    if (items.length >= limit) break
    const t = ctx.store.tenants.get(tenantId)!
    const above = tenantId === tenant ? [] : paths.get(t.parentId!)!
    paths.set(tenantId, [...above, t.name])
    // A tenant's parent_id is its parent's id; a root is its own parent.
    if (hit(t.name)) {
      const names = { first_name: null, last_name: null, deleted_at: null }
      const item = { obj_type: 'tenant', id: t.id, parent_id: t.parentId ?? t.id }
      items.push({ ...item, path: above, name: t.name, ...names })
    }
    for (const userId of ctx.store.userIdsOf(tenantId)) {
      const u = ctx.store.users.get(userId)!
      if (!hit(u.login, u.email, u.firstname, u.lastname)) continue
      const names = { first_name: u.firstname || null, last_name: u.lastname || null, deleted_at: null }
      const item = { obj_type: 'user', id: u.id, parent_id: u.tenantId, path: paths.get(tenantId) }
      items.push({ ...item, login: u.login, ...names })
    }
  }
  return { status: 200, body: { items: items.slice(0, limit) } }
}

/** A user as the vendor's full user schema (lod=full, the default) has it: every required field. */
function userJson(user: SimUser) {
  return {
    id: user.id,
    version: user.version,
    tenant_id: user.tenantId,
    login: user.login,
    enabled: user.enabled,
    activated: true,
    contact: {
      email: user.email,
      firstname: user.firstname,
      lastname: user.lastname,
      types: [],
      created_at: FIXED_TIME,
      updated_at: FIXED_TIME,
    },
    created_at: FIXED_TIME,
    updated_at: FIXED_TIME,
    deleted_at: null,
    access_policies: [],
    origin_id: null,
    origin_external_id: null,
    disable_after: null,
    personal_tenant_id: null,
    language: 'en',
    business_types: [],
    notifications: ['reports'],
    mfa_status: 'disabled',
  }
}
