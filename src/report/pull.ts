import { countOutcomes, type PullResult } from '../model.js'

/** `Pull: 2 pulled, 5 unchanged, 0 failed (7 declared in reports.yaml)`, and what happened to the file. */
export function pullHeadline(run: PullResult): string {
  const c = countOutcomes(run.outcomes)
  const added = run.undeclared?.appended.length
  const parts = [
    `Pull: ${c.changed} pulled, ${c.unchanged} unchanged, ${c.failed} failed (${run.outcomes.length} declared in ${run.config})`,
  ]
  if (added) parts.push(`${added} undeclared report${added === 1 ? '' : 's'} added`)
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
    if (u.refused) lines.push(`${run.config}: undeclared reports not added: ${u.refused}`)
  }
  return lines
}
