/** A rate limit the API enforces without announcing it: a token bucket, refilled continuously. */
export interface RateLimitOptions {
  /** Requests per second the bucket refills with. */
  perSecond: number
  /** Most tokens the bucket holds (a burst after a quiet spell); default `perSecond`, at least 1. */
  burst?: number
  /**
   * Whether a refused request's 429 carries `Retry-After` (whole seconds until a token is back, at
   * least 1); default true. Many APIs send none, which leaves the pace to the client.
   */
  retryAfter?: boolean
}

/** The bucket: `take` at each request's arrival says whether it may pass, else how long until it could. */
export class TokenBucket {
  readonly perSecond: number
  readonly burst: number
  readonly retryAfter: boolean
  private tokens: number
  private last: number

  constructor(options: RateLimitOptions, now: number) {
    if (!(options.perSecond > 0 && Number.isFinite(options.perSecond))) {
      throw new Error(`simulator: rate limit must be a positive number, got ${options.perSecond}`)
    }
    this.perSecond = options.perSecond
    this.burst = options.burst ?? Math.max(1, options.perSecond)
    if (!(this.burst >= 1)) throw new Error(`simulator: burst must be >= 1, got ${this.burst}`)
    this.retryAfter = options.retryAfter ?? true
    this.tokens = this.burst
    this.last = now
  }

  /** 0 when the request passes (a token is used), else the milliseconds until a token is back. */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 0
    }
    return ((1 - this.tokens) / this.perSecond) * 1000
  }
}

/** `L[,burst]` as `npm run simulator -- --rate-limit` takes it. */
export function parseRateLimit(text: string): RateLimitOptions {
  const [rate, burst, ...rest] = text.split(',').map((x) => x.trim())
  const perSecond = Number(rate)
  const options: RateLimitOptions = { perSecond }
  if (burst !== undefined) options.burst = Number(burst)
  if (rest.length > 0 || !(perSecond > 0) || (burst !== undefined && !(Number(burst) >= 1))) {
    throw new Error(`--rate-limit takes L or L,burst (requests per second > 0, burst >= 1), got "${text}"`)
  }
  return options
}
