/**
 * Hostile API values through what the action writes, from a seed: a tenant whose strings (formats,
 * kinds and levels this version does not know, logins, error texts) are made of pieces that mean
 * something to YAML, to a line or to a terminal, then `export` (with and without logins) and `pull
 * --add-undeclared` (with and without `--by-login`) of a hand-written file that drifted. What must
 * hold: the file parses, a plan of it against the same tenant shows no change (but for what was
 * listed), and the entries pull did not touch are byte for byte as they were.
 * Used by test/unit/fuzz.test.ts (a few hundred) and `npm run fuzz -- --writes`.
 */
import { isMap, isSeq, parseDocument, type Node } from 'yaml'
import { REPORT_KINDS, REPORT_LEVELS, type LiveReport } from '../../src/acronis/types.js'
import { entryText, type EntryText } from '../../src/config/entry-text.js'
import { parseConfig } from '../../src/config/load.js'
import type { DesiredReport } from '../../src/config/validate.js'
import { isUuid } from '../../src/config/patterns.js'
import { yamlScalar } from '../../src/config/scalar.js'
import { planReport } from '../../src/engine/plan.js'
import { pulledText } from '../../src/engine/pull-text.js'
import { pullEntry } from '../../src/engine/pull-entry.js'
import { renderExport, usableLogins } from '../../src/engine/tenant-export.js'
import type { Undeclared } from '../../src/model.js'
import { mulberry32 as random } from '../simulator/faults.js'

/** Pieces that mean something to YAML, to a line, or to a terminal. */
const PIECES = [
  ...['a', 'b', ' ', '  ', '\n', '\r', '\r\n', '\t', '\\', '"', "'", '#', ': ', ':', '-', '- ', '...'],
  ...['---', ',', '[', ']', '{', '}', '&a', '*a', '!', '!!str', '|', '>', '%', '@', '`', '?', '~', '0'],
  ...['1.5', 'true', 'null', 'é', '😀', '\u001b', '\u001b[2K', '\u001b]0;x\u0007', '\u0007', '\u0000'],
  ...['\u000b', '\u007f', '\u0085', '\u2028', '\u2029', '\ufeff', '\ud800', '::error::', '<<', '\n    '],
  ...['\n    recipients:\n      - ', '\n  - id: ', '\n    show_skus: true', 'usage_daily', 'csv'],
]

type Rnd = () => number
const pick = <T>(list: readonly T[], rnd: Rnd): T => list[Math.floor(rnd() * list.length)]!
const chance = (p: number, rnd: Rnd) => rnd() < p
const uuid = (rnd: Rnd) =>
  Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16))
    .join('')
    .replace(/^(.{8})(.{4}).(.{3}).(.{3})(.{12})$/, '$1-$2-4$3-8$4-$5')

function hostile(rnd: Rnd): string {
  let s = ''
  for (let k = 1 + Math.floor(rnd() * 8); k > 0; k--) s += pick(PIECES, rnd)
  return chance(0.03, rnd) ? s.repeat(50) : s
}

/** A documented value mostly, sometimes one this version does not know (hostile). */
const value = <T extends string>(known: readonly T[], rnd: Rnd): T =>
  chance(0.85, rnd) ? pick(known, rnd) : (hostile(rnd) as T)

interface World {
  tenantId: string
  reports: LiveReport[]
  users: { id: string; login: string }[]
}

function world(rnd: Rnd): World {
  const tenantId = uuid(rnd)
  const users = Array.from({ length: 6 }, (_, k) => ({
    id: uuid(rnd),
    login: chance(0.7, rnd) ? hostile(rnd).replace(/[\s,]/g, '') || `user${k}` : `user${k}`,
  }))
  const reports = Array.from(
    { length: 1 + Math.floor(rnd() * 7) },
    (): LiveReport => ({
      id: uuid(rnd),
      version: 1,
      result_action: chance(0.85, rnd) ? 'send' : 'save',
      recipients: users.filter(() => chance(0.4, rnd)).map((u) => u.id),
      parameters: {
        tenant_id: tenantId,
        kind: value(REPORT_KINDS, rnd),
        level: value(REPORT_LEVELS, rnd),
        formats: Array.from({ length: Math.floor(rnd() * 3) }, () => hostile(rnd)),
        ...(chance(0.7, rnd) ? { hide_zero_usage: chance(0.5, rnd) } : {}),
        ...(chance(0.7, rnd) ? { show_skus: chance(0.5, rnd) } : {}),
      },
      schedule: { type: chance(0.85, rnd) ? 'monthly' : 'once', enabled: chance(0.5, rnd) },
    }),
  )
  return { tenantId, reports, users }
}

/** Login → user UUID, for reading back recipients written by login; `u<k>`: a name the file uses. */
function resolver(w: World, logins: ReadonlyMap<string, string> | undefined) {
  const byName = new Map(w.users.map((u, k) => [`u${k}`, u.id]))
  for (const [id, login] of logins ?? []) byName.set(login, id)
  return (r: DesiredReport) => ({
    ...r,
    recipientIds: r.recipients?.map((x) => (isUuid(x) ? x.toLowerCase() : (byName.get(x) ?? `unknown:${x}`))),
  })
}

/** Counts of what was checked, for the figures. */
export interface WriteCounts {
  exports: number
  pulls: number
  entries: number
  untouched: number
}

