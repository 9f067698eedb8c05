import type { IncomingHttpHeaders } from 'node:http'
import { NetworkError, TimeoutError } from './transport.js'

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

/** Which failures are tried again: plain lists, read by shouldRetry alone (as ky keeps them). */
interface RetryRules {
  /** Methods that do no harm sent twice, so any transient failure is retried. */
  methods: readonly string[]
  /** Statuses a cloud API answers when the trouble is passing: the request itself was fine. */
  statuses: readonly number[]
  /** Statuses whose Retry-After sets the wait instead of the backoff. */
  retryAfterStatuses: readonly number[]
  /** Failures where the server cannot have acted on the request: retried whatever the method. */
  unprocessedStatuses: readonly number[]
  unprocessedCodes: readonly string[]
  /** Failures no retry changes: never tried again, whatever the method. */
  finalCodes: readonly string[]
  /**
   * Statuses that say the API is over its rate: they slow the learned rate. Not 503: the API answers it
   * for outages too, where slowing down for good would not help (it is retried, with its Retry-After).
   */
  throttleStatuses: readonly number[]
}

export const RETRY_RULES: RetryRules = {
  // PATCH too: the only PATCH sent sets a whole comment body, which comes out the same sent twice.
  methods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH'],
  statuses: [408, 429, 500, 502, 503, 504],
  // Every retried status: the API (and GitHub) send Retry-After with 5xx answers too, not only 429 and 503.
  retryAfterStatuses: [408, 429, 500, 502, 503, 504],
  // A 429 is refused before any work; a refused connection never reached the server.
  unprocessedStatuses: [429],
  unprocessedCodes: ['ECONNREFUSED'],
  // A name the DNS says does not exist (a typo in base-url) stays so for the seconds retries take;
  // a DNS server that did not answer in time (EAI_AGAIN) is passing trouble, and is retried.
  finalCodes: ['ENOTFOUND'],
  throttleStatuses: [429],
}

/** How one attempt ended: a reply (any status), or no reply at all. */
export type Attempt = { status: number; headers: IncomingHttpHeaders } | NetworkError | TimeoutError

/**
 * Whether a failed attempt is worth another: a transient failure, of a call that is safe to send again
 * or that the server cannot have acted on. Pure: the rules are data, the budget is the caller's.
 */
export function shouldRetry(
  call: { method: string; idempotent?: boolean },
  attempt: Attempt,
  rules: RetryRules = RETRY_RULES,
): boolean {
  const safe = call.idempotent ?? rules.methods.includes(call.method)
  if (attempt instanceof TimeoutError) return safe
  if (attempt instanceof NetworkError) {
    if (rules.finalCodes.includes(attempt.code)) return false
    return safe || rules.unprocessedCodes.includes(attempt.code)
  }
  if (!rules.statuses.includes(attempt.status)) return false
  return safe || rules.unprocessedStatuses.includes(attempt.status)
}

/** Whether the attempt was the API refusing for its rate. */
export function isThrottle(attempt: Attempt, rules: RetryRules = RETRY_RULES): boolean {
  return !(attempt instanceof Error) && rules.throttleStatuses.includes(attempt.status)
}

/** The wait the server asked for (Retry-After on a status that honours it), if any. */
export function askedDelayMs(attempt: Attempt, rules: RetryRules = RETRY_RULES): number | undefined {
  if (attempt instanceof Error || !rules.retryAfterStatuses.includes(attempt.status)) return undefined
  return parseRetryAfter(attempt.headers['retry-after'])
}

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
