import { randomBytes, randomUUID } from 'node:crypto'
import type { LiveReport } from '../../src/acronis/types.js'
import { isObject } from './validate.js'

/** A tenant of the simulated hierarchy; a token reaches its own tenant and every descendant. */
export interface SimTenant {
  id: string
  parentId?: string
  name: string
}

/** An API client: what the token endpoint authenticates. */
export interface SimClient {
  clientId: string
  secret: string
  tenantId: string
  role: 'admin' | 'readonly_admin'
  /** RFC 3339, as `GET /clients/{id}` answers it. */
  createdAt: string
  /** The user who registered the client. */
  createdBy: string
  /** When a token was last issued to it, and from where; null before the first. */
  lastAccessAt?: string
  lastAccessFrom?: string
}

/** A user account, a possible report recipient. */
export interface SimUser {
  id: string
  login: string
  email: string
  tenantId: string
  firstname: string
  lastname: string
  enabled: boolean
  /** Bumped by the API on every change of the user; 1 here. */
  version: number
}

/** What an access token remembers. */
export interface TokenInfo {
  clientId: string
  tenantId: string
  role: SimClient['role']
  expiresAt: number
}

/** Optional all the way down; an explicit `undefined` removes a default (e.g. `hide_zero_usage`). */
export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K]
}

/** The simulated world as data: what `--state FILE` keeps across restarts. */
export interface SimState {
  version: 1
  /** Parents before their children, as they must be added. */
  tenants: SimTenant[]
  clients: SimClient[]
  users: SimUser[]
  reports: LiveReport[]
}

/** Creation time of seeded objects: fixed, so answers stay deterministic. */
export const FIXED_TIME = '2026-01-05T09:00:00Z'

/** All simulated data, indexed so that 10,000 reports cost no scans. */
export class Store {
  readonly tenants = new Map<string, SimTenant>()
  readonly clients = new Map<string, SimClient>()
  readonly users = new Map<string, SimUser>()
  readonly reports = new Map<string, LiveReport>()
  readonly tokens = new Map<string, TokenInfo>()
  private readonly children = new Map<string, string[]>()
  private readonly usersByTenant = new Map<string, Set<string>>()
  private readonly reportsByTenant = new Map<string, Set<string>>()

  constructor(public tokenTtlSeconds: number) {}

  addTenant(input: { id?: string; parentId?: string; name?: string } = {}): SimTenant {
    const id = input.id ?? randomUUID()
    if (this.tenants.has(id)) throw new Error(`simulator: tenant ${id} already exists`)
    if (input.parentId !== undefined) this.requireTenant(input.parentId)
    const tenant: SimTenant = { id, name: input.name ?? `Tenant ${this.tenants.size + 1}` }
    if (input.parentId !== undefined) {
      tenant.parentId = input.parentId
      const siblings = this.children.get(input.parentId)
      if (siblings) siblings.push(id)
      else this.children.set(input.parentId, [id])
    }
    this.tenants.set(id, tenant)
    return { ...tenant }
  }

  addClient(input: {
    clientId?: string
    secret?: string
    tenantId: string
    role?: SimClient['role']
  }): SimClient {
    this.requireTenant(input.tenantId)
    const client: SimClient = {
      clientId: input.clientId ?? randomUUID(),
      secret: input.secret ?? randomBytes(16).toString('hex'),
      tenantId: input.tenantId,
      role: input.role ?? 'admin',
      createdAt: FIXED_TIME,
      createdBy: randomUUID(),
    }
    this.clients.set(client.clientId, client)
    return { ...client }
  }

  addUser(input: Partial<SimUser> & { login: string; tenantId: string }): SimUser {
    this.requireTenant(input.tenantId)
    const user: SimUser = {
      id: input.id ?? randomUUID(),
      login: input.login,
      email: input.email ?? `${input.login}@example.com`,
      tenantId: input.tenantId,
      firstname: input.firstname ?? '',
      lastname: input.lastname ?? '',
      enabled: input.enabled ?? true,
      version: input.version ?? 1,
    }
    const previous = this.users.get(user.id)
    if (previous) this.usersByTenant.get(previous.tenantId)?.delete(user.id)
    this.users.set(user.id, user)
    indexAdd(this.usersByTenant, user.tenantId, user.id)
    return { ...user }
  }

  addReport(partial: DeepPartial<LiveReport> = {}): LiveReport {
    const tenantId = partial.parameters?.tenant_id ?? this.tenants.keys().next().value
    if (tenantId === undefined) throw new Error('simulator: add a tenant before adding reports')
    this.requireTenant(tenantId)
    // Fixed dates (the guide's example) keep fixtures and snapshots deterministic.
    const defaults: LiveReport = {
      id: randomUUID(),
      version: 1,
      result_action: 'send',
      recipients: [],
      parameters: {
        tenant_id: tenantId,
        kind: 'usage_summary',
        level: 'accounts',
        formats: ['csv'],
        period: { start: '2026-10-01', end: '2026-10-31' },
        hide_zero_usage: true,
        show_skus: false,
      },
      schedule: { type: 'monthly', enabled: true },
      generation_date: '2026-11-02',
    }
    const report = deepMerge(defaults, partial) as LiveReport
    this.deleteReport(report.id)
    this.reports.set(report.id, report)
    indexAdd(this.reportsByTenant, report.parameters.tenant_id, report.id)
    return structuredClone(report)
  }

