/**
 * npm run fuzz [-- --count 100000 --seed 1 --from 0]
 *
 * Reads mutated reports.yaml files as the action does (bytes → UTF-8 → YAML → schema) and checks what
 * test/unit/fuzz.test.ts checks on a few thousand: no crash, an answer within 2 s, every error with a
 * line, no message over 1,000 characters. Prints each failure with the seed and number that reproduce
 * it (`mutated(seed, n)` in test/fuzz/configs.ts), then a count; exits 1 on any failure.
 */
import { parseArgs } from 'node:util'
import { check, mutatedBytes } from '../test/fuzz/configs.js'

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '50000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    from: { type: 'string', default: '0' },
  },
})
const [count, seed, from] = [Number(values.count), Number(values.seed), Number(values.from)]
if (![count, seed, from].every(Number.isInteger))
  throw new Error('--count, --seed and --from take whole numbers')

let failed = 0
let slowest = { ms: 0, n: -1 }
const started = performance.now()
for (let n = from; n < from + count; n++) {
  const { problems, ms } = check(mutatedBytes(seed, n))
  if (ms > slowest.ms) slowest = { ms, n }
  for (const p of problems) console.log(`seed ${seed}, file ${n}: ${p}`)
  if (problems.length) failed++
  if ((n - from + 1) % 10_000 === 0) process.stderr.write(`${n - from + 1} files…\n`)
}
const s = ((performance.now() - started) / 1000).toFixed(1)
console.log(
  `${count} files (seed ${seed}, from ${from}) in ${s} s; slowest ${slowest.ms.toFixed(0)} ms (file ${slowest.n}); ${failed} failed`,
)
if (failed) process.exitCode = 1
