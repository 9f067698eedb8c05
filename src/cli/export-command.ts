import path from 'node:path'
import schema from '../../schema/reports.schema.json' with { type: 'json' }
import { refusal, writeNewText, WriteRefused, type Refusal } from '../config/write.js'
import { exportTenant, renderExport } from '../engine/tenant-export.js'
import { InputError } from '../settings/settings.js'
import type { Flags } from './args.js'
import { cliSettings } from './flags.js'
import { terminalIO } from './run.js'
import { forTerminal, Progress, type Cli } from './tty.js'
import { plural } from '../util/plural.js'

/**
 * export: every report of a tenant as a reports.yaml that plans to zero changes. Returns the exit code.
 * With -o the file (and the schema copy beside it) replaces nothing that exists unless --force, is
 * never written through a symbolic link, and is written whole or not at all (src/config/write.ts);
 * without, the YAML goes to stdout and no file is written.
 */
export async function runExport(flags: Flags, cli: Cli): Promise<number> {
  const settings = cliSettings('plan', flags, cli.env, cli.cwd)
  const force = flags.force === true
  const output = flags.output
  // Before any request: a file that would be refused at the end is refused now.
  const refused = output && (await refusal(path.resolve(cli.cwd, output), force))
  if (output && refused) throw refuse(output, refused)
  const progress = new Progress(cli.stderr, 'reading reports')
  const tenant = await exportTenant(settings, terminalIO(progress, cli.secrets), {
    byLogin: flags['by-login'] === true,
    onProgress: (done, total) => progress.tick(done, total),
  }).finally(() => progress.clear())
  // A printed file has no copy of the schema beside it: it names the published one.
  const { text, unwritable } = renderExport(tenant, {
    schema: flags.schema ?? (output ? `./${SCHEMA_FILE}` : schema.$id),
    generator: `${cli.program} ${cli.version}`,
    tenant: settings.tenantId,
  })
  for (const f of tenant.failures)
    cli.stderr.write(forTerminal(`could not read report ${f.id}: ${f.error}\n`, cli.secrets))
  for (const u of unwritable)
    cli.stderr.write(forTerminal(`could not write report ${u.id}: ${u.reason}\n`, cli.secrets))
  if (output) {
    await writeNewText(path.resolve(cli.cwd, output), text, force).catch((e: unknown) => {
      throw e instanceof WriteRefused ? refuse(output, e.why) : e
    })
    const once = tenant.reports.filter((r) => r.schedule.type === 'once').length
    const comments = once ? `, ${once} one-time listed as comments` : ''
    cli.stderr.write(
      `${output}: ${plural(tenant.reports.length - once, 'scheduled report')} exported${comments}\n`,
    )
    if (!flags.schema) await writeSchemaCopy(path.join(path.dirname(output), SCHEMA_FILE), force, cli)
  } else cli.stdout.write(text)
  const failed = tenant.failures.length + unwritable.length
  if (failed)
    cli.stderr.write(
      `${plural(failed, 'report')} could not be ${unwritable.length ? (tenant.failures.length ? 'read or written' : 'written') : 'read'}; the file lists them\n`,
    )
  return failed ? 1 : 0
}

/** Why -o names no file export will write, in the words of its flags. */
function refuse(output: string, why: Refusal): InputError {
  if (why === 'exists')
    return new InputError(
      `${output} exists; export replaces no file: add --force to replace it, or name another with -o`,
    )
  if (why === 'link')
    return new InputError(
      `${output} is a symbolic link; export writes no file through a link: name the file itself, or another, with -o`,
    )
  return new InputError(`${output} is not a regular file; name another with -o`)
}

/** The schema copy an exported file names in its `$schema` line: beside it, so editors need no network. */
const SCHEMA_FILE = 'reports.schema.json'

async function writeSchemaCopy(file: string, force: boolean, cli: Cli): Promise<void> {
  const target = path.resolve(cli.cwd, file)
  const kept = (why: Refusal) =>
    cli.stderr.write(
      why === 'exists'
        ? `${file}: exists, kept as it is (--force replaces it with this version's schema)\n`
        : `${file}: ${why === 'link' ? 'a symbolic link (export writes no file through a link)' : 'not a regular file'}, left as it is\n`,
    )
  try {
    await writeNewText(target, JSON.stringify(schema, null, 2) + '\n', force)
  } catch (e) {
    if (e instanceof WriteRefused) return void kept(e.why)
    throw e
  }
  cli.stderr.write(`${file}: the schema, for completion and checks in editors (no network needed)\n`)
}
