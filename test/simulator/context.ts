import type { IncomingHttpHeaders } from 'node:http'
import type { LiveReport } from '../../src/acronis/types.js'
import type { Fault } from './faults.js'
import { HttpError } from './http.js'
import type { Store, TokenInfo } from './store.js'

/** One request as the handlers see it; `params` are the decoded `:name` segments in order. */
export interface RequestContext {
  store: Store
  method: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
  params: string[]
  auth: TokenInfo
  /** The PUT faults of this request (`ignoreWrite`, `afterWrite`, `refuse`), if any. */
  write: Pick<Fault, 'ignoreWrite' | 'afterWrite' | 'refuse'>
}

/** 404 for an unknown tenant, 403 for one outside the token's subtree. */
export function requireTenant(ctx: RequestContext, tenantId: string): void {
  if (!ctx.store.tenants.has(tenantId)) throw new HttpError(404, `tenant ${tenantId} not found`)
  if (!ctx.store.isWithin(tenantId, ctx.auth.tenantId)) {
    throw new HttpError(403, `no access to tenant ${tenantId}`)
  }
}

/** 404 for an unknown report, 403 for one whose tenant is outside the token's subtree. */
export function requireReport(ctx: RequestContext, id: string): LiveReport {
  const report = ctx.store.reports.get(id)
  if (!report) throw new HttpError(404, `report ${id} not found`)
  if (!ctx.store.isWithin(report.parameters.tenant_id, ctx.auth.tenantId)) {
    throw new HttpError(403, `no access to report ${id}`)
  }
  return report
}
