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

type Parsed =
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

/**
 * Reads `<command> [options]`. util.parseArgs splits the words (non-strict, with tokens); the checks
 * are ours, on the tokens, so messages do not depend on the wording of Node's errors.
 */
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
  const { values, tokens } = parseArgs({ args: [...rest], options, strict: false, tokens: true })
  for (const token of tokens) check(token, name)
  if (values.help) return { kind: 'help', command: name }
  return { kind: 'run', command: name, flags: values as Flags }
}

type Token = ReturnType<typeof parseArgs<{ tokens: true; strict: false }>>['tokens'][number]

/** The first word the command cannot take, in the order given, as a UsageError. */
function check(token: Token, name: CommandName): void {
  if (token.kind === 'positional')
    throw new UsageError(`unexpected argument "${token.value}": ${name} takes options only`, name)
  if (token.kind !== 'option') return
  const allowed: readonly string[] = COMMANDS[name].options
  if (!allowed.includes(token.name)) {
    if (token.rawName.startsWith('--') && token.name in OPTIONS)
      throw new UsageError(`${token.rawName} does not apply to ${name}`, name)
    const hint = didYouMean(token.name, allowed)
    throw new UsageError(
      `unknown option ${token.rawName} for ${name}${hint ? `; did you mean --${hint}?` : ''}`,
      name,
    )
  }
  const type = OPTIONS[token.name as OptionName].type
  if (type === 'boolean' && token.value !== undefined)
    throw new UsageError(`--${token.name} takes no value`, name)
  // As strict parsing would: `--config --help` forgot the file rather than naming one called "--help".
  const missing =
    !token.value || (!token.inlineValue && token.value.length > 1 && token.value.startsWith('-'))
  if (type === 'string' && missing)
    throw new UsageError(`--${token.name} needs a value (${argOf(token.name)})`, name)
}
