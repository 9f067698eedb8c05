import { RunDeadline, RunTimeoutError, type Stop } from './deadline.js'
import { Limiter } from './limiter.js'
import { AdaptiveRate } from './rate.js'
import {
  DEFAULT_RETRY,
  askedDelayMs,
  backoffMs,
  isThrottle,
  parseRetryAfter,
  shouldRetry,
  type Attempt,
  type RetryPolicy,
} from './retry.js'
import { NetworkError, TimeoutError, createAgents, exchange, type Reply } from './transport.js'
import { redirectTarget } from './redirect.js'

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
  /**
   * The run's time limit in seconds, counted from now (0 or absent: none). Once spent no request starts,
   * those in flight get their own timeout or GRACE_MS, whichever ends first, and every call not finished
   * ends with a RunTimeoutError.
   */
  runTimeoutSeconds?: number
}

function reasonOf(outcome: Attempt): string {
  if (outcome instanceof TimeoutError) return 'timeout'
  return outcome instanceof NetworkError ? outcome.code : `HTTP ${outcome.status}`
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A retry about to be sent: why the last attempt failed, for the message if the run's time ends first. */
interface Retrying {
  reason: string
}

/**
 * The one place requests leave the process: a concurrency limit, a learned rate per API (AdaptiveRate:
 * free until the API throttles), per-attempt timeouts, keep-alive, retries of transient failures with
 * backoff and Retry-After, same-origin-only redirects, and the run's time limit.
 */
export class HttpClient {
  private readonly limiter: Limiter
  private readonly agents
  private readonly policy: RetryPolicy
  private readonly deadline: RunDeadline
  /**
   * One rate per API (origin): a throttle from one slows only its own calls. Its Retry-After pauses every
   * request to that API, not only the one that got it: the run slows down as asked.
   */
  private readonly rates = new Map<string, AdaptiveRate>()
  /** Exchanges sent, first attempts and retries alike. */
  requests = 0
  retries = 0

  constructor(private readonly options: HttpOptions) {
    this.limiter = new Limiter(options.concurrency)
    this.agents = createAgents(options.concurrency, options.timeoutMs)
    this.policy = { ...DEFAULT_RETRY, ...options.retry }
    this.deadline = new RunDeadline(options.runTimeoutSeconds ?? 0)
  }

  /** The learned rate of the API at `url` (requests a second; Infinity until it throttled). */
  rateOf(url: URL): number {
    return this.rateFor(url).rate
  }

  /**
   * Sends the call, retrying transient failures; resolves with the final reply, whatever its status.
   * Throws a RunTimeoutError when the run's time limit ends it.
   */
  async send(call: Call): Promise<Reply> {
    const started = Date.now()
    let retrying: Retrying | undefined
    for (let attempt = 1; ; attempt++) {
      let outcome: Reply | NetworkError | TimeoutError
      try {
        outcome = await this.once(call, retrying)
      } catch (e) {
        if (!(e instanceof NetworkError || e instanceof TimeoutError)) throw e
        outcome = e
      }
      const delayMs = shouldRetry(call, outcome) ? this.delayBefore(attempt + 1, outcome, started) : undefined
      if (delayMs === undefined) {
        if (outcome instanceof Error) throw outcome
        return outcome
      }
      const reason = reasonOf(outcome)
      // A retry never waits past the run's time limit: the call ends now, with what it was waiting for.
      if (this.deadline.endsAfter(delayMs)) {
        const asked = askedDelayMs(outcome)
        throw this.stopped({ kind: 'retry', ...where(call), reason, askedMs: asked })
      }
      this.retries++
      this.options.onRetry?.({ ...where(call), attempt, delayMs, reason })
      retrying = { reason }
      if (delayMs > 0) await sleep(delayMs)
      // A timer fires late on a busy machine: no attempt starts once the budget is spent.
      if (Date.now() - started > this.policy.maxElapsedMs) {
        if (outcome instanceof Error) throw outcome
        return outcome
      }
    }
  }

  /**
   * The wait before attempt `next`: what the server asked, else the backoff (a throttle's retry then
   * also waits for the learned rate, as every request does); undefined past the budget.
   */
  private delayBefore(next: number, outcome: Attempt, started: number): number | undefined {
    const delayMs = askedDelayMs(outcome) ?? backoffMs(next - 1, this.policy)
    const late = Date.now() - started + delayMs > this.policy.maxElapsedMs
    return next > this.policy.maxAttempts || late ? undefined : delayMs
  }

  private async once(call: Call, retrying: Retrying | undefined): Promise<Reply> {
    let url = call.url
    for (let hop = 0; ; hop++) {
      const reply = await this.exchangeWhenAllowed(call, url, retrying)
      const next = redirectTarget(reply, url, call.url.origin, hop)
      if (!next) return reply
      url = next
    }
  }

  /**
   * One exchange when the API's rate allows it (outside any pause a throttle asked for), under the
   * concurrency limit, and before the run's time limit.
   */
  private async exchangeWhenAllowed(call: Call, url: URL, retrying: Retrying | undefined): Promise<Reply> {
    const rate = this.rateFor(url)
    const unstarted = (): Stop =>
      retrying ? { kind: 'retry', ...where(call), reason: retrying.reason } : { kind: 'not-attempted' }
    for (;;) {
      // A pause is waited out without a slot, so the calls to other APIs keep theirs.
      const paused = rate.pauseEnds - Date.now()
      if (paused > 0) {
        if (this.deadline.endsAfter(paused)) throw this.stopped(unstarted())
        await sleep(paused)
      }
      if (this.deadline.passed()) throw this.stopped(unstarted())
      // Headers are computed before taking a slot: a token request made inside one could deadlock the limiter.
      const headers = {
        'user-agent': this.options.userAgent ?? 'acronis-report-sync',
        ...(typeof call.headers === 'function' ? await call.headers() : call.headers),
      }
      const reply = await this.limiter.run(async () => {
        // The rate's turn is taken in the slot, so calls queued for a slot before a throttle keep its pace too.
        for (let wait = rate.take(Date.now()); wait > 0; wait = rate.take(Date.now())) {
          // A throttle paused the API while this call waited: it gives the slot back and waits like every
          // other call, rather than going out during the pause the server asked for.
          if (rate.pauseEnds > Date.now()) return undefined
          // A pace that ends past the run's time limit is not waited out.
          if (this.deadline.endsAfter(wait)) throw this.stopped(unstarted())
          await sleep(wait)
        }
        const now = Date.now()
        if (this.deadline.passed(now)) throw this.stopped(unstarted())
        this.requests++
        rate.sending(now)
        const timeoutMs = this.deadline.timeoutMs(this.options.timeoutMs, now)
        try {
          const answer = await exchange(
            { method: call.method, url, headers, body: call.body, timeoutMs },
            this.agents,
          )
          return this.noteThrottle(rate, now, answer)
        } catch (e) {
          // Cut short by the run's time limit rather than by its own timeout: the report was stopped.
          if (e instanceof TimeoutError && timeoutMs < this.options.timeoutMs && this.deadline.passed())
            throw this.stopped({ kind: 'in-flight', ...where(call) })
          throw e
        }
      })
      if (reply) return reply
    }
  }

  /**
   * Tells the API's rate how the exchange went, while the exchange still holds its slot, so no queued
   * call slips out before a pause starts. A Retry-After beyond the time budget is not a pause: that
   * request gives up, the others go on.
   */
  private noteThrottle(rate: AdaptiveRate, sentAt: number, reply: Reply): Reply {
    const throttled = isThrottle(reply)
    const asked = throttled ? parseRetryAfter(reply.headers['retry-after']) : undefined
    const pauseMs = asked !== undefined && asked <= this.policy.maxElapsedMs ? asked : undefined
    rate.answered(sentAt, Date.now(), throttled, pauseMs)
    return reply
  }

  private rateFor(url: URL): AdaptiveRate {
    let rate = this.rates.get(url.origin)
    if (!rate) this.rates.set(url.origin, (rate = new AdaptiveRate()))
    return rate
  }

  private stopped(stop: Stop): RunTimeoutError {
    return new RunTimeoutError(this.deadline.seconds, stop)
  }

  close(): void {
    this.agents.destroy()
  }
}

const where = (call: Call) => ({ method: call.method, path: call.url.pathname })
