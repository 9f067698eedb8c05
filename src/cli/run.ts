import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { execute, type ReviewInput } from '../engine/execute.js'
import { validate, type EngineIO } from '../engine/session.js'
import { reviewedFromEntries } from '../review/check.js'
import { planJsonParts } from '../report/outputs.js'
import { InputError } from '../settings/settings.js'
import { changesAnything, countOutcomes } from '../model.js'
import { reportId } from '../report/format.js'
import { failureOf } from '../engine/verdict.js'
import { renderTerminal } from '../report/terminal.js'
import { recipientNames } from '../engine/recipients.js'
import type { Flags } from './args.js'
import { cliSettings } from './flags.js'
import { forTerminal, lineWidth, Progress, useColor, type Cli } from './tty.js'
import type { Redactor } from '../util/redact.js'
import { plural } from '../util/plural.js'

/** Largest reviewed-plan file read: 10,000 reports make ~2 MB of JSON. */
const MAX_REVIEWED_BYTES = 64 * 1024 * 1024

/**
 * `--reviewed-plan FILE`: the `plan` JSON of an earlier plan, as what was reviewed. The action's
 * `reviewed-plan` with the plan taken from a file rather than from pull requests: naming one is
 * `require` (a file that cannot be read stops the run before any request), leaving it out is `off`.
 */
async function readReviewed(file: string, cwd: string): Promise<ReviewInput> {
  const where = path.resolve(cwd, file)
  const fail = (why: string) => new InputError(`--reviewed-plan ${file}: ${why}`)
  let value: unknown
  try {
    if ((await stat(where)).size > MAX_REVIEWED_BYTES) throw fail('larger than 64 MiB')
    value = JSON.parse(await readFile(where, 'utf8'))
  } catch (e) {
    if (e instanceof InputError) throw e
    throw fail(e instanceof SyntaxError ? 'not JSON' : (e as Error).message)
  }
  try {
    return { review: { policy: 'require', source: file }, plans: [reviewedFromEntries(value)] }
  } catch (e) {
    throw fail((e as Error).message)
  }
}

/** validate, plan or apply: the action's engine, shown for a terminal. Returns the exit code. */
export async function runConfig(
  mode: 'validate' | 'plan' | 'apply',
  flags: Flags,
  cli: Cli,
): Promise<number> {
  const settings = cliSettings(mode, flags, cli.env, cli.cwd)
  const config = await validate(settings)
  if (settings.mode === 'validate') {
    const n = config.entries
    const names = recipientNames(config).length
    const later = names ? `; ${plural(names, 'recipient name')} to resolve when planning` : ''
    cli.stdout.write(`${settings.configName}: ${plural(n, 'report')} declared, no errors${later}\n`)
    return 0
  }
  const progress = new Progress(cli.stderr, settings.mode === 'plan' ? 'planning' : 'applying')
  const reviewed = flags['reviewed-plan'] ? await readReviewed(flags['reviewed-plan'], cli.cwd) : undefined
  const result = await execute(settings, config, terminalIO(progress, cli.secrets), reviewed).finally(() =>
    progress.clear(),
  )
  if (flags.json) {
    // JSON for a script on stdout; the table for the person on stderr.
    for (const part of planJsonParts(result.outcomes)) cli.stdout.write(part)
    cli.stdout.write('\n')
    cli.stderr.write(renderTerminal(result, terminalOptions(cli.stderr, cli)))
  } else cli.stdout.write(renderTerminal(result, terminalOptions(cli.stdout, cli)))

  // Failures again on stderr, as file:line:col, so a script or an editor can find them.
  for (const o of result.outcomes) {
    if (o.status === 'failed')
      cli.stderr.write(
        forTerminal(`${o.at.file}:${o.at.line}:${o.at.column}: ${reportId(o)}: ${o.error}\n`, cli.secrets),
      )
  }
  const failure = failureOf(result)
  if (failure) {
    cli.stderr.write(forTerminal(`${failure.message}\n`, cli.secrets))
    return 1
  }
  return mode === 'plan' && flags['detailed-exitcode'] && changesAnything(countOutcomes(result.outcomes))
    ? 2
    : 0
}

/** Colour and width for the stream the table goes to. */
function terminalOptions(stream: Cli['stdout'], cli: Cli) {
  return { color: useColor(stream, cli.env), width: lineWidth(stream, cli.env) }
}

/**
 * The engine's messages on a terminal: above the progress line, which counts the reports done. The
 * client learns each token into `secrets` (no runner to tell: no ::add-mask::); every line is scrubbed
 * and escaped, since it may quote the API.
 */
export function terminalIO(progress: Progress, secrets: Redactor): EngineIO {
  return {
    secrets,
    info: (line) => progress.line(forTerminal(line, secrets)),
    warning: (line) => progress.line(forTerminal(`warning: ${line}`, secrets)),
    onOutcome: (_o, done, total) => progress.tick(done, total),
  }
}
