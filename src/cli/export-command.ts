import { lstat, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import schema from '../../schema/reports.schema.json' with { type: 'json' }
import { connect } from '../engine/engine.js'
import { readTenant, renderExport, type TenantExport } from '../engine/tenant-export.js'
import { InputError, type OnlineSettings } from '../settings/settings.js'
import { tenantResolver } from '../engine/tenant.js'
import type { Flags } from './args.js'
import { cliSettings } from './flags.js'
import { terminalIO } from './run.js'
import { forTerminal, Progress, type Cli } from './tty.js'
import { plural } from '../util/plural.js'

/**
 * export: every report of a tenant as a reports.yaml that plans to zero changes. Returns the exit code.
 * With -o the file (and the schema copy beside it) replaces nothing that exists unless --force; without,
 * the YAML goes to stdout and no file is written.
 */
export async function runExport(flags: Flags, cli: Cli): Promise<number> {
  const settings = cliSettings('plan', flags, cli.env, cli.cwd)
  const force = flags.force === true
  const output = flags.output
  // Before any request: a file that would be refused at the end is refused now.
  if (output && !force && (await exists(path.resolve(cli.cwd, output))))
    throw new InputError(
      `${output} exists; export replaces no file: add --force to replace it, or name another with -o`,
    )
  const progress = new Progress(cli.stderr, 'reading reports')
  const tenant = await read(settings, flags['by-login'] === true, progress, cli)
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
    const target = path.resolve(cli.cwd, output)
    await mkdir(path.dirname(target), { recursive: true })
    // 'wx' fails if the file appeared since the check above, rather than replacing it.
    await writeFile(target, text, { flag: force ? 'w' : 'wx' })
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

/** The schema copy an exported file names in its `$schema` line: beside it, so editors need no network. */
const SCHEMA_FILE = 'reports.schema.json'

async function writeSchemaCopy(file: string, force: boolean, cli: Cli): Promise<void> {
  const target = path.resolve(cli.cwd, file)
  if (!force && (await exists(target))) {
    cli.stderr.write(`${file}: exists, kept as it is (--force replaces it with this version's schema)\n`)
    return
  }
  await writeFile(target, JSON.stringify(schema, null, 2) + '\n')
  cli.stderr.write(`${file}: the schema, for completion and checks in editors (no network needed)\n`)
}

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return false
      throw e
    },
  )
}

async function read(
  settings: OnlineSettings,
  byLogin: boolean,
  progress: Progress,
  cli: Cli,
): Promise<TenantExport> {
  const client = connect(settings, terminalIO(progress, cli.secrets))
  try {
    await client.authenticate()
    const tenantId = await tenantResolver(client, settings.credentials, settings.tenantId)()
    if (!tenantId) {
      throw new InputError(
        'export needs --tenant when ACRONIS_TOKEN is used (there is no client id to look it up)',
      )
    }
    return await readTenant(client, tenantId, {
      concurrency: settings.concurrency,
      byLogin,
      onProgress: (done, total) => progress.tick(done, total),
    })
  } finally {
    progress.clear()
    client.close()
  }
}
