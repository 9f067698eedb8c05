import * as core from '@actions/core'
import { AcronisClient } from './acronis/client.js'
import { ApiError } from './acronis/errors.js'
import { reconcile } from './apply.js'
import { ConfigErrors } from './config/errors.js'
import { loadConfig } from './config/load.js'
import { resolveRecipients } from './recipients.js'
import { publish } from './publish.js'
import { renderConfigErrors } from './report/summary.js'
import { InputError, readSettings, type Settings } from './settings.js'
import { tenantResolver, undeclared } from './tenant.js'

/** The action: inputs → settings → desired config → live state → plan → apply → report. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const settings = readSettings(env)
    core.info(`${settings.configName}: ${settings.modeReason}`)
    const config = await loadConfig(settings.configPath, settings.configName)
    core.info(`${settings.configName}: ${config.reports.length} reports declared, no errors`)
    if (settings.mode === 'validate') return

    const client = new AcronisClient(settings.apiRoot!, settings.credentials!, {
      concurrency: settings.concurrency,
      timeoutMs: settings.timeoutMs,
      mask: (s) => core.setSecret(s),
      onRetry: (e) =>
        core.info(`retry ${e.attempt}: ${e.method} ${e.path} (${e.reason}), waiting ${e.delayMs} ms`),
    })
    try {
      await client.authenticate()
      const tenant = tenantResolver(client, settings.credentials!, settings.tenantId)
      const reports = await resolveRecipients(config, client, tenant, settings.concurrency)
      const [result, unmanaged] = await Promise.all([
        reconcile(reports, client, {
          write: settings.mode === 'apply',
          concurrency: settings.concurrency,
          maxChanges: maxChangesFor(settings, reports.length),
        }),
        listUndeclared(client, tenant, reports),
      ])
      await publish({ mode: settings.mode, config: settings.configName, ...result, unmanaged }, settings, env)
    } finally {
      client.close()
    }
  } catch (e) {
    await fail(e)
  }
}

function maxChangesFor(settings: Settings, declared: number): number | undefined {
  const m = settings.maxChanges
  if (!m || settings.mode !== 'apply') return undefined
  return 'count' in m ? m.count : Math.floor((declared * m.percent) / 100)
}

/** Drift by omission is worth a line, not a failed run: a lookup that fails is a warning. */
async function listUndeclared(
  client: AcronisClient,
  tenant: () => Promise<string | undefined>,
  reports: { id: string }[],
) {
  try {
    const tenantId = await tenant()
    return tenantId
      ? await undeclared(
          client,
          tenantId,
          reports.map((r) => r.id),
        )
      : undefined
  } catch (e) {
    core.warning(
      `could not list the tenant's undeclared reports: ${e instanceof ApiError ? e.describe() : String(e)}`,
    )
    return undefined
  }
}

async function fail(e: unknown): Promise<void> {
  if (e instanceof ConfigErrors) {
    for (const err of e.errors) {
      core.error(`${err.message} [${err.code}]`, {
        title: 'acronis-report-sync',
        file: err.file,
        startLine: err.line,
        startColumn: err.column,
      })
    }
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderConfigErrors(e.errors)).write()
    core.setFailed(`${e.message}; nothing was sent to the API`)
  } else if (e instanceof InputError) core.setFailed(e.message)
  else if (e instanceof ApiError) core.setFailed(e.describe())
  else core.setFailed(e instanceof Error ? e.message : String(e))
}
