import * as core from '@actions/core'
import { ApiError } from '../acronis/errors.js'
import * as log from './log.js'
import { ConfigErrors } from '../config/errors.js'
import { GitHubApi, MAX_PAGES } from './api.js'
import { GitHubError } from './errors.js'
import { commentHint, pullRequestContext, upsertComment } from './pr-comment.js'
import { reportOnPullRequest, type Reviewed } from './reviewed.js'
import { setOutputInParts } from './step-output.js'
import { renderComment, REVIEWED_BUDGET } from '../report/comment-body.js'
import { commentMarker, holdsOwnRecord, recordKeysOf, recordReviewedPlan } from '../review/record.js'
import { countOutcomes, showChanges, type Failure, type RunResult } from '../model.js'
import { authHint, failureOf, failureOfError, nothingDone } from '../engine/verdict.js'
import { countOutputs, planJsonParts } from '../report/outputs.js'
import { changeWords, heldLines, reportId } from '../report/format.js'
import { renderConfigErrors, renderStopped, renderSummary } from '../report/summary.js'
import type { GitHubSettings } from '../settings/action-inputs.js'
import type { OnlineSettings, Settings } from '../settings/settings.js'

/** Shows one run everywhere it is read: the log, annotations, outputs, the job summary, the PR comment. */
export async function publish(
  run: RunResult,
  settings: OnlineSettings,
  github: GitHubSettings,
  env: NodeJS.ProcessEnv,
  reviewed?: Reviewed,
): Promise<void> {
  for (const o of run.outcomes) {
    if (o.status === 'unchanged' && !o.note) continue
    const what = o.status === 'held' ? heldLines(o) : [showChanges(o.changes), o.note, o.error]
    const line = `${o.status} ${o.name ? `${o.name} (${reportId(o)})` : reportId(o)}: ${what.filter(Boolean).join('; ')}`
    const at = { file: run.config, startLine: o.at.line, startColumn: o.at.column }
    if (o.status === 'failed') log.error(line, at)
    else if (o.status === 'held') log.warning(line, at)
    else log.info(line)
  }
  const failure = failureOf(run, { failOnDrift: settings.failOnDrift })
  setOutputs(run, failure, env)
  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(log.redact(renderSummary(run, failure))).write()

  const pr = settings.mode === 'plan' && github.prComment && /^pull_request/.test(github.eventName)
  const context = pr ? await pullRequestContext(env) : undefined
  if (context && github.token) {
    const api = new GitHubApi(context.apiUrl, github.token, settings.timeoutMs)
    try {
      const keys = recordKeysOf(settings.credentials)
      const binding = {
        repository: context.repository,
        pullRequest: context.number,
        head: context.commit ?? '',
        config: run.config,
      }
      const recording = recordReviewedPlan(run.outcomes, binding, keys, REVIEWED_BUDGET)
      const body = log.redact(
        renderComment(run, { commit: context.commit, runUrl: context.runUrl }, recording),
      )
      // Only a comment this action wrote is edited: with the client secret, one whose record verifies;
      // with a given token, one by the exact account GITHUB_TOKEN (or the user's token) acts as.
      const marker = commentMarker(run.config)
      const saved = await upsertComment(api, context, body, {
        wanted: (c) => c.body.includes(marker) && (!keys || holdsOwnRecord(c.body, keys)),
        strict: !keys,
      })
      if (saved.incomplete) {
        log.warning(
          `plan comment: the conversation has more than ${MAX_PAGES} pages of comments, not all were read; posted a new plan comment`,
        )
      }
      log.info(`plan comment ${saved.action}: ${saved.url ?? saved.id}`)
    } catch (e) {
      log.warning(`plan comment not posted: ${e instanceof GitHubError ? commentHint(e) : String(e)}`)
    } finally {
      api.close()
    }
  }

  if (reviewed) await reportOnPullRequest(reviewed, run, github.token, settings.timeoutMs, env, log)

  const c = countOutcomes(run.outcomes)
  // An apply that max-changes (or max-deletes) stopped wrote nothing: its changes are still only planned.
  const stopped = !!run.overMaxChanges || !!run.overMaxDeletes
  const words = changeWords(c, run.mode === 'plan' || stopped)
  const said = run.mode === 'plan' ? words : words.map((w) => w.replace(/^(\d+) to /, '$1 would '))
  const held = c.held ? `, ${c.held} held` : ''
  log.info(`${run.mode}: ${said.join(', ')}, ${c.unchanged} unchanged, ${c.failed} failed${held}`)
  if (failure) log.fail(failure.message)
}

