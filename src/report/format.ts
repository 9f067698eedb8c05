import { showChange, type Outcome, type Status } from '../model.js'

const STATUS_TEXT: Record<Status, string> = {
  failed: '❌ failed',
  'would-update': '🔄 will update',
  updated: '✅ updated',
  unchanged: '✔️ unchanged',
}

const ORDER: Record<Status, number> = { failed: 0, 'would-update': 1, updated: 1, unchanged: 2 }

/** Failures first, then changes, then the rest, each in file order: what a reviewer must see survives truncation. */
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
  const title = o.name ? `${cell(o.name)}<br><sub>${cell(o.id)}</sub>` : cell(o.id)
  const detail = [
    ...o.changes.map((ch) => cell(showChange(ch))),
    ...(o.error ? [`**${cell(o.error)}**`] : []),
  ]
  return `| ${title} | ${STATUS_TEXT[o.status]} | ${detail.join('<br>') || '—'} |`
}
