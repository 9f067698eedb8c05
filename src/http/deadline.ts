/**
 * How a request met the run's time limit: it never started, it was cut off in flight, or it was waiting
 * to be tried again.
 */
export type Stop =
  | { kind: 'not-attempted' }
  | { kind: 'in-flight'; method: string; path: string }
  | { kind: 'retry'; method: string; path: string; reason: string; askedMs?: number }

/** The run's time limit (run-timeout-seconds) ended this request: its report is not finished. */
export class RunTimeoutError extends Error {
  constructor(
    readonly seconds: number,
    readonly stop: Stop,
  ) {
    super(RunTimeoutError.explain(seconds, stop))
    this.name = 'RunTimeoutError'
  }

  private static explain(seconds: number, stop: Stop): string {
    const limit = `the run's time limit of ${seconds} s`
    if (stop.kind === 'not-attempted') return `not attempted: ${limit} was reached`
    if (stop.kind === 'in-flight')
      return `stopped while ${stop.method} ${stop.path} was in flight: ${limit} was reached`
    const waiting = `stopped while ${stop.method} ${stop.path} waited to be tried again (${stop.reason})`
    return stop.askedMs === undefined
      ? `${waiting}: ${limit} was reached`
      : `${waiting}: its Retry-After of ${Math.ceil(stop.askedMs / 1000)} s ends after ${limit}`
  }
}

/** In-flight requests get this long past the limit at most (less when their own timeout ends sooner). */
export const GRACE_MS = 5_000

/** The run's time limit as a point in time (Date.now() ms), counted from when the client was built. */
export class RunDeadline {
  readonly at: number

  constructor(
    readonly seconds: number,
    now = Date.now(),
  ) {
    this.at = seconds > 0 ? now + seconds * 1000 : Infinity
  }

  /** Whether the limit is spent: no request starts from now on. */
  passed(now = Date.now()): boolean {
    return now >= this.at
  }

  /** Whether waiting `ms` from now would end past the limit. */
  endsAfter(ms: number, now = Date.now()): boolean {
    return now + ms >= this.at
  }

  /** The timeout of a request starting now: its own, or until the limit and its grace if sooner. */
  timeoutMs(ownMs: number, now = Date.now()): number {
    return Math.max(1, Math.min(ownMs, this.at + GRACE_MS - now))
  }
}
