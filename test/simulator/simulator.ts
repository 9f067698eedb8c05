import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { LiveReport } from '../../src/acronis/types.js'
import { FaultPlan, type Fault, type RandomFaultOptions } from './faults.js'
import { errorBody, errorReply, send, type Reply } from './http.js'
import { RequestLog, type LoggedRequest } from './log.js'
import { TokenBucket, type RateLimitOptions } from './rate-limit.js'
import { dispatch } from './routes.js'
import {
  Store,
  type DeepPartial,
  type SimClient,
  type SimState,
  type SimTenant,
  type SimUser,
} from './store.js'

/** How to start the simulator; every field is optional. */
export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0: an ephemeral port. */
  port?: number
  /** Lifetime of issued tokens; default 7200 (the real 2 hours). */
  tokenTtlSeconds?: number
  /** Delay before every request is handled; default 0. */
  latencyMs?: number
  /** A rate limit it enforces without announcing it (429 once the bucket is empty); default none. */
  rateLimit?: RateLimitOptions
  /** Called after every write the API accepted (a PUT, POST or DELETE handled 2xx): `npm run simulator --state` saves then. */
  onWrite?: () => void
}

const API_ROOT = '/api/2'
const WRITES = ['PUT', 'POST', 'DELETE']

/** A live Account Management API v2 on a local port: seed it, script faults, read the request log. */
export class Simulator {
  /** The data-center URL; the API root is `url + '/api/2'`. */
  readonly url: string
  latencyMs: number
  private readonly log = new RequestLog()
  private closing: Promise<void> | undefined
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly faults = new FaultPlan()
  private readonly onWrite?: () => void
  private bucket: TokenBucket | undefined

  private constructor(
    private readonly server: Server,
    private readonly store: Store,
    options: SimulatorOptions,
  ) {
    this.onWrite = options.onWrite
    const { address, family, port } = server.address() as AddressInfo
    this.url = `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`
    this.latencyMs = options.latencyMs ?? 0
    this.rateLimit(options.rateLimit ?? null)
    server.on('connection', () => void this.log.connections++)
    server.on('request', (req, res) => this.onRequest(req, res))
  }

