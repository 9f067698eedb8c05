import { describe, expect, it } from 'vitest'
import { check, mutatedBytes } from '../fuzz/configs.js'
import { checkWrites, type WriteCounts } from '../fuzz/writes.js'

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

describe('fuzzed API values through what the action writes', () => {
  it('export and pull --add-undeclared (by UUID and by login) of 50 hostile tenants: the file parses, plans back to no change, untouched entries stay', () => {
    const counts: WriteCounts = { exports: 0, pulls: 0, entries: 0, untouched: 0 }
    const failures: string[] = []
    for (let n = 0; n < 50; n++)
      for (const p of checkWrites(SEED, n, counts)) failures.push(`seed ${SEED}, case ${n}: ${p}`)
    expect(failures).toEqual([])
    expect(counts.exports).toBe(50)
    expect(counts.pulls).toBe(50)
    expect(counts.untouched).toBeGreaterThan(0)
  })
})
