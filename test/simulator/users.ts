import { HttpError, type Reply } from './http.js'
import { requireTenant, type RequestContext } from './context.js'
import type { SimUser } from './store.js'

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
  return { status: 200, body: { items } }
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
  for (const tenantId of ctx.store.subtree(tenant)) {
    if (items.length >= limit) break
    const t = ctx.store.tenants.get(tenantId)!
    // A tenant "lives in" its parent, as a user lives in its tenant; a root lives in itself.
    if (hit(t.name)) items.push({ obj_type: 'tenant', id: t.id, name: t.name, tenant_id: t.parentId ?? t.id })
    for (const userId of ctx.store.userIdsOf(tenantId)) {
      const u = ctx.store.users.get(userId)!
      if (!hit(u.login, u.email, u.firstname, u.lastname)) continue
      const name = [u.firstname, u.lastname].filter(Boolean).join(' ') || u.login
      items.push({ obj_type: 'user', id: u.id, login: u.login, name, tenant_id: u.tenantId })
    }
  }
  return { status: 200, body: { items: items.slice(0, limit) } }
}

function userJson(user: SimUser) {
  return {
    id: user.id,
    login: user.login,
    tenant_id: user.tenantId,
    contact: { email: user.email, firstname: user.firstname, lastname: user.lastname },
    enabled: user.enabled,
  }
}
