import {
  showChange,
  showChanges,
  type Counts,
  type Outcome,
  type Review,
  type ReviewSource,
  type Status,
} from '../model.js'

const STATUS_TEXT: Record<Status, string> = {
  failed: '❌ failed',
  'would-update': '🔄 will update',
  create: '🆕 will create',
  created: '🆕 created',
  delete: '🗑️ **will delete**',
  deleted: '🗑️ **deleted**',
  held: '⏸️ held',
  updated: '✅ updated',
  unchanged: '✔️ unchanged',
}

const ORDER: Record<Status, number> = {
  delete: 0,
  deleted: 0,
  failed: 1,
  held: 2,
  'would-update': 3,
  updated: 3,
  create: 3,
  created: 3,
  unchanged: 4,
}

/**
 * Deletes first (what cannot be undone), then failures, held reports, changes, and the rest, each in
 * file order: what a reviewer must see survives truncation.
 */
export function byImportance(outcomes: readonly Outcome[]): Outcome[] {
  // Array.prototype.sort is stable: equal ranks keep file order.
  return [...outcomes].sort((a, b) => ORDER[a.status] - ORDER[b.status])
}

// What data may not do in Markdown, and how each is undone: HTML and the table's `|` become entities;
// so does the `]` of `](`, so no link or image (`[alice]` alone stays as it is: nothing defines a
// reference); a zero-width joiner (invisible) breaks a mention (`@name` where GitHub would see one,
// not inside an email address), an issue reference (`#12`) and an autolink (`https://`, `www.`).
const ZWJ = '\u200d'
const MARKUP = /[&<>|]|\](?=\()|\r\n?|\n|(?<![A-Za-z0-9_])@(?=[A-Za-z0-9])|#(?=\d)|:\/\/|\bwww\./gi
const HAS_MARKUP = new RegExp(MARKUP.source, 'i')
const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  ']': '&#93;',
}

function neutralise(m: string): string {
  if (ENTITY[m]) return ENTITY[m]
  if (m === '@' || m === '#') return m + ZWJ
  if (m === '://') return `:${ZWJ}//`
  if (m.length === 4) return `${m.slice(0, 3)}${ZWJ}.` // www.
  return ' ' // a line break would end the table row
}

/**
 * Text from outside (names, ids, the API's words) inside Markdown, a table cell or a line: shown as
 * written, never as markup, a mention, a link or an image. core.summary does not escape.
 */
export function cell(text: string): string {
  // Most cells need nothing: they are returned as they are, without a copy, for every row of a large run.
  if (!HAS_MARKUP.test(text)) return text
  return text.replace(MARKUP, neutralise)
}

/**
 * Renders rows while they fit in `budget` characters, keeping room for the "N more omitted" line,
 * so output stays under GitHub's limits (1 MiB summary, 65,536-character comment) at any size.
 * Rows are rendered one at a time and only while they fit: 10,000 reports never exist as 10,000 rows.
 */
export function fitRows<T>(
  items: readonly T[],
  render: (item: T) => string,
  budget: number,
  omitted: (n: number) => string,
): string[] {
  const out: string[] = []
  let used = 0
  const reserve = omitted(items.length).length + 1
  for (let i = 0; i < items.length; i++) {
    const row = render(items[i]!)
    if (used + row.length + 1 + (i < items.length - 1 ? reserve : 0) > budget) {
      out.push(omitted(items.length - i))
      return out
    }
    out.push(row)
    used += row.length + 1
  }
  return out
}

/** One table row: the report (name and id), its status, and each change or the error. */
export function reportRow(o: Outcome): string {
  const id = reportId(o)
  const title = o.name ? `${cell(o.name)}<br><sub>${cell(id)}</sub>` : cell(id)
  const detail =
    o.status === 'held'
      ? heldLines(o).map((line, i) => (i ? cell(line) : `**${cell(line)}**`))
      : [
          ...o.changes.map((ch) => cell(showChange(ch))),
          ...(o.note ? [`_${cell(o.note)}_`] : []),
          ...(o.error ? [`**${cell(o.error)}**`] : []),
        ]
  return `| ${title} | ${STATUS_TEXT[o.status]} | ${detail.join('<br>') || '—'} |`
}

/** A report's id as shown: a report not created (yet) has none. */
export function reportId(o: Outcome): string {
  return o.id || 'new report'
}

/**
 * The counts of what changes, in words: "2 to update, 1 to create" for a plan (or a stopped apply),
 * "2 updated, 1 created" for an apply; creates and deletes only when there are some.
 */
export function changeWords(c: Counts, planned: boolean): string[] {
  const words = [`${c.changed} ${planned ? 'to update' : 'updated'}`]
  if (c.created) words.push(`${c.created} ${planned ? 'to create' : 'created'}`)
  if (c.deleted) words.push(`${c.deleted} ${planned ? 'to delete' : 'deleted'}`)
  return words
}

/** What a held report shows everywhere: why, the plan now, and what was reviewed. */
export function heldLines(o: Outcome): string[] {
  const reviewed = reviewedLine(o)
  return [
    o.error ?? 'held',
    ...o.changes.map((c) => `now: ${showChange(c)}`),
    ...(reviewed ? [reviewed] : []),
  ]
}

/** A held report's reviewed changes in words; undefined when there was no reviewed plan. */
export function reviewedLine(o: Outcome): string | undefined {
  if (o.reviewed === null) return 'reviewed: only a digest was kept'
  if (o.reviewed) return o.reviewed.length ? `reviewed: ${showChanges(o.reviewed)}` : 'reviewed: unchanged'
  return undefined
}

/**
 * How an apply was checked against the reviewed plans, a sentence a line: where they came from, what
 * came in between unreviewed, where looking back stopped. For Markdown (`markdown`: each source a
 * link, what came from outside escaped) or as plain text.
 */
export function reviewLines(r: Review, markdown = false): string[] {
  const text = (t: string) => (markdown ? cell(t) : t)
  if (r.source) {
    // Sources are ours ("pull request #12", a file name); `missing` may quote GitHub's answer.
    const link = (s: ReviewSource) => (markdown && s.url ? `[${s.source}](${s.url})` : s.source)
    const at = r.sha ? `, reviewed at ${r.sha.slice(0, 7)}` : ''
    const lines = [
      r.sources && r.sources.length > 1
        ? `Checked against the plans reviewed in ${listed(r.sources.map(link))}, which were not applied yet: for each report the newest plan that lists it decides, and a report whose changes differ is held, not written.`
        : `Checked against the plan reviewed in ${link({ source: r.source, url: r.url })}${at}: a report whose changes differ is held, not written.`,
    ]
    if (r.unreviewed?.length) {
      const shown = r.unreviewed.slice(0, MAX_UNREVIEWED)
      const more = r.unreviewed.length - shown.length
      lines.push(
        `Not reviewed: ${text(shown.join('; '))}${more ? `; and ${more} more` : ''}. A change of theirs that no reviewed plan lists is held.`,
      )
    }
    if (r.stopped) lines.push(`${text(r.stopped)}: what older changes no plan here lists is held.`)
    return lines
  }
  const why = r.missing ? ` (${text(r.missing)})` : ''
  return [
    r.policy === 'require'
      ? `No reviewed plan found${why}: nothing was written, as reviewed-plan is require.`
      : `No reviewed plan found${why}: applied as planned now.`,
  ]
}

/** The most commits and pull requests named as not reviewed; the rest are counted. */
const MAX_UNREVIEWED = 10

/** "a", "a and b", "a, b and c". */
function listed(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '')
}
