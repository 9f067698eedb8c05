import { describe, expect, it } from 'vitest'
import { parseCommandLine, UsageError } from '../../src/cli/args.js'

/** The message a command line is refused with (and the command whose help explains it). */
function refusal(argv: string[]): { message: string; command?: string } {
  try {
    parseCommandLine(argv)
  } catch (e) {
    if (e instanceof UsageError) return { message: e.message, command: e.command }
    throw e
  }
  throw new Error(`accepted: ${argv.join(' ')}`)
}

describe('parseCommandLine', () => {
  it('reads a command and its options, short and long, with = or a separate value', () => {
    expect(parseCommandLine(['plan', '-c', 'r.yaml', '--concurrency=4', '--detailed-exitcode'])).toEqual({
      kind: 'run',
      command: 'plan',
      flags: { config: 'r.yaml', concurrency: '4', 'detailed-exitcode': true },
    })
    expect(parseCommandLine(['export', '--tenant', 'x', '-o', '-'])).toMatchObject({
      flags: { tenant: 'x', output: '-' },
    })
    expect(parseCommandLine(['apply', '--help'])).toEqual({ kind: 'help', command: 'apply' })
    expect(parseCommandLine(['help', 'plan'])).toEqual({ kind: 'help', command: 'plan' })
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' })
  })

  it.each([
    [['pla'], 'unknown command "pla"; did you mean "plan"?'],
    [['plan', '--concurency', '4'], 'unknown option --concurency for plan; did you mean --concurrency?'],
    [['plan', '--concurency=4'], 'unknown option --concurency for plan; did you mean --concurrency?'],
    [['validate', '-o', 'x'], 'unknown option -o for validate'],
    [['plan', '--max-changes', '3'], '--max-changes does not apply to plan'],
    [['plan', '--config'], '--config needs a value (FILE)'],
    [['plan', '-c'], '--config needs a value (FILE)'],
    [['plan', '--config='], '--config needs a value (FILE)'],
    [['plan', '--config', '--help'], '--config needs a value (FILE)'],
    [['plan', '--help=yes'], '--help takes no value'],
    [['plan', 'extra'], 'unexpected argument "extra": plan takes options only'],
    [['plan', '--', 'extra'], 'unexpected argument "extra": plan takes options only'],
    [['plan', '--no-help'], 'unknown option --no-help for plan'],
    [['--config', 'x'], '--config is not allowed here; a command comes first'],
  ])('refuses %j: %s', (argv, message) => {
    expect(refusal(argv).message).toBe(message)
  })

  it('reports the first problem in the order given, and names the command whose help explains it', () => {
    expect(refusal(['plan', 'extra', '--concurency'])).toEqual({
      message: 'unexpected argument "extra": plan takes options only',
      command: 'plan',
    })
    expect(refusal(['pla']).command).toBeUndefined()
  })
})
