/** The command line's vocabulary: commands, their options, and the help printed from them. */

export const PROGRAM = 'acronis-report-sync'

interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  /** The value's placeholder in help (string options). */
  arg?: string
  help: string
}

export const OPTIONS = {
  config: { type: 'string', short: 'c', arg: 'FILE', help: 'the desired-state file (default: reports.yaml)' },
  'base-url': {
    type: 'string',
    arg: 'URL',
    help: 'data-center URL such as https://eu2-cloud.acronis.com (default: $ACRONIS_BASE_URL)',
  },
  'tenant-id': {
    type: 'string',
    arg: 'UUID',
    help: "tenant to work in (default: the API client's own, from GET /clients/{id})",
  },
  // `export --tenant` reads naturally, --tenant-id matches the action's input: both work wherever a tenant applies.
  tenant: { type: 'string', arg: 'UUID', help: 'the same as --tenant-id' },
  concurrency: { type: 'string', arg: 'N', help: 'at most N API requests in flight, 1-64 (default: 8)' },
  'timeout-seconds': {
    type: 'string',
    arg: 'S',
    help: 'per-request timeout in seconds, 1-600 (default: 30)',
  },
  'run-timeout': {
    type: 'string',
    arg: 'S',
    help: "the whole run's time limit in seconds, 0 for none (default: 1800); reports not finished by then fail",
  },
  'max-changes': {
    type: 'string',
    arg: 'N|P%',
    help: 'write nothing if more reports than this (a count, or a percentage of those declared) would change',
  },
  'max-deletes': {
    type: 'string',
    arg: 'N|P%',
    help: 'write nothing if more reports than this (a count, or a percentage of those declared) would be deleted',
  },
  json: {
    type: 'boolean',
    help: "print the plan as JSON, one entry per report, as the action's `plan` output (the table goes to stderr)",
  },
  'reviewed-plan': {
    type: 'string',
    arg: 'FILE',
    help: "the reviewed plan (from plan --json, or the action's `plan` output): write only what it shows, hold what differs",
  },
  'detailed-exitcode': {
    type: 'boolean',
    help: 'exit 2 when there are changes (0: none, 1: a failure), as terraform plan does',
  },
  output: {
    type: 'string',
    short: 'o',
    arg: 'FILE',
    help: 'write the file here (and the schema beside it) instead of to stdout; an existing file is kept unless --force',
  },
  force: { type: 'boolean', help: 'with --output: replace the file and the schema copy if they exist' },
  'by-login': {
    type: 'boolean',
    help: 'write recipients by login instead of UUID (one extra call per 100 users)',
  },
  check: {
    type: 'boolean',
    help: 'print the diff and exit 2 when the file would change, writing nothing',
  },
  'add-undeclared': {
    type: 'boolean',
    help: "append the tenant's reports the file does not declare, as export writes them",
  },
  schema: {
    type: 'string',
    arg: 'URL',
    help: 'the $schema line for editors (default with --output: ./reports.schema.json, a copy written beside the file; without: the published schema)',
  },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} satisfies Record<string, OptionSpec>

export type OptionName = keyof typeof OPTIONS

/** The placeholder of an option's value in help and messages. */
export function argOf(name: string): string {
  return (OPTIONS as Record<string, OptionSpec>)[name]?.arg ?? 'a value'
}
export type CommandName = 'validate' | 'plan' | 'apply' | 'export' | 'pull'

interface CommandSpec {
  summary: string
  description: string
  options: OptionName[]
  online: boolean
}

const ONLINE: OptionName[] = [
  'base-url',
  'tenant-id',
  'tenant',
  'concurrency',
  'timeout-seconds',
  'run-timeout',
]