  /** Merges `patch` into a stored report the way `addReport` merges into its defaults. */
  patchReport(id: string, patch: DeepPartial<LiveReport>): LiveReport {
    const current = this.reports.get(id)
    if (!current) throw new Error(`simulator: unknown report ${id}`)
    const next = deepMerge(current, patch) as LiveReport
    if (next.id !== id) throw new Error('simulator: patchReport cannot change a report id')
    this.requireTenant(next.parameters.tenant_id)
    this.reportsByTenant.get(current.parameters.tenant_id)?.delete(id)
    indexAdd(this.reportsByTenant, next.parameters.tenant_id, id)
    this.reports.set(id, next)
    return structuredClone(next)
  }

  /** Stores a whole report as given (a created one, or one restored from a snapshot). */
  insertReport(report: LiveReport): void {
    this.requireTenant(report.parameters.tenant_id)
    this.reports.set(report.id, report)
    indexAdd(this.reportsByTenant, report.parameters.tenant_id, report.id)
  }

  deleteReport(id: string): boolean {
    const report = this.reports.get(id)
    if (!report) return false
    this.reports.delete(id)
    this.reportsByTenant.get(report.parameters.tenant_id)?.delete(id)
    return true
  }

  issueToken(clientId?: string): { token: string; info: TokenInfo } {
    const client = clientId === undefined ? this.defaultClient() : this.clients.get(clientId)
    if (!client) throw new Error(`simulator: unknown client ${clientId}`)
    client.lastAccessAt = new Date().toISOString()
    client.lastAccessFrom = '127.0.0.1'
    const token = randomBytes(36).toString('base64url')
    const info: TokenInfo = {
      clientId: client.clientId,
      tenantId: client.tenantId,
      role: client.role,
      expiresAt: Date.now() + this.tokenTtlSeconds * 1000,
    }
    this.tokens.set(token, info)
    return { token, info }
  }

  expireTokens(): void {
    for (const info of this.tokens.values()) info.expiresAt = 0
  }

  /** True when `tenantId` is `rootId` or below it: the reach of a token issued in `rootId`. */
  isWithin(tenantId: string, rootId: string): boolean {
    for (let t = this.tenants.get(tenantId); t; t = t.parentId ? this.tenants.get(t.parentId) : undefined) {
      if (t.id === rootId) return true
    }
    return false
  }

  /** `rootId` and its descendants, parents before children. */
  subtree(rootId: string): string[] {
    const out = [rootId]
    for (let i = 0; i < out.length; i++) out.push(...(this.children.get(out[i]!) ?? []))
    return out
  }

  reportIdsOf(tenantId: string): string[] {
    return [...(this.reportsByTenant.get(tenantId) ?? [])]
  }

  userIdsOf(tenantId: string): string[] {
    return [...(this.usersByTenant.get(tenantId) ?? [])]
  }

  snapshot(): SimState {
    return structuredClone({
      version: 1,
      tenants: [...this.tenants.values()],
      clients: [...this.clients.values()],
      users: [...this.users.values()],
      reports: [...this.reports.values()],
    })
  }

  restore(state: SimState): void {
    if (state.version !== 1) throw new Error(`simulator: unknown state version ${String(state.version)}`)
    for (const t of state.tenants) this.addTenant(t)
    for (const c of state.clients) this.clients.set(c.clientId, { ...c })
    for (const u of state.users) this.addUser(u)
    // As stored, not merged into addReport's defaults: a field the report lacks stays absent.
    for (const r of state.reports) this.insertReport(structuredClone(r))
  }

  private requireTenant(id: string): void {
    if (!this.tenants.has(id)) throw new Error(`simulator: unknown tenant ${id}`)
  }

  /** Tests that only want "a token" get one for the first client, created on demand. */
  private defaultClient(): SimClient {
    const first = this.clients.values().next().value
    if (first) return first
    const tenantId = this.tenants.keys().next().value ?? this.addTenant().id
    return this.clients.get(this.addClient({ tenantId }).clientId)!
  }
}

function indexAdd(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key)
  if (!set) index.set(key, (set = new Set()))
  set.add(id)
}

/** Objects merge key by key, arrays and scalars replace, and an own `undefined` deletes the key. */
function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return structuredClone(patch)
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key]
    else out[key] = deepMerge(out[key], value)
  }
  return out
}
