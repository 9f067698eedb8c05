import path from 'node:path'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Vitest runs the files longest first when it knows their durations, and largest first when it does
 * not (a first run, a fresh clone): then a short file of long waits (a run throttled for seconds)
 * would start last and hold up the end. So until it knows them all, the files that wait on servers
 * and processes (end to end, integration) start first and the unit files fill in at the end.
 */
class WaitsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const root = this.ctx.config.root
    const known = (f: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${f.project.name}:${path.relative(root, f.moduleId)}`)
    if (files.every(known)) return sorted
    const rank = (f: TestSpecification) => (/\/test\/(e2e|integration)\//.test(f.moduleId) ? 0 : 1)
    return sorted.sort((a, b) => rank(a) - rank(b))
  }
}

export default defineConfig({
  // Where Vitest keeps each file's last duration, which it runs longest first: outside node_modules,
  // which `npm ci` replaces, so a run after it still starts with the longest files (.tmp/ is ignored).
  cacheDir: '.tmp/vite',
  test: {
    include: ['test/**/*.test.ts'],
    // Hang guards, not speed limits: many times what the longest test takes on an idle machine, so a
    // test passes on a machine whose cores are all busy (speed lives in `npm run bench`).
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // e2e tests spawn the bundled action; a global setup builds it once so they never run a stale dist/,
    // and its teardown fails a run that left a process behind.
    globalSetup: ['test/global-setup.ts'],
    // Processes, not threads: test/guards.ts measures work in the process's CPU time, and the in-process
    // runs (test/e2e/in-process.ts) take the process's environment and output for their duration.
    pool: 'forks',
    // A file is not given a fresh module graph of its own: importing vitest and src/ again for each of
    // ~55 files cost a third of the suite's CPU time. The in-process runs load src/ afresh themselves.
    isolate: false,
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine, idle while
    // a test waits for a Retry-After or a child process. Three keep both cores busy.
    maxWorkers: 3,
    sequence: { sequencer: WaitsFirst },
  },
})