/** The n-th case of a seed: the problems found (empty when everything held), and what was checked. */
export function checkWrites(seed: number, n: number, counts: WriteCounts): string[] {
  const rnd = random(seed * 1_000_033 + n)
  const w = world(rnd)
  const problems: string[] = []
  const live = new Map(w.reports.map((r) => [r.id, r]))
  const byLogin = chance(0.5, rnd)
  const logins = byLogin ? usableLogins(w.users) : undefined
  const resolve = resolver(w, logins)
  const planned = (r: DesiredReport) => planReport(resolve(r), live.get(r.id)!).changes

  // export: every scheduled report it could write, and a plan of it shows no change.
  try {
    const failures = chance(0.3, rnd) ? [{ id: uuid(rnd), error: hostile(rnd) }] : []
    const { text, unwritable } = renderExport(
      { tenantId: w.tenantId, reports: w.reports, failures, logins },
      { schema: './reports.schema.json', generator: 'fuzz' },
    )
    const read = parseConfig(text, 'reports.yaml').reports
    const scheduled = w.reports.filter((r) => r.schedule.type !== 'once')
    if (read.length + unwritable.length !== scheduled.length)
      problems.push(`export: ${read.length} entries for ${scheduled.length} scheduled reports`)
    for (const r of read) {
      const changes = planned(r)
      if (changes.length) problems.push(`export: ${r.id} plans ${JSON.stringify(changes)}`)
      counts.entries++
    }
    counts.exports++
  } catch (e) {
    problems.push(`export: ${e instanceof Error ? e.message : String(e)}`)
  }

  // pull --add-undeclared: half the scheduled reports declared in a file that drifted, the rest appended.
  const scheduled = w.reports.filter((r) => r.schedule.type !== 'once')
  const declared = scheduled.filter((_, i) => i % 2 === 0)
  const text = handWritten(declared, w, rnd)
  try {
    const config = parseConfig(text, 'reports.yaml')
    const names = new Map(w.users.map((u, k) => [`u${k}`, [u.id]]))
    const label = (id: string) => logins?.get(id) ?? id
    const pulls = config.reports.map((d, i) => pullEntry(i, d, live.get(d.id)!, names, label))
    const made = scheduled.filter((r) => !declared.includes(r)).map((r) => entryText(r, logins))
    const found: Undeclared = { appended: [], oneTime: [], unread: [] }
    const edited = pulledText(
      text,
      config,
      pulls,
      made.filter((e): e is EntryText => 'lines' in e),
      (t) => t, // nothing secret in a fuzzed tenant
      found,
    )
    const after = parseConfig(edited.text, 'reports.yaml').reports
    const listed = new Set(pulls.flatMap((p) => p.notes.map((x) => `${x.id} ${x.field}`)))
    for (const r of after) {
      const changes = planned(r).filter((c) => !listed.has(`${r.id} ${c.field}`))
      if (changes.length) problems.push(`pull: ${r.id} plans ${JSON.stringify(changes)}`)
      counts.entries++
    }
    const [before, now] = [entrySpans(text), entrySpans(edited.text)]
    pulls.forEach((p, i) => {
      if (p.changes.length) return
      counts.untouched++
      if (before[i] !== now[i]) problems.push(`pull: untouched entry ${i + 1} changed`)
    })
    counts.pulls++
  } catch (e) {
    problems.push(`pull: ${e instanceof Error ? e.message : String(e)}`)
  }
  return problems
}

/** The text of each entry of `reports`, as yaml's ranges give it. */
function entrySpans(text: string): string[] {
  const list = parseDocument(text).get('reports', true)
  if (!isSeq(list)) return []
  return list.items.map((item) => {
    const range = isMap(item) ? (item as Node).range : undefined
    return range ? text.slice(range[0], range[1]) : ''
  })
}

/** A file as people write one: quotes, comments, flow and block lists, names, values that drifted. */
function handWritten(declared: LiveReport[], w: World, rnd: Rnd): string {
  const quote = (v: string) => pick([v, `'${v}'`, `"${v}"`], rnd)
  const comment = () => (chance(0.3, rnd) ? `   # ${pick(['note', 'owner: billing', 'x'], rnd)}` : '')
  const lines = ['# reports', 'version: 1', declared.length ? 'reports:' : 'reports: []']
  for (const r of declared) {
    // Half the entries hold what is live (pull leaves them byte for byte), half drifted.
    const same = chance(0.5, rnd)
    const known = <T extends string>(list: readonly T[], live: string) =>
      same && (list as readonly string[]).includes(live) ? live : pick(list, rnd)
    if (chance(0.3, rnd)) lines.push('')
    lines.push(`  - id: ${r.id}${comment()}`)
    if (chance(0.3, rnd)) lines.push(`    name: ${yamlScalar(`Report ${lines.length}`)}`)
    if (chance(0.6, rnd)) lines.push(`    kind: ${quote(known(REPORT_KINDS, r.parameters.kind))}${comment()}`)
    if (chance(0.6, rnd)) lines.push(`    level: ${quote(known(REPORT_LEVELS, r.parameters.level))}`)
    if (chance(0.7, rnd)) {
      const items = w.users
        .map((u, k) =>
          (same ? r.recipients.includes(u.id) : chance(0.4, rnd))
            ? chance(0.5, rnd)
              ? `u${k}`
              : u.id
            : undefined,
        )
        .filter((x): x is string => !!x)
      if (chance(0.5, rnd)) lines.push(`    recipients: [${items.map(quote).join(', ')}]${comment()}`)
      else if (!items.length) lines.push('    recipients: []')
      else lines.push('    recipients:', ...items.map((x) => `      - ${quote(x)}${comment()}`))
    }
    const live = { enabled: r.schedule.enabled, ...r.parameters }
    for (const key of ['enabled', 'hide_zero_usage', 'show_skus'] as const)
      if (chance(0.6, rnd))
        lines.push(`    ${key}: ${same ? (live[key] ?? false) : chance(0.5, rnd)}${comment()}`)
  }
  return lines.join('\n') + '\n'
}
