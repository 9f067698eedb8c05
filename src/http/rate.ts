/**
 * CUBIC's constants as AWS's "adaptive" retry mode uses them: the rate a client learns for an API that
 * throttles without saying its limit.
 */
export const CUBIC = {
  /** On a throttle the rate drops to this share of the rate the API was accepting. */
  beta: 0.7,
  /**
   * Seconds the cubic takes to climb back to the rate of the last throttle, whatever that rate. AWS's
   * constant is absolute (0.4 requests a second per second cubed), which climbs back in 1.5 s at 5
   * requests a second: a slow API would then throttle every few seconds, one 429 in twenty requests.
   * Relative, every rate spends the same time climbing and probing: a throttle every ~25 s.
   */
  climbSeconds: 12,
  /**
   * Answers accepted over the window that make the measured rate worth the full climb. A throttle after
   * fewer (a 503 at the start of a run) says little about the API's rate: the climb is shorter in
   * proportion, half a second at least, so a run that met a passing storm is soon back to full speed.
   */
  evidence: 20,
  /**
   * While the rate climbs back after a drop, a throttle drops it again only when this share of the
   * answers of the last second were throttles (counted as if 10 more had come): a rate still above the
   * limit is throttled often, while an API that refuses a request now and then at any rate would
   * otherwise have every refusal cut the rate, down to nothing.
   */
  noise: 0.05,
  /**
   * The cubic levels off at this share of the rate measured at the throttle: what the API accepted
   * just before includes what its bucket had saved up, a little more than it allows for long.
   */
  level: 0.95,
  /** Never slower than this, requests a second. */
  minRate: 0.5,
  /** Never faster than this many times the rate actually sent: growth follows what was tried. */
  maxGrowth: 2,
  /** The rate sent is counted over this window. */
  windowMs: 1000,
  /**
   * The rate the API accepted is counted over this longer one: over one second it is the limit plus
   * whatever its bucket still held, noise that would set the rate above the limit after a drop.
   */
  acceptedWindowMs: 5000,
} as const

const SLICES = 10

/** Events over about the last `windowMs`, counted in tenths, so a count costs nothing per event. */
export class WindowCount {
  private readonly counts = new Array<number>(SLICES).fill(0)
  private slice = 0
  private first = Infinity

  constructor(private readonly windowMs: number = CUBIC.windowMs) {}

  add(now: number): void {
    this.first = Math.min(this.first, now)
    this.advance(now)
    this.counts[this.slice % SLICES]!++
  }

  /** Events over the window ending now. */
  count(now: number): number {
    this.advance(now)
    return this.counts.reduce((a, b) => a + b, 0)
  }

  /**
   * Events a second over the window ending now (nine whole tenths and the one under way), or over the
   * time since the first event when that is shorter, a tenth at least.
   */
  rate(now: number): number {
    this.advance(now)
    const tenth = this.windowMs / SLICES
    const window = (SLICES - 1) * tenth + (now - this.slice * tenth)
    const spanMs = Math.max(tenth, Math.min(window, now - this.first))
    return this.count(now) / (spanMs / 1000)
  }

  private advance(now: number): void {
    const slice = Math.floor(now / (this.windowMs / SLICES))
    if (slice <= this.slice) return
    // Slices that passed without events are emptied; after a whole window, all of them.
    for (let s = Math.max(this.slice + 1, slice - SLICES + 1); s <= slice; s++) this.counts[s % SLICES] = 0
    this.slice = slice
  }
}

/**
 * How fast one API may be sent requests: free until it first throttles, then a token bucket whose rate
 * follows CUBIC (AWS's adaptive mode, our own arithmetic). On a throttle the rate drops to `beta` times
 * the rate the API accepted over the last window (what it allows, where AWS takes what was sent), once
 * per round trip: throttles of requests sent before the drop, or within one round trip after it (they
 * meet a bucket their predecessors emptied), are the same overload and change nothing.
 * On each success the rate grows along a cubic back to where the throttle was and beyond, never above
 * `maxGrowth` times the rate sent. A Retry-After is a pause: nothing starts before it ends.
 * Times are milliseconds on any monotonic clock; the caller passes `now`, so the arithmetic is testable.
 */
