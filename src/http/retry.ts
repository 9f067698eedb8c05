/** When and how long to wait before trying an idempotent request again (ky's defaults, adapted). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number
  /** No retry starts after this much time has passed since the first attempt. */
  maxElapsedMs: number
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  maxElapsedMs: 120_000,
  baseDelayMs: 300,
  maxDelayMs: 20_000,
}

/** Statuses a cloud API answers when the trouble is passing: the request itself was fine. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

/** Exponential backoff with "equal jitter": half the delay is fixed, half random, so clients spread out. */
export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const d = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(d / 2 + random() * (d / 2))
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (v === undefined || v.trim() === '') return undefined
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000
  // Every HTTP-date form starts with a day name; Date.parse alone would read "-3" or "1.5" as a year.
  if (!/^\s*[A-Za-z]{3}/.test(v)) return undefined
  const date = Date.parse(v)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