export const COMMANDS: Record<CommandName, CommandSpec> = {
  validate: {
    summary: 'check reports.yaml offline: no credentials, no request',
    description:
      'Checks reports.yaml against the schema without credentials or any request. Errors are printed\n' +
      'as file:line:col: message. Logins and emails are resolved later, by plan and apply.',
    options: ['config', 'help'],
    online: false,
  },
  plan: {
    summary: 'show what apply would change; writes nothing',
    description:
      'Reads every report reports.yaml declares and prints what differs from the file. Sends no write.',
    options: ['config', ...ONLINE, 'detailed-exitcode', 'json', 'help'],
    online: true,
  },
  apply: {
    summary: 'update the reports that differ from reports.yaml',
    description:
      'Plans, then sends one PUT per report that differs, one POST per report to create and one DELETE per\n' +
      'report marked state: absent, and prints what happened to each.',
    options: ['config', ...ONLINE, 'max-changes', 'max-deletes', 'reviewed-plan', 'json', 'help'],
    online: true,
  },
  export: {
    summary: 'print a reports.yaml for every report of a tenant',
    description:
      'Writes a reports.yaml declaring every scheduled report of the tenant with its live values, so that\n' +
      'plan on it shows no changes. One-time reports, which the API cannot update, are listed as comments.',
    options: ['output', 'force', 'by-login', 'schema', ...ONLINE, 'help'],
    online: true,
  },
  pull: {
    summary: 'write the live values into reports.yaml, its layout kept',
    description:
      'Reads every report reports.yaml declares and writes the live values of the fields the file manages\n' +
      'into the file, in place: only those values change, every other line stays as it is. Prints the diff.\n' +
      'Sends no write to the API. A live value the file cannot hold is left as it is and listed.',
    options: ['config', 'check', 'by-login', 'add-undeclared', ...ONLINE, 'help'],
    online: true,
  },
}

const ENVIRONMENT = [
  ['ACRONIS_BASE_URL', 'data-center URL, when --base-url is not given'],
  ['ACRONIS_CLIENT_ID', 'API client id (OAuth2 client credentials)'],
  ['ACRONIS_CLIENT_SECRET', 'API client secret'],
  ['ACRONIS_TOKEN', 'an access token, instead of client id and secret'],
  ['NO_COLOR', 'no colour (by default colour is used only when output is a terminal)'],
  ['FORCE_COLOR', 'colour even when output is piped, e.g. into less -R (NO_COLOR wins over it)'],
]

function columns(rows: string[][]): string[] {
  const width = Math.max(...rows.map((r) => r[0]!.length))
  return rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`)
}

function optionLabel(name: OptionName): string {
  const o: OptionSpec = OPTIONS[name]
  return `${o.short ? `-${o.short}, ` : '    '}--${name}${o.arg ? ` ${o.arg}` : ''}`
}

export function commandHelp(name: CommandName): string {
  const c = COMMANDS[name]
  const lines = [
    `Usage: ${PROGRAM} ${name} [options]`,
    '',
    c.description,
    '',
    'Options:',
    ...columns(c.options.map((o) => [optionLabel(o), OPTIONS[o].help])),
  ]
  if (c.online) lines.push('', 'Environment:', ...columns(ENVIRONMENT))
  else lines.push('', 'Environment:', ...columns(ENVIRONMENT.filter(([n]) => n!.endsWith('_COLOR'))))
  const exit =
    name === 'plan'
      ? '0 no failure, 1 a failure (a report, the file, credentials or arguments), 2 changes with --detailed-exitcode'
      : name === 'export'
        ? '0 every report exported, 1 a failure (a report that could not be read is listed in the file)'
        : name === 'pull'
          ? '0 success, 1 a failure (a report that could not be read, the file, credentials or arguments), 2 the file would change with --check'
          : '0 success, 1 a failure (a report, the file, credentials or arguments)'
  lines.push('', `Exit codes: ${exit}`)
  return lines.join('\n') + '\n'
}

export function overview(version: string): string {
  return [
    `${PROGRAM} ${version}: reports.yaml as the source of truth for Acronis Cyber Protect Cloud usage reports`,
    '',
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...columns(Object.entries(COMMANDS).map(([n, c]) => [n, c.summary])),
    '',
    'Options:',
    ...columns([
      ['-h, --help', 'show this help'],
      ['    --version', 'print the version'],
    ]),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options.`,
    '',
  ].join('\n')
}
