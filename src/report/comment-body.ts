import { byImportance, cell, changeWords, fitRows, reportRow, reviewLines } from './format.js'
import { countOutcomes, type RunResult } from '../model.js'
import { unmanagedLine } from './summary.js'
import { plural } from '../util/plural.js'
import { appliedHeading, commentMarker, planPart, PLAN_START, type Recording } from '../review/record.js'

/** GitHub rejects a comment body over 65,536 characters (422). */
export const COMMENT_LIMIT = 65_536
/** Room a plan comment leaves for the outcome an apply writes above it after the merge. */
export const OUTCOME_RESERVE = 6_000
/**
 * The most the hidden reviewed plan may take of a plan comment: ~10,000 changes as digests; the table
 * gets the rest (at least ~30 rows, then "N more omitted": the job summary has them all).
 */
export const REVIEWED_BUDGET = 52_000

/** Where the plan came from, for the comment's footer. */
interface Provenance {
  commit?: string
  runUrl?: string
}

/**
 * The sticky pull-request comment: counts, every pending change or failure, and the hidden reviewed
 * plan, within GitHub's limit and leaving room for the outcome an apply adds after the merge.
 */
export function renderComment(run: RunResult, from: Provenance, recording?: Recording): string {
  const c = countOutcomes(run.outcomes)
  const head = [
    commentMarker(run.config),
    PLAN_START,
    `### Acronis report sync: plan for \`${cell(run.config)}\``,
    '',
    `${changeWords(c, true)
      .map((w) => w.replace(/^(\d+)/, '**$1**'))
      .join(' · ')} · **${c.unchanged}** unchanged · **${c.failed}** failed`,
    '',
  ]
  if (recording?.unrecorded) {
    head.push(
      `> [!WARNING]`,
      `> ${plural(recording.unrecorded, 'change')} did not fit in this comment's record of the plan: merging will hold them. Split the change into smaller pull requests.`,
      '',
    )
  }
  const pending = byImportance(run.outcomes).filter((o) => o.status !== 'unchanged')
  const footer = [
    '',
    ...(run.unmanaged ? [unmanagedLine(run.unmanaged, cell), ''] : []),
    provenance(from, recording !== undefined),
    ...(recording ? [recording.block] : []),
  ]
  if (pending.length) {
    head.push('| Report | Status | Changes |', '| --- | --- | --- |')
  } else {
    head.push('No changes: every declared report is in the desired state.')
  }
  const fixed = head.join('\n').length + footer.join('\n').length + 2
  const body = fitRows(
    pending,
    reportRow,
    COMMENT_LIMIT - OUTCOME_RESERVE - fixed - 200,
    (n) => `| … | ${n} more reports omitted | see the job summary and the \`plan\` output |`,
  )
  return [...head, ...body, ...footer].join('\n')
}

function provenance(from: Provenance, recorded: boolean): string {
  const parts = [
    from.commit ? `commit ${from.commit.slice(0, 7)}` : '',
    from.runUrl ? `[workflow run](${from.runUrl})` : '',
  ]
  const where = parts.filter(Boolean).join(' in ')
  const promise = recorded
    ? 'Merging applies this plan; a report whose changes differ by then is held, not written.'
    : 'Merging applies this plan.'
  return `<sub>Planned${where ? ` at ${where}` : ''} by acronis-report-sync. ${promise}</sub>`
}

/** Where the apply ran, for the outcome's heading. */
export interface AppliedIn {
  runUrl?: string
  /** The run's number (GITHUB_RUN_NUMBER) or id. */
  run?: string
  /** The commit applied (GITHUB_SHA). */
  commit?: string
  /** The pull request merged as that commit, when this comment is another's: "applied with #12". */
  with?: number
}

/**
 * The plan comment after the merge's apply: the outcome at the top ("Applied in run N: 3 updated,
 * 1 held, 0 failed" and each held report with what was reviewed and what the plan is now), the
 * reviewed plan kept below as it was.
 */
export function renderAppliedComment(run: RunResult, previous: string, where: AppliedIn): string {
  const plan = planPart(previous, run.config)
  const c = countOutcomes(run.outcomes)
  const name = `run ${where.run ?? ''}`.trim()
  const runText = where.runUrl ? `[${name}](${where.runUrl})` : name
  const stopped = !!run.overMaxChanges || !!run.overMaxDeletes
  const words = changeWords(c, stopped).map((w) => w.replace(/^(\d+) to /, '$1 would '))
  const heading = appliedHeading(!stopped, { run: runText, with: where.with, commit: where.commit }, words, c)
  const head = [commentMarker(run.config), heading, '']
  if (run.review) head.push(...reviewLines(run.review, true).flatMap((l) => [l, '']))
  const held = run.outcomes.filter((o) => o.status === 'held')
  const failed = run.outcomes.filter((o) => o.status === 'failed')
  // Each created report with its new id (the pull that records it in the file needs nothing else).
  const made = run.outcomes.filter((o) => o.status === 'created' || o.status === 'deleted')
  const shown = [...held, ...failed, ...made]
  if (shown.length) head.push('| Report | Status | Reviewed and now |', '| --- | --- | --- |')
  const tail = ['', '---', '', plan]
  const budget = COMMENT_LIMIT - head.join('\n').length - tail.join('\n').length - 200
  const rows = fitRows(
    shown,
    reportRow,
    budget,
    (n) => `| … | ${n} more omitted | see the job summary of the run |`,
  )
  return [...head, ...rows, ...tail].join('\n')
}
