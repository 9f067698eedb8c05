import type { LiveReport } from '../../src/acronis/types.js'
import { errorBody } from './http.js'

/** A scripted misbehaviour for matching requests; see `Simulator.inject`. */
export interface Fault {
  /** HTTP method to match, any case; default any (PUT for `ignoreWrite`, `afterWrite`, `refuse`). */
  method?: string
  /** Pathname to match, with or without `/api/2`: exact, a prefix ending in `*`, or a RegExp. */
  path?: string | RegExp
  /** How many matching requests it hits before it is used up; default 1, `Infinity` allowed. */
  times?: number
  /** Answer this status instead of handling the request. */
  status?: number
  /** Sets `Retry-After` on the `status` answer. */
  retryAfter?: string | number
  /** Body of the `status` answer (a string is sent raw); default the Acronis error body. */
  body?: unknown
  /** Destroy the socket without answering. */
  reset?: boolean
  /**
   * Handle the request (a POST creates its report, a PUT or DELETE writes), then destroy the socket
   * without answering: the client cannot tell whether anything happened.
   */
  dropAfterWrite?: boolean
  /** Never answer (the request stays open until the client gives up or the simulator closes). */
  hang?: boolean
  /** Extra delay before the request is answered (or faulted). */
  latencyMs?: number
  /** PUT validates and answers 200 with the unchanged report: a write that "did not converge". */
  ignoreWrite?: boolean
  /** Answer 307 with `Location` set to this URL. */
  redirectTo?: string
  /**
   * A malformed answer: the request is handled (a PUT still writes), then its 2xx body is replaced
   * by this value (`null` included), or by what this function makes of a copy of the real body.
   */
  reply?: unknown
  /** PUT: changes the stored report after the write, before the answer (an API resetting a field). */
  afterWrite?: (report: LiveReport) => void
  /**
   * PUT: answers 400 with the Acronis error body when the body carries any of these fields
   * (e.g. `parameters.hide_zero_usage`), as a data center that follows the vendor guide would.
   */
  refuse?: readonly string[]
}

/**
 * The vendor's documented refusal of `POST /reports` while the usage history is not ready: 400 in the
 * early hours (about 01:00 to 06:00, data-center time), 500 after 06:00 when it should have been.
 */
export function usageNotReady(when: 'early' | 'late' = 'early'): Fault {
  const message =
    when === 'early'
      ? 'Usage history is not ready yet: reports can be created after 06:00 (data-center time)'
      : 'Usage history is not ready but should be available already: try again later'
  const status = when === 'early' ? 400 : 500
  return { method: 'POST', path: '/reports', status, body: errorBody(status, message) }
}

/** A seeded soak: each eligible request fails with probability `rate` and a status drawn from `statuses`. */
export interface RandomFaultOptions {
  /** Probability of a fault, 0..1. */
  rate: number
  /** Default `[429, 500, 502, 503, 504]`. */
  statuses?: number[]
  /** Default 1. */
  seed?: number
  /** Only these methods are eligible, e.g. `['GET', 'PUT']` to spare the token POST; default all. */
  methods?: string[]
  /** Sent as `Retry-After` on random 429 and 503 answers; default none. */
  retryAfter?: string | number
}

const API_ROOT = '/api/2'

/** Faults queued in injection order plus an optional random source, decided at request arrival. */
export class FaultPlan {
  private queue: { fault: Fault; remaining: number }[] = []
  private random: { options: RandomFaultOptions; next: () => number } | undefined

  inject(fault: Fault): void {
    const times = fault.times ?? 1
    if (!(times >= 1)) throw new Error(`simulator: fault times must be >= 1, got ${times}`)
    this.queue.push({ fault: { ...fault }, remaining: times })
  }

  clear(): void {
    this.queue = []
  }

  /** Scripted faults not yet used up (an `Infinity` fault always counts). */
  get pending(): number {
    return this.queue.length
  }

  setRandom(options: RandomFaultOptions | null): void {
    if (options === null) {
      this.random = undefined
      return
    }
    if (!(options.rate >= 0 && options.rate <= 1)) throw new Error('simulator: rate must be within 0..1')
    this.random = { options, next: mulberry32(options.seed ?? 1) }
  }

  /**
   * The fault for this request, if any. Called once per request in arrival order, so a seed replays
   * the same sequence whenever the client sends the same sequence of requests.
   */
  take(method: string, pathname: string): Fault | undefined {
    for (let i = 0; i < this.queue.length; i++) {
      const entry = this.queue[i]!
      if (!matches(entry.fault, method, pathname)) continue
      entry.remaining -= 1
      if (entry.remaining <= 0) this.queue.splice(i, 1)
      return entry.fault
    }
    return this.randomFault(method)
  }

  private randomFault(method: string): Fault | undefined {
    if (!this.random) return undefined
    const { options, next } = this.random
    if (options.methods && !options.methods.some((m) => m.toUpperCase() === method)) return undefined
    if (next() >= options.rate) return undefined
    const statuses = options.statuses ?? [429, 500, 502, 503, 504]
    const status = statuses[Math.floor(next() * statuses.length)]!
    // A status fault answers before the handler runs, so a random fault never writes.
    const fault: Fault = { status }
    if (options.retryAfter !== undefined && (status === 429 || status === 503)) {
      fault.retryAfter = options.retryAfter
    }
    return fault
  }
}

function matches(fault: Fault, method: string, pathname: string): boolean {
  // These only mean something to a PUT: without a method they must not be used up by a GET.
  const putOnly = fault.ignoreWrite || fault.afterWrite !== undefined || fault.refuse !== undefined
  const wanted = fault.method ?? (putOnly ? 'PUT' : undefined)
  if (wanted !== undefined && wanted.toUpperCase() !== method) return false
  if (fault.path === undefined) return true
  const relative = pathname.startsWith(API_ROOT + '/') ? pathname.slice(API_ROOT.length) : undefined
  return [pathname, relative].some((p) => p !== undefined && pathMatches(fault.path!, p))
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0
    return pattern.test(path)
  }
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern
}

/** A tiny, well-distributed seeded PRNG (public domain); Math.random cannot be seeded. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
