import { execute } from './engine/execute.js'
import { readSource, type EngineIO } from './engine/session.js'
import * as log from './github/log.js'
import { publish, publishFailure, publishBare, setOutputs } from './github/publish.js'
import { findReviewedPlan } from './github/reviewed.js'
import { recordKeysOf } from './review/record.js'
import { publishPull } from './github/publish-pull.js'
import { pull } from './engine/pull.js'
import { readSettings, type Settings } from './settings/action-inputs.js'
import { plural } from './util/plural.js'

/**
 * The action: inputs → settings → desired config → live state → plan → apply → report (or, in
 * pull mode, live state → reports.yaml).
 * Reads the runner's variables from `env` only: process.env unless given, as index.ts and
 * @github/local-action (which calls `run()` with no argument) run it.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let settings: Settings | undefined
  try {
    const given = readSettings(env, log.secrets)
    settings = given.settings
    log.info(`${settings.configName}: ${settings.modeReason}`)
    const source = await readSource(settings)
    const { config } = source
    log.info(`${settings.configName}: ${plural(config.entries, 'report')} declared, no errors`)
    if (settings.mode === 'validate') return setOutputs({ outcomes: [] }, undefined, env)
    const io: EngineIO = { secrets: log.secrets, info: log.info, warning: (line) => log.warning(line) }
    if (settings.mode === 'pull') {
      const pulled = await pull(settings, source, io, {
        byLogin: false,
        addUndeclared: false,
        write: true,
      })
      return await publishPull(pulled, env)
    }
    const reviewed =
      settings.mode === 'apply'
        ? await findReviewedPlan(
            given.github,
            settings.configName,
            settings.timeoutMs,
            env,
            log,
            recordKeysOf(settings.credentials),
          )
        : undefined
    const result = await execute(settings, config, io, reviewed)
    await publish(result, settings, given.github, env, reviewed)
  } catch (e) {
    // Whatever stopped the run, the summary and the outputs still say why, even if saying it fails.
    await publishFailure(e, settings, env).catch((again: unknown) => publishBare(e, again, env))
  }
}
