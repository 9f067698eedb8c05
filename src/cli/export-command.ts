import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import schema from '../../schema/reports.schema.json' with { type: 'json' }
import { connect } from '../engine/engine.js'
import { readTenant, renderExport, type TenantExport } from '../engine/tenant-export.js'
import { InputError, type OnlineSettings } from '../settings/settings.js'
import { tenantResolver } from '../engine/tenant.js'
import type { Flags } from './args.js'
import { cliSettings } from './flags.js'
import { terminalIO } from './run.js'
import { Progress, type Cli } from './tty.js'
import { plural } from '../util/plural.js'

/** export: every report of a tenant as a reports.yaml that plans to zero changes. Returns the exit code. */
export async function runExport(flags: Flags, cli: Cli): Promise<number> {
  const settings = cliSettings('plan', flags, cli.env, cli.cwd)
  const tenant = await read(settings, flags['by-login'] === true, new Progress(cli.stderr, 'reading reports'))
  const { text, unwritable } = renderExport(tenant, {
    schema: flags.schema ?? `./${SCHEMA_FILE}`,
    generator: `${cli.program} ${cli.version}`,
  })
  for (const f of tenant.failures) cli.stderr.write(`could not read report ${f.id}: ${f.error}\n`)
  for (const u of unwritable) cli.stderr.write(`could not write report ${u.id}: ${u.reason}\n`)
  if (flags.output) await mkdir(path.dirname(path.resolve(cli.cwd, flags.output)), { recursive: true })
  if (!flags.schema) await writeSchemaCopy(flags.output ? path.dirname(flags.output) : '.', cli)
  if (flags.output) {
    await writeFile(path.resolve(cli.cwd, flags.output), text)
    const once = tenant.reports.filter((r) => r.schedule.type === 'once').length
    const comments = once ? `, ${once} one-time listed as comments` : ''
    cli.stderr.write(
      `${flags.output}: ${tenant.reports.length - once} scheduled reports exported${comments}\n`,
    )
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

async function writeSchemaCopy(dir: string, cli: Cli): Promise<void> {
  const file = path.join(dir, SCHEMA_FILE)
  await writeFile(path.resolve(cli.cwd, file), JSON.stringify(schema, null, 2) + '\n')
  cli.stderr.write(`${file}: the schema, for completion and checks in editors (no network needed)\n`)
}

async function read(settings: OnlineSettings, byLogin: boolean, progress: Progress): Promise<TenantExport> {
  const client = connect(settings, terminalIO(progress))
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
