import type { ConfigError } from '../config/errors.js'
import { byImportance, cell, changeWords, fitRows, reportRow, reviewLines } from './format.js'
import { countOutcomes, type Failure, type RunResult } from '../model.js'
import { noun, plural } from '../util/plural.js'

/** GitHub refuses a step summary over 1 MiB; keep a margin for the heading and encoding. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024
const ROW_BUDGET_CHARS = 900 * 1024 // rows may hold multi-byte characters: stay well inside the byte limit

/** The job summary: heading with mode and counts, why the step failed if it did, one row per declared report. */
export function renderSummary(run: RunResult, failure?: Failure): string {
  const c = countOutcomes(run.outcomes)
  const planned = run.mode === 'plan' || !!run.overMaxChanges || !!run.overMaxDeletes
  const words = changeWords(c, planned).map((w) => w.replace(/^(\d+)/, '**$1**'))
  const lines = [
    `## Acronis report sync: ${run.mode}`,
    '',
    `${words.join(' · ')} · **${c.unchanged}** unchanged · **${c.failed}** failed${c.held ? ` · **${c.held}** held` : ''} — ${run.outcomes.length} declared in \`${cell(run.config)}\``,
    '',
  ]
  if (run.review) lines.push(...reviewLines(run.review, true).flatMap((l) => [l, '']))
  if (run.overMaxChanges) {
    lines.push(
      `> [!CAUTION]`,
      `> Nothing was written: the plan updates ${plural(run.overMaxChanges.count, 'report')} and max-changes allows ${run.overMaxChanges.limit}.`,
      '',
    )
  }
  if (run.overMaxDeletes) {
    lines.push(
      `> [!CAUTION]`,
      `> Nothing was written: the plan deletes ${plural(run.overMaxDeletes.count, 'report')} and max-deletes allows ${run.overMaxDeletes.limit}.`,
      '',
    )
  }
  if (failure) lines.push(verdictLine(failure), '')
  if (run.outcomes.length) {
    lines.push('| Report | Status | Changes |', '| --- | --- | --- |')
    lines.push(
      ...fitRows(
        byImportance(run.outcomes),
        reportRow,
        ROW_BUDGET_CHARS,
        (n) => `| … | ${n} more reports omitted | see the \`plan\` output |`,
      ),
    )
  }
  if (run.unmanaged) lines.push('', unmanagedLine(run.unmanaged, cell))
  return lines.join('\n') + '\n'
}

/**
 * Drift by omission: reports of the tenant that the file does not declare. The tenant and the ids
 * come from the API: `show` escapes each for where the line goes (Markdown, a log, a terminal).
 */
export function unmanagedLine(
  u: NonNullable<RunResult['unmanaged']>,
  show: (text: string) => string,
): string {
  const tenant = show(u.tenantId)
  if (!u.ids.length) return `Every report of tenant ${tenant} is declared.`
  const shown = u.ids.slice(0, 20).map(show).join(', ')
  const more = u.ids.length > 20 ? ` and ${u.ids.length - 20} more` : ''
  return `${plural(u.ids.length, 'report')} of tenant ${tenant} ${noun(u.ids.length, 'is', 'are')} not declared (listed, never changed): ${shown}${more}`
}

/** Why the step failed, with the `failure-reason` a workflow can branch on. */
export function verdictLine(failure: Failure): string {
  return `**The step failed** (\`failure-reason: ${failure.reason}\`): ${cell(failure.message)}`
}

/**
 * The summary of a run stopped by configuration errors: every error, since annotations show only ten.
 * `done` says what did not happen: nothing sent (found offline) or nothing written (found by look-ups).
 */
export function renderConfigErrors(errors: readonly ConfigError[], done: string): string {
  const row = (e: ConfigError) => `| ${cell(e.file)}:${e.line}:${e.column} | ${e.code} | ${cell(e.message)} |`
  return [
    `## Acronis report sync: configuration errors`,
    '',
    `**${plural(errors.length, 'problem')}** found; ${done}. \`failure-reason: config\``,
    '',
    '| Where | Code | Problem |',
    '| --- | --- | --- |',
    ...fitRows(errors, row, ROW_BUDGET_CHARS, (n) => `| … | | ${n} more errors omitted |`),
    '',
  ].join('\n')
}

/** The summary of a run that stopped before it had a plan: why, and what to check. */
export function renderStopped(failure: Failure, hint?: string, done?: string): string {
  return [
    `## Acronis report sync: failed`,
    '',
    verdictLine(failure),
    '',
    ...(hint ? [`> [!TIP]`, `> ${cell(hint)}`, ''] : []),
    ...(done ? [`${done[0]!.toUpperCase()}${done.slice(1)}.`, ''] : []),
  ].join('\n')
}
