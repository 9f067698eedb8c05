import { describe, expect, it } from 'vitest'
import { check, mutatedBytes } from '../fuzz/configs.js'

// A few thousand here, seeded so a failure reproduces; `npm run fuzz` runs as many as asked.
const SEED = 20_251_127
const COUNT = 2000

describe('fuzzed reports.yaml', () => {
  it(`answers ${COUNT} mutated files without a crash or a hang, every error located and short`, () => {
    const failures: string[] = []
    for (let n = 0; n < COUNT; n++) {
      const { problems } = check(mutatedBytes(SEED, n))
      for (const p of problems) failures.push(`seed ${SEED}, file ${n}: ${p}`)
    }
    expect(failures).toEqual([])
  })
})
