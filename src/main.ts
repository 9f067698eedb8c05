import * as core from '@actions/core'
import { ApiError } from './acronis/errors.js'
import { ConfigErrors } from './config/errors.js'
import { execute, validate } from './engine/engine.js'
import { publish } from './github/publish.js'
import { renderConfigErrors } from './report/summary.js'
import { InputError, readSettings } from './settings/action-inputs.js'

/** The action: inputs → settings → desired config → live state → plan → apply → report. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const settings = readSettings(env)
    core.info(`${settings.configName}: ${settings.modeReason}`)
    const config = await validate(settings)
    core.info(`${settings.configName}: ${config.reports.length} reports declared, no errors`)
    if (settings.mode === 'validate') return
    const result = await execute(settings, config, {
      mask: (s) => core.setSecret(s),
      info: (line) => core.info(line),
      warning: (line) => core.warning(line),
    })
    await publish(result, settings, env)
  } catch (e) {
    await fail(e)
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