export class AdaptiveRate {
  private enabled = false
  /** Tokens a second, and the most the bucket holds (a second's worth). */
  private fillRate = 0
  private capacity = 0
  private tokens = 0
  private lastRefill = 0
  /** Where the cubic levels off before growing on: `level` times the rate at the last throttle. */
  private lastMaxRate = 0
  /** When the rate last dropped, and how long the cubic takes to climb back from that drop. */
  private lastCut = -Infinity
  private climbSeconds: number = CUBIC.climbSeconds
  /** Answers, and throttles among them, to requests sent after the last drop's overload. */
  private readonly answers = new WindowCount()
  private readonly throttles = new WindowCount()
  /** Throttles of requests sent before this are the overload the last drop answered. */
  private sameOverloadUntil = -Infinity
  private pausedUntil = 0
  private readonly sent = new WindowCount()
  private readonly accepted = new WindowCount(CUBIC.acceptedWindowMs)

  /** Whether a throttle has switched the bucket on. */
  get limiting(): boolean {
    return this.enabled
  }

  /** The current rate in requests a second; Infinity while nothing has been throttled. */
  get rate(): number {
    return this.enabled ? this.fillRate : Infinity
  }

  /** When the pause a Retry-After asked for ends (0: none yet). */
  get pauseEnds(): number {
    return this.pausedUntil
  }

  /** 0 when a request may start now (its token is taken), else the milliseconds to wait first. */
  take(now: number): number {
    if (now < this.pausedUntil) return this.pausedUntil - now
    if (!this.enabled) return 0
    this.refill(now)
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 0
    }
    return Math.ceil(((1 - this.tokens) / this.fillRate) * 1000)
  }

  /** A request went out. */
  sending(now: number): void {
    this.sent.add(now)
  }

  /** A request sent at `sentAt` was answered; `pauseMs` is the Retry-After of a throttle, if any. */
  answered(sentAt: number, now: number, throttled: boolean, pauseMs?: number): void {
    const current = sentAt >= this.sameOverloadUntil
    if (current) this.answers.add(now)
    if (!throttled) {
      this.accepted.add(now)
      if (this.enabled) this.setRate(now, this.cubic(now))
      return
    }
    if (pauseMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + pauseMs)
    if (!current) return
    this.throttles.add(now)
    const climbing = this.enabled && now - this.lastCut < this.climbSeconds * 1000
    if (climbing && this.throttles.count(now) / (this.answers.count(now) + 10) < CUBIC.noise) return
    const measured = this.accepted.rate(now)
    const evidence = Math.min(1, this.accepted.count(now) / CUBIC.evidence)
    this.climbSeconds = Math.max(0.5, CUBIC.climbSeconds * evidence)
    const base = Math.max(CUBIC.minRate, this.enabled ? Math.min(measured, this.fillRate) : measured)
    if (!this.enabled) {
      // One token to start: the throttled request's own retry goes at the new rate's first beat.
      this.enabled = true
      this.tokens = 1
      this.lastRefill = now
    }
    this.lastMaxRate = base * CUBIC.level
    this.lastCut = now
    // Requests sent within a round trip of the drop meet a bucket that those before it emptied.
    this.sameOverloadUntil = now + (now - sentAt)
    this.setRate(now, base * CUBIC.beta)
  }

  /**
   * CUBIC's curve: from `beta` of the last throttle's rate it climbs fast, flattens as it nears that
   * rate (reached after `climbSeconds`, less with little evidence), then grows on, slowly at first, probing for more.
   */
  private cubic(now: number): number {
    const t = (now - this.lastCut) / 1000 - this.climbSeconds
    return this.lastMaxRate * (1 + ((1 - CUBIC.beta) * t ** 3) / this.climbSeconds ** 3)
  }

  private setRate(now: number, wanted: number): void {
    this.refill(now)
    // A pause in the last window sent nothing on purpose: the rate sent then says nothing about the API.
    const measuredSend = now - this.pausedUntil >= CUBIC.windowMs
    const rate = measuredSend ? Math.min(wanted, CUBIC.maxGrowth * this.sent.rate(now)) : wanted
    this.fillRate = Math.max(rate, CUBIC.minRate)
    this.capacity = Math.max(rate, 1)
    this.tokens = Math.min(this.tokens, this.capacity)
  }

  private refill(now: number): void {
    if (now > this.lastRefill) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.lastRefill) / 1000) * this.fillRate)
      this.lastRefill = now
    }
  }
}
