import { countOutcomes, type Failure, type PullResult } from '../model.js'
import { plural } from '../util/plural.js'
import { cell, fitRows } from './format.js'
import { verdictLine } from './summary.js'

/** `Pull: 2 pulled, 5 unchanged, 0 failed (7 declared in reports.yaml)`, and what happened to the file. */
export function pullHeadline(run: PullResult): string {
  const c = countOutcomes(run.outcomes)
  const added = run.undeclared?.appended.length
  const parts = [
    `Pull: ${c.changed} pulled, ${c.unchanged} unchanged, ${c.failed} failed (${run.outcomes.length} declared in ${run.config})`,
  ]
  if (added) parts.push(`${plural(added, 'undeclared report')} added`)
  if (run.notes.length) parts.push(`${run.notes.length} listed`)
  const file =
    run.after === run.before
      ? `${run.config} left as it was`
      : run.written
        ? `${run.config} written`
        : `nothing written`
  return `${parts.join('; ')}: ${file}`
}

/** Everything a person should look at, one line each, `file:line:col:` first where there is a place. */
export function pullListing(run: PullResult): string[] {
  const where = (at: { file: string; line: number; column: number }) => `${at.file}:${at.line}:${at.column}`
  const lines = [
    ...run.outcomes
      .filter((o) => o.status === 'failed')
      .map((o) => `${where(o.at)}: ${o.id}: could not be read, left as it is: ${o.error}`),
    ...run.notes.map((n) => `${where(n.at)}: ${n.id}: ${n.field}: ${n.message}`),
  ]
  const u = run.undeclared
  if (u) {
    for (const f of u.unread)
      lines.push(`${run.config}: undeclared report ${f.id} could not be read, not added: ${f.error}`)
    for (const id of u.oneTime)
      lines.push(
        `${run.config}: undeclared report ${id} is one-time (schedule once), not added: the API cannot update it`,
      )
    for (const w of u.unwritable ?? [])
      lines.push(
        `${run.config}: undeclared report ${w.id} cannot be written as an entry, not added: ${w.reason}`,
      )
    if (u.refused) lines.push(`${run.config}: undeclared reports not added: ${u.refused}`)
  }
  return lines
}

/** GitHub refuses a step summary over 1 MiB: the listing and the diff share what is left of it. */
const LISTING_BUDGET_CHARS = 200 * 1024
const DIFF_BUDGET_CHARS = 600 * 1024

/** The job summary of a pull: counts, why the step failed if it did, what was listed, and the diff. */
export function renderPullSummary(run: PullResult, diff: string, failure?: Failure): string {
  const c = countOutcomes(run.outcomes)
  const file = run.after === run.before ? 'left as it was' : run.written ? 'written' : 'not written'
  const added = run.undeclared?.appended.length
  const lines = [
    '## Acronis report sync: pull',
    '',
    `**${c.changed}** pulled · **${c.unchanged}** unchanged · **${c.failed}** failed — ${run.outcomes.length} declared in \`${cell(run.config)}\`, ${file}` +
      (added ? ` (${plural(added, 'undeclared report')} added)` : ''),
    '',
  ]
  if (failure) lines.push(verdictLine(failure), '')
  const listed = pullListing(run)
  if (listed.length) {
    lines.push(
      'Left as they are, or replaced, for a person to look at:',
      '',
      '| Where | What |',
      '| --- | --- |',
    )
    const row = (line: string) => {
      const [where, ...what] = line.split(': ')
      return `| ${cell(where!)} | ${cell(what.join(': '))} |`
    }
    lines.push(
      ...fitRows(listed, row, LISTING_BUDGET_CHARS, (n) => `| … | ${n} more omitted: see the log |`),
      '',
    )
  }
  if (diff) lines.push(...fenced(diff, DIFF_BUDGET_CHARS))
  return lines.join('\n') + '\n'
}

/** The diff in a code block whose fence no line of it can close, cut at whole lines to the budget. */
function fenced(diff: string, budget: number): string[] {
  let text = diff
  let cut = ''
  if (text.length > budget) {
    text = text.slice(0, text.lastIndexOf('\n', budget) + 1)
    const omitted = diff.slice(text.length).split('\n').length - 1
    cut = `(${plural(omitted, 'more line')} of the diff omitted: see the log)`
  }
  const longest = (text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0)
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return [`${fence}diff`, text.trimEnd(), fence, ...(cut ? ['', cut] : [])]
}
