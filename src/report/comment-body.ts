import { byImportance, cell, fitRows, reportRow } from './format.js'
import { countOutcomes, type RunResult } from '../model.js'
import { unmanagedLine } from './summary.js'

/** GitHub rejects a comment body over 65,536 characters (422). */
export const COMMENT_LIMIT = 65_536

/** Hidden marker that finds our comment again; the config path keeps two configs' comments apart. */
export function commentMarker(config: string): string {
  return `<!-- acronis-report-sync: ${config.replace(/--/g, '-')} -->`
}

/** Where the plan came from, for the comment's footer. */
interface Provenance {
  commit?: string
  runUrl?: string
}

/** The sticky pull-request comment: counts and every pending change or failure, within GitHub's limit. */
export function renderComment(run: RunResult, from: Provenance): string {
  const c = countOutcomes(run.outcomes)
  const head = [
    commentMarker(run.config),
    `### Acronis report sync: plan for \`${cell(run.config)}\``,
    '',
    `**${c.changed}** to update · **${c.unchanged}** unchanged · **${c.failed}** failed`,
    '',
  ]
  const pending = byImportance(run.outcomes).filter((o) => o.status !== 'unchanged')
  const footer = ['', ...(run.unmanaged ? [unmanagedLine(run.unmanaged, cell), ''] : []), provenance(from)]
  if (pending.length) {
    head.push('| Report | Status | Changes |', '| --- | --- | --- |')
  } else {
    head.push('No changes: every declared report is in the desired state.')
  }
  const fixed = head.join('\n').length + footer.join('\n').length + 2
  const body = fitRows(
    pending,
    reportRow,
    COMMENT_LIMIT - fixed - 200,
    (n) => `| … | ${n} more reports omitted | see the job summary and the \`plan\` output |`,
  )
  return [...head, ...body, ...footer].join('\n')
}

function provenance(from: Provenance): string {
  const parts = [
    from.commit ? `commit ${from.commit.slice(0, 7)}` : '',
    from.runUrl ? `[workflow run](${from.runUrl})` : '',
  ]
  const where = parts.filter(Boolean).join(' in ')
  return `<sub>Planned${where ? ` at ${where}` : ''} by acronis-report-sync. Merging applies this plan.</sub>`
}
