import * as core from '@actions/core'
import { ApiError } from '../acronis/errors.js'
import { commentHint, pullRequestContext, upsertComment } from './pr-comment.js'
import { setOutputInParts } from './step-output.js'
import { commentMarker, renderComment } from '../report/comment-body.js'
import { countOutcomes, type RunResult } from '../model.js'
import { failureOf } from '../engine/verdict.js'
import { countOutputs, planJsonParts } from '../report/outputs.js'
import { renderSummary } from '../report/summary.js'
import type { Settings } from '../settings/action-inputs.js'

/** Shows one run everywhere it is read: the log, annotations, outputs, the job summary, the PR comment. */
export async function publish(run: RunResult, settings: Settings, env: NodeJS.ProcessEnv): Promise<void> {
  for (const o of run.outcomes) {
    if (o.status === 'unchanged') continue
    const what = o.changes
      .map((c) => `${c.field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`)
      .join('; ')
    const line = `${o.status} ${o.name ? `${o.name} (${o.id})` : o.id}: ${[what, o.error].filter(Boolean).join('; ')}`
    if (o.status === 'failed')
      core.error(line, { file: run.config, startLine: o.at.line, startColumn: o.at.column })
    else core.info(line)
  }
  for (const [name, value] of Object.entries(countOutputs(run.outcomes))) core.setOutput(name, value)
  setOutputInParts(env, 'plan', planJsonParts(run.outcomes))
  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderSummary(run)).write()

  const pr = settings.mode === 'plan' && settings.prComment && /^pull_request/.test(settings.eventName)
  const context = pr ? await pullRequestContext(env) : undefined
  if (context && settings.githubToken) {
    try {
      const body = renderComment(run, { commit: context.commit, runUrl: context.runUrl })
      const saved = await upsertComment(
        context,
        settings.githubToken,
        commentMarker(run.config),
        body,
        settings.timeoutMs,
      )
      core.info(`plan comment ${saved.action}: ${saved.url ?? saved.id}`)
    } catch (e) {
      core.warning(`plan comment not posted: ${e instanceof ApiError ? commentHint(e) : String(e)}`)
    }
  }

  const c = countOutcomes(run.outcomes)
  core.info(
    `${run.mode}: ${c.changed} ${run.mode === 'plan' ? 'to update' : 'updated'}, ${c.unchanged} unchanged, ${c.failed} failed`,
  )
  const failure = failureOf(run, { failOnDrift: settings.failOnDrift })
  if (failure) core.setFailed(failure)
}
