import { readSource } from '../engine/session.js'
import { pull } from '../engine/pull.js'
import { failureOf } from '../engine/verdict.js'
import { unifiedDiff } from '../report/diff.js'
import { pullHeadline, pullListing } from '../report/pull.js'
import type { Flags } from './args.js'
import { cliSettings } from './flags.js'
import { terminalIO } from './run.js'
import { forTerminal, Progress, type Cli } from './tty.js'

/** pull: the live values written into reports.yaml in place; the diff on stdout. Returns the exit code. */
export async function runPull(flags: Flags, cli: Cli): Promise<number> {
  const settings = cliSettings('pull', flags, cli.env, cli.cwd)
  const source = await readSource(settings)
  const progress = new Progress(cli.stderr, 'reading reports')
  const run = await pull(settings, source, terminalIO(progress, cli.secrets), {
    byLogin: flags['by-login'] === true,
    addUndeclared: flags['add-undeclared'] === true,
    write: flags.check !== true,
  }).finally(() => progress.clear())
  // The diff alone on stdout, so `pull --check > change.patch` is a patch.
  cli.stdout.write(unifiedDiff(settings.configName, run.before, run.edits))
  for (const line of [...pullListing(run), pullHeadline(run)])
    cli.stderr.write(`${forTerminal(line, cli.secrets)}\n`)
  // The same rule as the action's step (failed-reports); undeclared reports only the command line adds.
  if (failureOf(run) || run.undeclared?.unread.length) return 1
  return flags.check && run.after !== run.before ? 2 : 0
}
