import { parseArgs, type ParseArgsConfig } from 'node:util'
import { didYouMean } from '../util/did-you-mean.js'
import { argOf, COMMANDS, OPTIONS, type CommandName, type OptionName } from './commands.js'

/** A command line that cannot be run: the message names the bad word and what was expected. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help would explain it, if one was recognised. */
    readonly command?: CommandName,
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Options as given: strings for valued options, true for switches, absent when not given. */
export type Flags = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string }

export type Parsed =
  | { kind: 'overview' }
  | { kind: 'version' }
  | { kind: 'help'; command: CommandName }
  | { kind: 'run'; command: CommandName; flags: Flags }

const NAMES = Object.keys(COMMANDS) as CommandName[]

function command(word: string): CommandName {
  if ((NAMES as string[]).includes(word)) return word as CommandName
  const hint = didYouMean(word, NAMES)
  throw new UsageError(
    `unknown command "${word}"; ${hint ? `did you mean "${hint}"?` : `expected one of: ${NAMES.join(', ')}`}`,
  )
}

/** Reads `<command> [options]`; util.parseArgs does the parsing, this turns its errors into ours. */
export function parseCommandLine(argv: readonly string[]): Parsed {
  const [first, ...rest] = argv
  if (first === undefined) throw new UsageError(`a command is required: ${NAMES.join(', ')}`)
  if (first === '--help' || first === '-h') return { kind: 'overview' }
  if (first === '--version') return { kind: 'version' }
  if (first === 'help') return rest[0] ? { kind: 'help', command: command(rest[0]) } : { kind: 'overview' }
  if (first.startsWith('-')) throw new UsageError(`${first} is not allowed here; a command comes first`)
  const name = command(first)
  const options: ParseArgsConfig['options'] = {}
  for (const o of COMMANDS[name].options) {
    const spec: { type: 'string' | 'boolean'; short?: string } = OPTIONS[o]
    options[o] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }
  }
  let values: Record<string, unknown>
  try {
    values = parseArgs({ args: [...rest], options, strict: true, allowPositionals: false }).values
  } catch (e) {
    throw translate(e, name)
  }
  if (values.help) return { kind: 'help', command: name }
  for (const [key, value] of Object.entries(values)) {
    if (value === '') throw new UsageError(`--${key} needs a value (${argOf(key)})`, name)
  }
  return { kind: 'run', command: name, flags: values as Flags }
}

function translate(e: unknown, name: CommandName): Error {
  const error = e as { code?: string; message?: string }
  const quoted = /'([^']+)'/.exec(error.message ?? '')?.[1] ?? ''
  const option = /--([\w-]+)/.exec(quoted)?.[1] ?? quoted.replace(/^-+/, '')
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      if (quoted.startsWith('--') && option in OPTIONS)
        return new UsageError(`${quoted} does not apply to ${name}`, name)
      const hint = didYouMean(option, COMMANDS[name].options)
      return new UsageError(
        `unknown option ${quoted} for ${name}${hint ? `; did you mean --${hint}?` : ''}`,
        name,
      )
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(
        /does not take an argument/.test(error.message ?? '')
          ? `--${option} takes no value`
          : `--${option} needs a value (${argOf(option)})`,
        name,
      )
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument "${quoted}": ${name} takes options only`, name)
    default:
      return e instanceof Error ? e : new Error(String(e))
  }
}
