import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SHARE_ENV, Worker } from 'node:worker_threads'

/**
 * V8's young generation, in MB, for the thread that runs the action. Left to itself V8 doubles it
 * while reports.yaml is read (an entry at a time: ~1.3 GB of short-lived objects at 10,000 reports,
 * a few of which survive each collection), and the pages stay resident for the rest of the run:
 * 173 MB peak RSS at 10,000 reports, 129 MB held at 8 (`npm run bench`). Below 8 more objects are
 * promoted and the peak rises again (137 MB at 4).
 */
const YOUNG_GENERATION_MB = 8

// The runner starts `node dist/index.js` with no flags, and a process-wide V8 flag would change the
// collector for everything in the process: Node's resource limit for one thread says what it means
// for the code it means it for. This thread only starts the action's (dist/action.js, a bundle of
// src/action.ts), which shares the environment (SHARE_ENV) and writes to the process's stdout and
// stderr; its exit code (process.exitCode, as @actions/core sets it) becomes the process's.
const action = new Worker(path.join(path.dirname(fileURLToPath(import.meta.url)), 'action.js'), {
  env: SHARE_ENV,
  resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
})
action.on('error', (e) => {
  console.error(e)
  process.exitCode = 1
})
action.on('exit', (code) => {
  if (code) process.exitCode = code
})