/** Every output, on success and failure alike (zeros and `[]` where nothing was planned); `pulled` in pull mode. */
export function setOutputs(
  run: Pick<RunResult, 'outcomes'> & { mode?: RunResult['mode'] },
  failure: Failure | undefined,
  env: NodeJS.ProcessEnv,
) {
  for (const [name, value] of Object.entries(countOutputs(run.outcomes))) core.setOutput(name, value)
  if (run.mode === 'pull') core.setOutput('pulled', String(countOutcomes(run.outcomes).changed))
  setOutputInParts(env, 'plan', redacted(planJsonParts(run.outcomes)))
  core.setOutput('failure-reason', failure?.reason ?? '')
}

/** The action's names for what a person checks when the credentials are refused. */
const INPUT_NAMES = {
  clientId: 'client-id',
  clientSecret: 'client-secret',
  token: 'token',
  baseUrl: 'base-url',
}

/**
 * Shows a run that stopped before it had a plan (a bad input, configuration errors, credentials refused,
 * the API unreachable): why, in the log, the job summary and `failure-reason`, with the outputs set to
 * an empty plan. `settings` is undefined when the inputs themselves were wrong.
 */
export async function publishFailure(
  e: unknown,
  settings: Settings | undefined,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const failure = failureOfError(e)
  const done = nothingDone(e)
  const usesToken = settings !== undefined && settings.mode !== 'validate' && 'token' in settings.credentials
  const hint = e instanceof ApiError ? authHint(e, usesToken, INPUT_NAMES) : undefined
  if (e instanceof ConfigErrors) {
    for (const err of e.errors) {
      log.error(`${err.message} [${err.code}]`, {
        title: 'acronis-report-sync',
        file: err.file,
        startLine: err.line,
        startColumn: err.column,
      })
    }
  }
  setOutputs({ outcomes: [], mode: settings?.mode === 'pull' ? 'pull' : undefined }, failure, env)
  if (env.GITHUB_STEP_SUMMARY) {
    const md =
      e instanceof ConfigErrors
        ? renderConfigErrors(e.errors, done ?? 'nothing was written')
        : renderStopped(failure, hint, done)
    await core.summary.addRaw(log.redact(md)).write()
  }
  log.fail(hint ? `${failure.message}. ${hint}` : failure.message)
}

/**
 * The last word of a run whose failure could not be shown (the renderers or the redaction threw):
 * `failure-reason`, one line in the summary and a failed step, each written on its own so one that
 * throws does not stop the others. The second error is named by its class only: its text is unknown.
 */
export async function publishBare(e: unknown, again: unknown, env: NodeJS.ProcessEnv): Promise<void> {
  const attempt = async (step: () => unknown) => {
    try {
      await step()
    } catch {
      // Each step on its own: what can still be written is written.
    }
  }
  let reason = 'config'
  let why = e instanceof Error ? e.name : typeof e
  await attempt(() => ({ reason, message: why } = failureOfError(e)))
  await attempt(() => (why = log.redact(why)))
  const message = `${why}; showing it in full failed too (${again instanceof Error ? again.name : typeof again})`
  await attempt(() => core.setOutput('failure-reason', reason))
  if (env.GITHUB_STEP_SUMMARY) await attempt(() => core.summary.emptyBuffer().addRaw(`${message}\n`).write())
  await attempt(() => core.setFailed(message))
}

/** Parts of an output, each scrubbed of secrets as it is written. */
function* redacted(parts: Iterable<string>): Generator<string> {
  for (const part of parts) yield log.redact(part)
}
