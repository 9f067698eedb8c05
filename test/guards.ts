/**
 * How many times more CPU time `work(large)` takes than `work(small)`, given the two inputs made
 * beforehand (making a text is not the work measured). A test asserts this ratio rather than a
 * time: CPU time does not count the time other processes had the cores. Each input is run in
 * batches long enough for the clock (at least `batchMs` of CPU), and the cheapest call of five
 * batches counts, so a garbage collection, a cold start or a busy machine's cache misses do not. Work linear in the size grows
 * as the sizes do (10× for inputs 10× apart, less when a fixed cost dominates the small one);
 * quadratic work grows as their square (100×).
 *
 * A machine whose every core is busy still inflates one measurement now and then (20 runs beside two
 * busy loops: ratios of 8 to 10 typically, 31 at worst, for work that is linear). So the pair is
 * measured up to `rounds` times and the smallest ratio counts, stopping at the first under
 * LINEAR_AT_10X: noise can lift a linear ratio in one round, while quadratic work is over the bound
 * in every round, so it still fails.
 */
export function growth<T>(work: (size: T) => unknown, small: T, large: T, batchMs = 5, rounds = 3): number {
  const cpu = () => {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1000
  }
  const perCall = (size: T) => {
    let best = Infinity
    for (let batch = 0; batch < 5; batch++) {
      const started = cpu()
      let calls = 0
      do {
        work(size)
        calls++
      } while (cpu() - started < batchMs)
      best = Math.min(best, (cpu() - started) / calls)
    }
    return best
  }
  // A first pass warms the code up; one call of the large input, the paths (and garbage collections)
  // only a large input reaches, so the measured pass does not pay for compiling them either.
  perCall(small)
  work(large)
  let smallest = Infinity
  for (let round = 0; round < rounds && smallest >= LINEAR_AT_10X; round++) {
    smallest = Math.min(smallest, perCall(large) / perCall(small))
  }
  return smallest
}

/** Sizes 10× apart: linear work stays well under this; quadratic work is far over it. */
export const LINEAR_AT_10X = 35

/**
 * `work`, or a rejection once `ms` have passed: a test of something that must not wait (a FIFO
 * without a writer) fails with a clear message instead of hanging. Generous on purpose: it tells a
 * hang from a slow machine, and asserts nothing about speed.
 */
export async function hangGuard<T>(work: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms: a hang`)), ms)
  })
  try {
    return await Promise.race([work, guard])
  } finally {
    clearTimeout(timer)
  }
}
