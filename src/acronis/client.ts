import { HttpClient, RedirectError, type HttpOptions } from '../http/client.js'
import { NetworkError, TimeoutError } from '../http/transport.js'
import { Redactor } from '../util/redact.js'
import { TokenSource, type Credentials } from './auth.js'
import { apiErrorFrom, ApiError } from './errors.js'
import type { LiveReport, ReportUpdate } from './types.js'

/** A user as `GET /users?uuids=` returns it (the fields this project reads). */
interface ApiUser {
  id: string
  login: string
  tenant_id: string
  contact?: { email?: string; firstname?: string; lastname?: string }
  enabled?: boolean
}

/** An item of `GET /search`: users and tenants mixed, no email. */
interface SearchItem {
  obj_type: string
  id: string
  login?: string
  name?: string
}

export interface ClientOptions extends HttpOptions {
  /**
   * Learns the client secret and every token before anything could print them (the action's registers
   * them with the runner); every error this client makes is scrubbed by it.
   */
  secrets?: Redactor
}

/** Everything this project asks of the Account Management API v2, and nothing else. */
export class AcronisClient {
  readonly http: HttpClient
  private readonly tokens: TokenSource
  private readonly secrets: Redactor

  constructor(
    private readonly root: URL,
    credentials: Credentials,
    options: ClientOptions,
  ) {
    this.http = new HttpClient(options)
    this.secrets = options.secrets ?? new Redactor()
    this.tokens = new TokenSource(this.http, root, credentials, this.secrets)
  }

  /** Gets the run's token now, so bad credentials fail the run once, before any report is read. */
  async authenticate(): Promise<void> {
    await this.asApiError('POST', '/idp/token', () => this.tokens.authorization())
  }

  getReport(id: string): Promise<LiveReport> {
    return this.json('GET', `/reports/${encodeURIComponent(id)}`)
  }

  /** Sends only what the PUT schema accepts; answers with the report as the server now has it. */
  updateReport(id: string, update: ReportUpdate): Promise<LiveReport> {
    return this.json('PUT', `/reports/${encodeURIComponent(id)}`, update)
  }

  async tenantReportIds(tenantId: string): Promise<string[]> {
    return (await this.json<{ items: string[] }>('GET', `/tenants/${encodeURIComponent(tenantId)}/reports`))
      .items
  }

  async clientTenant(clientId: string): Promise<string> {
    return (await this.json<{ tenant_id: string }>('GET', `/clients/${encodeURIComponent(clientId)}`))
      .tenant_id
  }

  /** `GET /users?uuids=`, 100 ids per call as the API allows. */
  async users(ids: readonly string[]): Promise<ApiUser[]> {
    const chunks = []
    for (let i = 0; i < ids.length; i += 100) chunks.push(ids.slice(i, i + 100))
    const pages = await Promise.all(
      chunks.map((c) =>
        this.json<{ items: ApiUser[] }>('GET', `/users?uuids=${c.map(encodeURIComponent).join(',')}`),
      ),
    )
    return pages.flatMap((p) => p.items)
  }

  async search(tenantId: string, text: string, limit = 50): Promise<SearchItem[]> {
    const q = new URLSearchParams({ tenant: tenantId, text, limit: String(limit) })
    return (await this.json<{ items: SearchItem[] }>('GET', `/search?${q}`)).items
  }

  close(): void {
    this.http.close()
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(`${this.root.pathname}${path}`, this.root)
    const send = (authorization: string) =>
      this.asApiError(method, path.split('?')[0]!, () =>
        this.http.send({
          method,
          url,
          headers: {
            authorization,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      )
    const pathOnly = path.split('?')[0]!
    let authorization = await this.asApiError('POST', '/idp/token', () => this.tokens.authorization())
    let reply = await send(authorization)
    if (reply.status === 401 && this.tokens.renewable) {
      // The token expired mid-run (or was revoked): one new token, one more try.
      await this.asApiError('POST', '/idp/token', () => this.tokens.renewAfter(authorization))
      authorization = await this.asApiError('POST', '/idp/token', () => this.tokens.authorization())
      reply = await send(authorization)
    }
    if (reply.status < 200 || reply.status >= 300)
      throw apiErrorFrom(method, pathOnly, reply.status, reply.body, this.secrets.redact)
    try {
      return JSON.parse(reply.body) as T
    } catch {
      throw new ApiError(method, pathOnly, reply.status, 'invalid_response', 'the response is not JSON')
    }
  }

  /**
   * Failures below HTTP become ApiErrors too, so every failure names its call the same way. Their text
   * is the server's doing as much as an answer's is (a refused redirect names where it pointed): scrubbed.
   */
  private async asApiError<T>(method: string, path: string, task: () => Promise<T>): Promise<T> {
    try {
      return await task()
    } catch (e) {
      const cause = { cause: e }
      const redact = this.secrets.redact
      if (e instanceof NetworkError) throw new ApiError(method, path, 0, e.code, redact(e.message), cause)
      // The system's name for a timeout, so every failure without a response reads the same way.
      if (e instanceof TimeoutError)
        throw new ApiError(method, path, 0, 'ETIMEDOUT', redact(e.message), cause)
      if (e instanceof RedirectError)
        throw new ApiError(method, path, 0, 'redirect_refused', redact(e.message), cause)
      throw e
    }
  }
}
