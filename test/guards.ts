/**
 * How many times more CPU time `work(large)` takes than `work(small)`, each at its best of `tries`
 * runs. A test asserts this ratio rather than a time: CPU time does not count the time other
 * processes had the cores, and the best of a few leaves out a garbage collection. Work linear in
 * the size grows as the sizes do (10× for sizes 10× apart, less when a fixed cost dominates the
 * small one); quadratic work grows as their square (100×).
 */
export function growth<T>(work: (size: T) => unknown, small: T, large: T, tries = 3): number {
  const best = (size: T) => {
    let min = Infinity
    for (let i = 0; i < tries; i++) {
      const started = process.cpuUsage()
      work(size)
      const used = process.cpuUsage(started)
      min = Math.min(min, used.user + used.system)
    }
    return min
  }
  const base = best(small) // first, so a cold start (JIT, caches) can only lower the ratio
  return best(large) / Math.max(base, 50)
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
