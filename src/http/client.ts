import { Limiter } from './limiter.js'
import {
  DEFAULT_RETRY,
  askedDelayMs,
  backoffMs,
  parseRetryAfter,
  shouldRetry,
  type Attempt,
  type RetryPolicy,
} from './retry.js'
import { NetworkError, TimeoutError, createAgents, exchange, type Reply } from './transport.js'

/** What the caller wants sent; headers may be computed per attempt (a renewed token, say). */
interface Call {
  method: string
  url: URL
  headers?: Record<string, string> | (() => Promise<Record<string, string>>)
  /**
   * Whether sending it twice does no harm. Default: by method (RETRY_RULES.methods). A call that is not
   * is retried only where the server cannot have acted on it: a 429, or a connection that was refused.
   */
  idempotent?: boolean
  body?: string
}

/** Something worth a debug line: a retry about to happen and why. */
export interface RetryEvent {
  method: string
  path: string
  attempt: number
  delayMs: number
  reason: string
}

export interface HttpOptions {
  /** At most this many exchanges in flight, across every caller of this client. */
  concurrency: number
  timeoutMs: number
  retry?: Partial<RetryPolicy>
  userAgent?: string
  onRetry?: (e: RetryEvent) => void
}

/** A redirect that would carry credentials to another origin: refused, never followed. */
export class RedirectError extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(
      `refused a redirect from ${from} to another host (${to}): credentials are only sent to the API host`,
    )
    this.name = 'RedirectError'
  }
}

const MAX_REDIRECTS = 3

function reasonOf(outcome: Attempt): string {
  if (outcome instanceof TimeoutError) return 'timeout'
  return outcome instanceof NetworkError ? outcome.code : `HTTP ${outcome.status}`
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * The one place requests leave the process: a concurrency limit, per-attempt timeouts, keep-alive,
 * retries of transient failures with backoff and Retry-After, and same-origin-only redirects.
 */
export class HttpClient {
  private readonly limiter: Limiter
  private readonly agents
  private readonly policy: RetryPolicy
  /** A 429's Retry-After pauses every request, not only the one that got it: the run slows down as asked. */
  private pausedUntil = 0
  /** Exchanges sent, first attempts and retries alike. */
  requests = 0
  retries = 0

  constructor(private readonly options: HttpOptions) {
    this.limiter = new Limiter(options.concurrency)
    this.agents = createAgents(options.concurrency, options.timeoutMs)
    this.policy = { ...DEFAULT_RETRY, ...options.retry }
  }

  /** Sends the call, retrying transient failures; resolves with the final reply, whatever its status. */
  async send(call: Call): Promise<Reply> {
    const started = Date.now()
    for (let attempt = 1; ; attempt++) {
      let outcome: Reply | NetworkError | TimeoutError
      try {
        outcome = await this.once(call)
      } catch (e) {
        if (!(e instanceof NetworkError || e instanceof TimeoutError)) throw e
        outcome = e
      }
      const delayMs = shouldRetry(call, outcome) ? this.delayBefore(attempt + 1, outcome, started) : undefined
      if (delayMs === undefined) {
        if (outcome instanceof Error) throw outcome
        return outcome
      }
      this.retries++
      this.options.onRetry?.({
        method: call.method,
        path: call.url.pathname,
        attempt,
        delayMs,
        reason: reasonOf(outcome),
      })
      await sleep(delayMs)
      // A timer fires late on a busy machine: no attempt starts once the budget is spent.
      if (Date.now() - started > this.policy.maxElapsedMs) {
        if (outcome instanceof Error) throw outcome
        return outcome
      }
    }
  }

  /** The wait before attempt `next`: what the server asked, else the backoff; undefined past the budget. */
  private delayBefore(next: number, outcome: Attempt, started: number): number | undefined {
    const delayMs = askedDelayMs(outcome) ?? backoffMs(next - 1, this.policy)
    const late = Date.now() - started + delayMs > this.policy.maxElapsedMs
    return next > this.policy.maxAttempts || late ? undefined : delayMs
  }

  private async once(call: Call): Promise<Reply> {
    let url = call.url
    for (let hop = 0; ; hop++) {
      const reply = await this.exchangeWhenAllowed(call, url)
      const location = reply.headers.location
      if (reply.status < 300 || reply.status >= 400 || !location || hop >= MAX_REDIRECTS) return reply
      const next = new URL(location, url)
      if (next.origin !== call.url.origin) throw new RedirectError(call.url.origin, next.origin)
      url = next
    }
  }

  /** One exchange under the limiter, sent only outside a pause that a 429 asked for. */
  private async exchangeWhenAllowed(call: Call, url: URL): Promise<Reply> {
    for (;;) {
      const wait = this.pausedUntil - Date.now()
      if (wait > 0) await sleep(wait)
      // Headers are computed before taking a slot: a token request made inside one could deadlock the limiter.
      const headers = {
        'user-agent': this.options.userAgent ?? 'acronis-report-sync',
        ...(typeof call.headers === 'function' ? await call.headers() : call.headers),
      }
      // A 429 may have paused the client while this call queued for a slot: then it gives the slot back and
      // waits like every other call, rather than going out during the pause the server asked for.
      const reply = await this.limiter.run(() => {
        if (this.pausedUntil > Date.now()) return Promise.resolve(undefined)
        this.requests++
        return exchange(
          { method: call.method, url, headers, body: call.body, timeoutMs: this.options.timeoutMs },
          this.agents,
        ).then((answer) => this.noteRateLimit(answer))
      })
      if (reply) return reply
    }
  }

  /**
   * Starts the pause a 429 asks for while the exchange still holds its slot, so no queued call slips out
   * before it. A wait beyond the time budget is not a pause: that request gives up, the others go on.
   */
  private noteRateLimit(reply: Reply): Reply {
    const asked = reply.status === 429 ? parseRetryAfter(reply.headers['retry-after']) : undefined
    if (asked !== undefined && asked <= this.policy.maxElapsedMs) {
      this.pausedUntil = Math.max(this.pausedUntil, Date.now() + asked)
    }
    return reply
  }

  close(): void {
    this.agents.destroy()
  }
}
