/**
 * npm run fuzz [-- --count 100000 --seed 1 --from 0] [--writes]
 *
 * Reads mutated reports.yaml files as the action does (bytes → UTF-8 → YAML → schema) and checks what
 * test/unit/fuzz.test.ts checks on a few thousand: no crash, an answer within 2 s, every error with a
 * line, no message over 1,000 characters. Prints each failure with the seed and number that reproduce
 * it (`mutated(seed, n)` in test/fuzz/configs.ts), then a count; exits 1 on any failure.
 *
 * --writes: the write paths instead. Each case is a seeded tenant with hostile API values (formats,
 * unknown kinds and levels, logins, error texts) through `export` and `pull --add-undeclared`, by UUID
 * or `--by-login` (`checkWrites(seed, n)` in test/fuzz/writes.ts): the file always parses, a plan of
 * it shows no change but what was listed, untouched entries stay byte for byte.
 */
import { parseArgs } from 'node:util'
import { check, mutatedBytes } from '../test/fuzz/configs.js'
import { checkWrites, type WriteCounts } from '../test/fuzz/writes.js'

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '50000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    from: { type: 'string', default: '0' },
    writes: { type: 'boolean', default: false },
  },
})
const [count, seed, from] = [Number(values.count), Number(values.seed), Number(values.from)]
if (![count, seed, from].every(Number.isInteger))
  throw new Error('--count, --seed and --from take whole numbers')

let failed = 0
let slowest = { ms: 0, n: -1 }
const counts: WriteCounts = { exports: 0, pulls: 0, entries: 0, untouched: 0 }
const started = performance.now()
for (let n = from; n < from + count; n++) {
  const t0 = performance.now()
  const problems = values.writes ? checkWrites(seed, n, counts) : check(mutatedBytes(seed, n)).problems
  const ms = performance.now() - t0
  if (ms > slowest.ms) slowest = { ms, n }
  for (const p of problems) console.log(`seed ${seed}, ${values.writes ? 'case' : 'file'} ${n}: ${p}`)
  if (problems.length) failed++
  if ((n - from + 1) % 10_000 === 0) process.stderr.write(`${n - from + 1}…\n`)
}
const s = ((performance.now() - started) / 1000).toFixed(1)
const what = values.writes
  ? `${count} tenants (${counts.exports} exports, ${counts.pulls} pulls; ${counts.entries} entries planned back, ${counts.untouched} untouched entries compared)`
  : `${count} files`
console.log(
  `${what} (seed ${seed}, from ${from}) in ${s} s; slowest ${slowest.ms.toFixed(0)} ms (#${slowest.n}); ${failed} failed`,
)
if (failed) process.exitCode = 1
