import type { ValidateFunction } from 'ajv'
import { HttpClient, type HttpOptions } from '../http/client.js'
import { RunTimeoutError } from '../http/deadline.js'
import { TransportError } from '../http/errors.js'
import { Redactor, type Redact } from '../util/redact.js'
import { mapLimit } from '../util/map-limit.js'
import * as answers from './answer-validators.js'
import { checked } from './answers.js'
import { TokenSource, type Credentials } from './auth.js'
import { apiErrorFrom, ApiError } from './errors.js'
import type { ApiUser, LiveReport, ReportCreate, ReportUpdate, SearchItem } from './types.js'

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

  /** Scrubs every secret this client knows (the client secret, each token) from a text it did not make. */
  get redact(): Redact {
    return this.secrets.redact
  }

  /** Gets the run's token now, so bad credentials fail the run once, before any report is read. */
  async authenticate(): Promise<void> {
    await this.asApiError('POST', '/idp/token', () => this.tokens.authorization())
  }

  /** The report, checked against its documented shape and to be the one asked for. */
  async getReport(id: string): Promise<LiveReport> {
    return this.sameReport('GET', id, await this.json('GET', reportPath(id), answers.report))
  }

  /** Sends only what the PUT schema accepts; answers with the report as the server now has it. */
  async updateReport(id: string, update: ReportUpdate): Promise<LiveReport> {
    return this.sameReport('PUT', id, await this.json('PUT', reportPath(id), answers.report, update))
  }

  /**
   * `POST /reports`. Not idempotent: the HTTP layer retries it only where the server cannot have acted
   * (a 429, a refused connection); after a timeout, a reset or a 5xx the report may exist (the caller looks).
   */
  async createReport(create: ReportCreate): Promise<LiveReport> {
    return this.json('POST', '/reports', answers.report, create)
  }

  /** `DELETE /reports/{id}?version=N` with the version read in this run: a stale one is a 409. */
  async deleteReport(id: string, version: number): Promise<void> {
    await this.exchange('DELETE', `${reportPath(id)}?version=${version}`)
  }

  /** The tenant's report ids, each once (an id the API lists twice is still one report). */
  async tenantReportIds(tenantId: string): Promise<string[]> {
    const { items } = await this.json('GET', `/tenants/${segment(tenantId)}/reports`, answers.reportIds)
    const seen = new Set<string>()
    return items.filter((id) => !seen.has(id.toLowerCase()) && seen.add(id.toLowerCase()))
  }

  async clientTenant(clientId: string): Promise<string> {
    return (await this.json('GET', `/clients/${encodeURIComponent(clientId)}`, answers.client)).tenant_id
  }

  /** `GET /users?uuids=`, 100 ids per call as the API allows. */
  async users(ids: readonly string[]): Promise<ApiUser[]> {
    const chunks = []
    for (let i = 0; i < ids.length; i += 100) chunks.push(ids.slice(i, i + 100))
    const pages = await mapLimit(chunks, chunks.length, (c) =>
      this.json('GET', `/users?uuids=${c.map(segment).join(',')}`, answers.users),
    )
    return pages.flatMap((p) => p.items)
  }

  async search(tenantId: string, text: string, limit = 50): Promise<SearchItem[]> {
    const q = new URLSearchParams({ tenant: tenantId, text, limit: String(limit) })
    return (await this.json('GET', `/search?${q}`, answers.search)).items
  }

  close(): void {
    this.http.close()
  }

  /** One call; its answer checked against `validate` (the documented shape) before anyone reads it. */
  private async json<T>(
    method: string,
    path: string,
    validate: ValidateFunction<T>,
    body?: unknown,
  ): Promise<T> {
    const reply = await this.exchange(method, path, body)
    const pathOnly = path.split('?')[0]!
    let answer: unknown
    try {
      answer = JSON.parse(reply.body)
    } catch {
      throw new ApiError(method, pathOnly, reply.status, 'invalid_response', 'the response is not JSON')
    }
    return checked(validate, answer, { method, path: pathOnly, status: reply.status }, this.secrets.redact)
  }

  /** One call with the run's token (renewed once on a 401); any status but 2xx is an ApiError. */
  private async exchange(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: string }> {
    const url = new URL(`${this.root.pathname}${path}`, this.root)
    const pathOnly = path.split('?')[0]!
    const send = (authorization: string) =>
      this.asApiError(method, pathOnly, () =>
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
    return reply
  }

  /** A report answered for another id is refused whole: nothing of it is planned, written or exported. */
  private sameReport(method: string, id: string, report: LiveReport): LiveReport {
    if (report.id.toLowerCase() === id.toLowerCase()) return report
    throw new ApiError(
      method,
      reportPath(id),
      200,
      'invalid_response',
      `the API answered report ${report.id} for report ${id}`,
    )
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
      if (e instanceof TransportError) throw new ApiError(method, path, 0, e.code, redact(e.message), cause)
      // Named by its path under the API root, as every other failure of a call is.
      if (e instanceof RunTimeoutError && e.stop.kind !== 'not-attempted')
        throw new RunTimeoutError(e.seconds, { ...e.stop, path })
      throw e
    }
  }
}

/** A path segment from an id: UUIDs lower-cased, as the vendor's path patterns write them. */
function segment(id: string): string {
  return encodeURIComponent(id.toLowerCase())
}

const reportPath = (id: string) => `/reports/${segment(id)}`
