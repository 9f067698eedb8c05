// Preloaded (node --import) into every process the benchmark measures. At exit it writes the kernel's
// own accounting for the process (getrusage: peak RSS, CPU time) to BENCH_USAGE_FILE. Read in the
// process itself at its very end, it misses no peak, unlike sampling /proc from outside, and needs no
// GNU time (absent on macOS). It adds one tiny module to start-up and nothing afterwards.
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_USAGE_FILE
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage()
    writeFileSync(
      file,
      JSON.stringify({ maxRssKb: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }),
    )
  })
}
