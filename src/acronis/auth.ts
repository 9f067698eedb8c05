import type { HttpClient } from '../http/client.js'
import { apiErrorFrom, ApiError } from './errors.js'

/** OAuth2 client credentials, or an access token obtained elsewhere. */
export type Credentials = { clientId: string; clientSecret: string } | { token: string }

interface Token {
  value: string
  /** ms since the epoch when we stop using it; Infinity when the server did not say. */
  renewAt: number
}

/** The vendor samples renew 15 minutes before expires_on; short-lived tokens renew at 7/8 of their life. */
const RENEW_MARGIN_MS = 15 * 60 * 1000

/**
 * Holds the run's one token: fetched on first use, renewed before it expires and once after a 401,
 * with concurrent callers sharing a single token request.
 */
export class TokenSource {
  private current?: Token
  private pending?: Promise<Token>

  constructor(
    private readonly http: HttpClient,
    private readonly root: URL,
    private readonly credentials: Credentials,
    /** Called with every secret value derived here, before it can reach a log (core.setSecret). */
    private readonly mask: (secret: string) => void,
  ) {
    if ('token' in credentials) {
      mask(credentials.token)
      this.current = { value: credentials.token, renewAt: Infinity }
    } else {
      mask(credentials.clientSecret)
      mask(basic(credentials))
    }
  }

  /** A given token cannot be renewed: a 401 with it is final. */
  get renewable(): boolean {
    return !('token' in this.credentials)
  }

  async authorization(): Promise<string> {
    const t = this.current && Date.now() < this.current.renewAt ? this.current : await this.fetch()
    return `Bearer ${t.value}`
  }

  /** After a 401: get a new token unless another caller already replaced the one that failed. */
  async renewAfter(failed: string): Promise<void> {
    if (this.current && `Bearer ${this.current.value}` !== failed) return
    this.current = undefined
    await this.fetch()
  }

  private fetch(): Promise<Token> {
    if ('token' in this.credentials) return Promise.resolve(this.current!)
    this.pending ??= this.request(this.credentials).finally(() => (this.pending = undefined))
    return this.pending
  }

  private async request(c: { clientId: string; clientSecret: string }): Promise<Token> {
    const url = new URL(`${this.root.pathname}/idp/token`, this.root)
    const reply = await this.http.send({
      method: 'POST',
      url,
      headers: {
        authorization: `Basic ${basic(c)}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
    })
    if (reply.status !== 200) throw apiErrorFrom('POST', '/idp/token', reply.status, reply.body)
    let body: { access_token?: unknown; expires_on?: unknown; expires_in?: unknown }
    try {
      body = JSON.parse(reply.body) as typeof body
    } catch {
      body = {}
    }
    if (typeof body.access_token !== 'string' || !body.access_token) {
      throw new ApiError(
        'POST',
        '/idp/token',
        reply.status,
        'invalid_response',
        'the token response has no access_token',
      )
    }
    this.mask(body.access_token)
    const now = Date.now()
    const expiresAt =
      typeof body.expires_on === 'number'
        ? body.expires_on * 1000
        : typeof body.expires_in === 'number'
          ? now + body.expires_in * 1000
          : Infinity
    const margin = Math.min(RENEW_MARGIN_MS, (expiresAt - now) / 8)
    this.current = { value: body.access_token, renewAt: expiresAt - margin }
    return this.current
  }
}

function basic(c: { clientId: string; clientSecret: string }): string {
  return Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')
}
