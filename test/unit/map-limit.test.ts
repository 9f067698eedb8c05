import { describe, expect, it } from 'vitest'
import { mapLimit } from '../../src/util/map-limit.js'

describe('mapLimit', () => {
  it('awaits every call already running when one throws, starts no new one, then throws the first error', async () => {
    const started: number[] = []
    let running = 0
    let finished = 0
    const result = mapLimit([0, 1, 2, 3, 4, 5], 3, async (i) => {
      started.push(i)
      running++
      await new Promise((resolve) => setTimeout(resolve, i === 0 ? 5 : 40))
      running--
      finished++
      if (i === 0) throw new Error('first')
      return i
    })
    await expect(result).rejects.toThrow('first')
    expect(running).toBe(0)
    expect(started).toEqual([0, 1, 2])
    expect(finished).toBe(3)
  })
})
