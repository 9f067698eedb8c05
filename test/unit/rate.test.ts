import { describe, expect, it } from 'vitest'
import { AdaptiveRate, CUBIC, WindowCount } from '../../src/http/rate.js'

/** `perSecond` requests a second sent and accepted, evenly over the `seconds` before `end`. */
function accept(rate: AdaptiveRate, perSecond: number, end: number, seconds = 1): void {
  const n = perSecond * seconds
  for (let i = 0; i < n; i++) {
    const t = end - seconds * 1000 + ((i + 0.5) * seconds * 1000) / n
    rate.sending(t)
    rate.answered(t, t, false)
  }
}

/** `n` requests a second accepted over the 5 s before t = 10 s (the window it measures), then one throttle. */
function throttledAt(n: number): AdaptiveRate {
  const rate = new AdaptiveRate()
  accept(rate, n, 10_000, CUBIC.acceptedWindowMs / 1000)
  rate.sending(10_000)
  rate.answered(10_000, 10_000, true)
  return rate
}

describe('WindowCount', () => {
  it('counts the events of the last second only', () => {
    const w = new WindowCount()
    for (let t = 0; t < 1000; t += 10) w.add(t)
    expect(w.rate(999)).toBeCloseTo(100, 0)
    // 600-999 ms: 40 events over 0.95 s.
    expect(w.rate(1550)).toBeCloseTo(40 / 0.95)
    expect(w.rate(5000)).toBe(0)
  })
})

describe('AdaptiveRate', () => {
  it('costs nothing until the first throttle: every request starts at once', () => {
    const rate = new AdaptiveRate()
    accept(rate, 500, 1000)
    for (let i = 0; i < 100; i++) expect(rate.take(1000)).toBe(0)
    expect(rate.limiting).toBe(false)
    expect(rate.rate).toBe(Infinity)
  })

  it('drops to 0.7 times the rate the API accepted over the last seconds at the first throttle', () => {
    const rate = throttledAt(20)
    expect(rate.limiting).toBe(true)
    expect(rate.rate).toBeCloseTo(20 * CUBIC.beta)
  })

  it('cuts once per round trip: throttles of requests sent before the cut change nothing', () => {
    const rate = throttledAt(20)
    rate.answered(9_990, 10_050, true)
    rate.answered(9_999, 10_060, true)
    expect(rate.rate).toBeCloseTo(14)
    // A request sent after the cut that is throttled too: the rate was still too high.
    rate.sending(10_100)
    rate.answered(10_100, 10_150, true)
    expect(rate.rate).toBeCloseTo(14 * CUBIC.beta)
  })

  it('grows back along the cubic: fast at first, level near the old rate after climbSeconds, then on', () => {
    const rate = throttledAt(100)
    const k = CUBIC.climbSeconds
    const level = 100 * CUBIC.level
    const at = (seconds: number) => {
      const t = 10_000 + seconds * 1000
      // Enough sent that the cap (twice the rate sent) stays out of the way.
      accept(rate, 150, t)
      rate.answered(t, t, false)
      return rate.rate
    }
    const third = at(k / 3)
    expect(third).toBeCloseTo(level * (1 - (1 - CUBIC.beta) * (2 / 3) ** 3))
    // Most of the climb is done in the first third.
    expect(third).toBeGreaterThan(level * 0.9)
    expect(at(k)).toBeCloseTo(level)
    expect(at(2 * k)).toBeCloseTo(level * (2 - CUBIC.beta))
  })

  it('never grows past twice the rate actually sent', () => {
    const rate = throttledAt(100)
    const t = 30_000
    // The cubic alone would be far above 100 twenty seconds on; 10 a second were sent.
    accept(rate, 10, t)
    expect(rate.rate).toBeGreaterThan(CUBIC.maxGrowth * 10 * 0.9)
    expect(rate.rate).toBeLessThan(CUBIC.maxGrowth * 10 * 1.1)
  })

  it('paces requests at its rate once it limits, a second of tokens at most', () => {
    const rate = throttledAt(10)
    // Rate 7: the one token it starts with goes at once, the next comes 1/7 s later.
    expect(rate.take(10_000)).toBe(0)
    expect(rate.take(10_000)).toBe(Math.ceil(1000 / 7))
    expect(rate.take(10_000 + 143)).toBe(0)
    // After a quiet minute the bucket holds a second's worth (7), not more.
    let burst = 0
    while (rate.take(70_000) === 0) burst++
    expect(burst).toBe(7)
  })

  it('while climbing, ignores a throttle now and then, and drops again when throttles are frequent', () => {
    const rate = throttledAt(100)
    const cut = rate.rate
    // A second later, 100 answers of which one throttle: an API refusing now and then, not a limit.
    accept(rate, 100, 11_000)
    rate.answered(11_000, 11_010, true)
    const climbed = rate.rate
    expect(climbed).toBeGreaterThan(cut)
    // Ten throttles among the answers of the last second: still over the limit.
    for (let i = 0; i < 9; i++) rate.answered(11_020 + i, 11_030 + i, true)
    expect(rate.rate).toBeLessThan(climbed * CUBIC.beta + 1)
  })

  it('climbs back fast from a throttle that came with little evidence of a rate', () => {
    const slow = throttledAt(10)
    const fast = new AdaptiveRate()
    accept(fast, 2, 10_000)
    fast.sending(10_000)
    fast.answered(10_000, 10_000, true)
    const [slowCut, fastCut] = [slow.rate, fast.rate]
    // Three seconds after the drop: 50 evidenced answers take 12 s to climb back, 2 take a tenth of it.
    for (const r of [slow, fast]) {
      accept(r, 50, 13_000)
      r.answered(13_000, 13_000, false)
    }
    expect(slow.rate / slowCut).toBeLessThan(1 / CUBIC.beta)
    expect(fast.rate / fastCut).toBeGreaterThan(2)
  })

  it('never slows below the floor, however little was accepted', () => {
    const rate = throttledAt(0)
    expect(rate.rate).toBe(CUBIC.minRate)
  })

  it("holds every request for a throttle's Retry-After, and slows as for any throttle", () => {
    const rate = new AdaptiveRate()
    accept(rate, 10, 10_000, CUBIC.acceptedWindowMs / 1000)
    rate.answered(10_000, 10_000, true, 3_000)
    expect(rate.take(10_000)).toBe(3_000)
    expect(rate.take(12_500)).toBe(500)
    expect(rate.take(13_000)).toBe(0)
    expect(rate.rate).toBeCloseTo(7)
  })
})
