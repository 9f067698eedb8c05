import pkg from '../../package.json' with { type: 'json' }
import { ApiError } from '../acronis/errors.js'
import { ConfigErrors } from '../config/errors.js'
import { authHint, nothingDone } from '../engine/verdict.js'
import { InputError, passwordOf } from '../settings/settings.js'
import { Redactor } from '../util/redact.js'
import { parseCommandLine, UsageError, type Flags } from './args.js'
import { commandHelp, overview, PROGRAM } from './commands.js'
import { runExport } from './export-command.js'
import { runPull } from './pull-command.js'
import { runConfig } from './run.js'
import { forTerminal, type Cli } from './tty.js'

/** Runs one command line and returns its exit code: 0 success, 1 failure, 2 plan has changes (or pull --check would). */
export async function main(
  argv: readonly string[],
  io: Omit<Cli, 'program' | 'version' | 'secrets'>,
): Promise<number> {
  // As the action does with its inputs: every secret known before anything could print it.
  const { ACRONIS_CLIENT_SECRET: secret, ACRONIS_TOKEN: token, ACRONIS_BASE_URL: base } = io.env
  const secrets = Redactor.of(secret ?? '', token ?? '', passwordOf(base ?? ''))
  const cli: Cli = { ...io, program: PROGRAM, version: pkg.version, secrets }
  let flags: Flags = {}
  try {
    const parsed = parseCommandLine(argv)
    switch (parsed.kind) {
      case 'overview':
        cli.stdout.write(overview(cli.version))
        return 0
      case 'version':
        cli.stdout.write(`${cli.version}\n`)
        return 0
      case 'help':
        cli.stdout.write(commandHelp(parsed.command))
        return 0
      case 'run':
        flags = parsed.flags
        secrets.add(passwordOf(flags['base-url'] ?? ''))
        if (parsed.command === 'export') return await runExport(parsed.flags, cli)
        if (parsed.command === 'pull') return await runPull(parsed.flags, cli)
        return await runConfig(parsed.command, parsed.flags, cli)
    }
  } catch (e) {
    cli.stderr.write(forTerminal(explain(e, cli, flags), secrets))
    return 1
  }
}

/** Each kind of failure in the words that help: where in the file, which flag, what the API said. */
function explain(e: unknown, cli: Cli, flags: Flags): string {
  if (e instanceof UsageError) {
    const help = e.command ? `${PROGRAM} ${e.command} --help` : `${PROGRAM} --help`
    return `${PROGRAM}: ${e.message}\nRun "${help}" for usage.\n`
  }
  if (e instanceof ConfigErrors) {
    const lines = e.errors.map((err) => `${err.toString()} [${err.code}]`)
    return [...lines, `${e.message}; ${nothingDone(e)}`, ''].join('\n')
  }
  if (e instanceof InputError) return `${PROGRAM}: ${e.message}\n`
  if (e instanceof ApiError) return `${PROGRAM}: ${e.describe()}${hint(e, cli.env, flags)}\n`
  return `${PROGRAM}: ${e instanceof Error ? e.message : String(e)}\n`
}

/** The environment variables and flags a person at a terminal set: the data center by the one they used. */
function hint(e: ApiError, env: NodeJS.ProcessEnv, flags: Flags): string {
  const names = {
    clientId: 'ACRONIS_CLIENT_ID',
    clientSecret: 'ACRONIS_CLIENT_SECRET',
    token: 'ACRONIS_TOKEN',
    baseUrl: flags['base-url'] ? '--base-url' : 'ACRONIS_BASE_URL',
  }
  const text = authHint(e, Boolean(env.ACRONIS_TOKEN), names)
  return text ? `\n${text}` : ''
}
