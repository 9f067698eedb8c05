// The command line: the same engine as the action (src/engine.ts), printed for a terminal.
import { main } from './cli/program.js'

// exitCode, not process.exit(): a piped stdout must drain before the process ends.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // `acronis-report-sync export | head` closes the pipe early; that is not a failure.
  if (e.code !== 'EPIPE') throw e
})
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
})
