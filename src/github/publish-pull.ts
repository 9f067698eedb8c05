import * as core from '@actions/core'
import { failureOf } from '../engine/verdict.js'
import { countOutcomes, showChanges, type PullResult } from '../model.js'
import { unifiedDiff } from '../report/diff.js'
import { renderPullSummary } from '../report/pull.js'
import * as log from './log.js'
import { setOutputs } from './publish.js'

/**
 * Shows a pull: each pulled or unreadable entry in the log, what was listed as warnings at its line,
 * the diff in the log and the job summary, the outputs (`pulled` among them). The file is already written.
 */
export async function publishPull(run: PullResult, env: NodeJS.ProcessEnv): Promise<void> {
  for (const o of run.outcomes) {
    if (o.status === 'unchanged') continue
    const where = { file: run.config, startLine: o.at.line, startColumn: o.at.column }
    const report = o.name ? `${o.name} (${o.id})` : o.id
    if (o.status === 'failed') log.error(`could not read ${report}, left as it is: ${o.error}`, where)
    else log.info(`pulled ${report}: ${showChanges(o.changes)}`)
  }
  for (const n of run.notes)
    log.warning(`${n.id}: ${n.field}: ${n.message}`, {
      file: n.at.file,
      startLine: n.at.line,
      startColumn: n.at.column,
    })
  const diff = unifiedDiff(run.config, run.before, run.edits)
  if (diff) {
    core.startGroup(`diff of ${run.config}`)
    // Line by line, each made safe as every log line is; a CRLF file's \r is not worth showing.
    for (const line of diff.trimEnd().split('\n')) log.info(line.replace(/\r$/, ''))
    core.endGroup()
  }
  const failure = failureOf(run)
  setOutputs(run, failure, env)
  if (env.GITHUB_STEP_SUMMARY)
    await core.summary.addRaw(log.redact(renderPullSummary(run, diff, failure))).write()
  const c = countOutcomes(run.outcomes)
  const file = run.written ? `${run.config} written` : `${run.config} left as it was`
  log.info(`pull: ${c.changed} pulled, ${c.unchanged} unchanged, ${c.failed} failed; ${file}`)
  if (failure) log.fail(failure.message)
}
