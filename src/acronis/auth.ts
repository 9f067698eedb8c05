import type { HttpClient } from '../http/client.js'
import type { Redactor } from '../util/redact.js'
import * as answers from './answer-validators.js'
import { checked } from './answers.js'
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
    /** Learns every secret used or derived here before it can reach a log, and scrubs errors that echo one. */
    private readonly secrets: Redactor,
  ) {
    if ('token' in credentials) {
      this.hide(credentials.token)
      this.current = { value: credentials.token, renewAt: Infinity }
    } else {
      this.hide(credentials.clientSecret)
      this.hide(basic(credentials))
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

  private hide(secret: string): void {
    this.secrets.add(secret)
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
      // Asking twice for a token only costs a token.
      idempotent: true,
    })
    if (reply.status !== 200) {
      throw apiErrorFrom('POST', '/idp/token', reply.status, reply.body, this.secrets.redact)
    }
    let answer: unknown
    try {
      answer = JSON.parse(reply.body)
    } catch {
      throw new ApiError('POST', '/idp/token', reply.status, 'invalid_response', 'the response is not JSON')
    }
    // A token is a secret before its answer is checked: a refusal quotes the answer's other fields,
    // and a server may echo the token into one of them.
    const token = (answer as { access_token?: unknown } | null)?.access_token
    if (typeof token === 'string') this.hide(token)
    const call = { method: 'POST', path: '/idp/token', status: reply.status }
    const body = checked(answers.token, answer, call, this.secrets.redact)
    // expires_in is relative, so a runner whose clock disagrees with the server's still renews in time;
    // expires_on (absolute) is the fallback. A lifetime already over by our clock cannot be trusted: the
    // token is then used until a 401 asks for a new one, instead of a token request for every call.
    const now = Date.now()
    const life =
      body.expires_in !== undefined
        ? body.expires_in * 1000
        : body.expires_on !== undefined
          ? body.expires_on * 1000 - now
          : Infinity
    const renewAt = life > 0 ? now + life - Math.min(RENEW_MARGIN_MS, life / 8) : Infinity
    this.current = { value: body.access_token, renewAt }
    return this.current
  }
}

function basic(c: { clientId: string; clientSecret: string }): string {
  return Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')
}