  static async start(options: SimulatorOptions = {}): Promise<Simulator> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
    })
    return new Simulator(server, new Store(options.tokenTtlSeconds ?? 7200), options)
  }

  get apiUrl(): string {
    return this.url + API_ROOT
  }

  // ---- seeding ----
  addTenant(tenant?: { id?: string; parentId?: string; name?: string }): SimTenant {
    return this.store.addTenant(tenant)
  }
  addClient(client: { clientId?: string; secret?: string; tenantId: string; role?: SimClient['role'] }) {
    const { clientId, secret, tenantId } = this.store.addClient(client)
    return { clientId, secret, tenantId }
  }
  addUser(user: Partial<SimUser> & { login: string; tenantId: string }): SimUser {
    return this.store.addUser(user)
  }
  addReport(report?: DeepPartial<LiveReport>): LiveReport {
    return this.store.addReport(report)
  }
  /** Edits a stored report as someone in the console would (no version bump unless `patch` sets one). */
  patchReport(id: string, patch: DeepPartial<LiveReport>): LiveReport {
    return this.store.patchReport(id, patch)
  }
  deleteReport(id: string): boolean {
    return this.store.deleteReport(id)
  }
  getReport(id: string): LiveReport | undefined {
    const report = this.store.reports.get(id)
    return report && structuredClone(report)
  }
  reportIds(): string[] {
    return [...this.store.reports.keys()]
  }
  /** Everything seeded and written so far, as JSON-ready data (tokens and faults aside). */
  snapshot(): SimState {
    return this.store.snapshot()
  }
  /** Seeds the world a snapshot holds. */
  restore(state: SimState): void {
    this.store.restore(state)
  }

  // ---- tokens ----
  get tokenTtlSeconds(): number {
    return this.store.tokenTtlSeconds
  }
  set tokenTtlSeconds(seconds: number) {
    this.store.tokenTtlSeconds = seconds
  }
  /** A valid access token for `clientId` (default: the first client, created on demand). */
  issueToken(clientId?: string): string {
    return this.store.issueToken(clientId).token
  }
  /** Every token issued so far answers 401 from now on; new ones work. */
  expireTokens(): void {
    this.store.expireTokens()
  }

  // ---- faults ----
  /** Queues a fault; faults match in injection order and each is used up after `times` hits. */
  inject(fault: Fault): void {
    this.faults.inject(fault)
  }
  clearFaults(): void {
    this.faults.clear()
  }
  /** Scripted faults not used up yet. */
  get pendingFaults(): number {
    return this.faults.pending
  }
  /** Seeded random failures for soak tests; `null` turns them off. Scripted faults take precedence. */
  randomFaults(options: RandomFaultOptions | null): void {
    this.faults.setRandom(options)
  }

  /**
   * Enforces a token-bucket rate limit from now on (a full bucket to start), or none with `null`:
   * a request arriving to an empty bucket is answered 429, with `Retry-After` unless told otherwise.
   * Scripted faults are decided first and use no token.
   */
  rateLimit(options: RateLimitOptions | null): void {
    this.bucket = options ? new TokenBucket(options, performance.now()) : undefined
  }

  // ---- observation ----
  /** Every request since start or the last `clearLog()`, in arrival order. */
  get requests(): LoggedRequest[] {
    return this.log.requests
  }
  get inFlight(): number {
    return this.log.inFlight
  }
  /** Most requests handled at once since start or the last `clearLog()`. */
  get maxInFlight(): number {
    return this.log.maxInFlight
  }
  /** TCP connections accepted since start or the last `clearLog()`: keep-alive keeps this low. */
  get connections(): number {
    return this.log.connections
  }
  clearLog(): void {
    this.log.clear()
  }

  /** Stops listening and drops every connection, hanging requests included. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const timer of this.timers) clearTimeout(timer)
      this.timers.clear()
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
    return this.closing
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://simulator')
    const method = (req.method ?? 'GET').toUpperCase()
    const { entry, finish } = this.log.begin(method, url, req.headers)
    res.on('close', () => finish(0))
    // Decided on arrival, not after the body and latency, so faults are used up in arrival order.
    const fault = this.faults.take(method, url.pathname) ?? this.throttle()
    const answer = (reply: Reply) => {
      finish(reply.status)
      entry.response = send(res, reply)
      if (WRITES.includes(method) && reply.status < 300) this.onWrite?.()
    }
    this.handle(req, entry, url, fault, answer).catch((error: unknown) => {
      // A client that went away mid-body lands here too; there is nobody left to answer.
      if (res.headersSent || req.socket.destroyed) res.destroy()
      else answer(errorReply(500, 'simulator failure', String(error)))
    })
  }

  private async handle(
    req: IncomingMessage,
    entry: LoggedRequest,
    url: URL,
    fault: Fault | undefined,
    answer: (reply: Reply) => void,
  ): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    entry.body = Buffer.concat(chunks).toString('utf8')

    const delay = this.latencyMs + (fault?.latencyMs ?? 0)
    if (delay > 0) await this.sleep(delay)
    if (this.closing || req.socket.destroyed) return

    if (fault?.reset) return void req.socket.destroy()
    if (fault?.hang) return
    if (fault?.redirectTo !== undefined) {
      return answer({ status: 307, headers: { Location: fault.redirectTo } })
    }
    if (fault?.status !== undefined) {
      const headers: Record<string, string> = {}
      if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter)
      return answer({ status: fault.status, body: fault.body ?? errorBody(fault.status), headers })
    }
    const path = url.pathname
    if (path !== API_ROOT && !path.startsWith(API_ROOT + '/')) {
      return answer(errorReply(404, `no route for ${entry.method} ${path}`))
    }
    const context = {
      store: this.store,
      method: entry.method,
      query: url.searchParams,
      headers: req.headers,
      body: entry.body,
      write: fault ?? {},
    }
    const reply = dispatch(context, path.slice(API_ROOT.length) || '/')
    if (fault?.dropAfterWrite) {
      if (WRITES.includes(entry.method) && reply.status < 300) this.onWrite?.()
      return void req.socket.destroy()
    }
    if (fault && 'reply' in fault && reply.status < 300) {
      // A copy: the handler may have answered the stored object itself.
      const real: unknown = structuredClone(reply.body)
      reply.body =
        typeof fault.reply === 'function' ? (fault.reply as (b: unknown) => unknown)(real) : fault.reply
    }
    answer(reply)
  }

  /** The 429 the rate limit answers when the bucket is empty, if it is. */
  private throttle(): Fault | undefined {
    const waitMs = this.bucket?.take(performance.now()) ?? 0
    if (waitMs === 0) return undefined
    return this.bucket!.retryAfter ? { status: 429, retryAfter: Math.ceil(waitMs / 1000) } : { status: 429 }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        resolve()
      }, ms)
      this.timers.add(timer)
    })
  }
}
