import { countOutcomes, showValue, type Outcome, type RunResult, type Status } from '../model.js'
import { byImportance, changeWords, reportId, reviewedLine, reviewLines } from './format.js'
import { logLine } from '../util/log-safe.js'
import { plural } from '../util/plural.js'
import { unmanagedLine } from './summary.js'
import { displayWidth, padToWidth, truncateToWidth, wrapToWidth } from '../util/text-width.js'

/** How the terminal shows a run; colour and width are decided by the caller (TTY, NO_COLOR, COLUMNS), never here. */
interface TerminalOptions {
  color: boolean
  /** Cells a line may take: names, ids and values are cut with `…` to fit. Unset: nothing is cut (a pipe). */
  width?: number
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow'
const SGR: Record<Style, string> = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33' }

/** Wraps text in ANSI colour codes, or returns it as it is. */
function painter(color: boolean) {
  return (style: Style, text: string) => (color && text ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text)
}

const STATUS: Record<Status, [string, Style]> = {
  failed: ['failed', 'red'],
  'would-update': ['will update', 'yellow'],
  create: ['will create', 'green'],
  created: ['created', 'green'],
  delete: ['will delete', 'red'],
  deleted: ['deleted', 'red'],
  held: ['held', 'yellow'],
  updated: ['updated', 'green'],
  unchanged: ['unchanged', 'dim'],
}

/** One cell of one line: text and its style; `span` text runs to the end of the line unpadded. */
interface Cell {
  text: string
  style?: Style
  span?: boolean
}

const HEADERS = ['STATUS', 'REPORT', 'FIELD', 'FROM', 'TO']

/** Lines of one report: status and report on the first, each change on its own, the error last. */
function reportLines(o: Outcome): Cell[][] {
  const [word, style] = STATUS[o.status]
  // The command line runs in workflows too: a name or an API message must not start a workflow command there.
  const id = logLine(reportId(o))
  const report: Cell[] = o.name ? [{ text: logLine(o.name) }, { text: id, style: 'dim' }] : [{ text: id }]
  const detail: Cell[][] = o.changes.map((c) => [
    { text: c.field },
    { text: logLine(showValue(c.from)), style: 'red' },
    { text: logLine(showValue(c.to)), style: 'green' },
  ])
  if (o.note) detail.push([{ text: logLine(o.note), style: 'dim', span: true }])
  if (o.error)
    detail.push([{ text: logLine(o.error), style: style === 'red' ? 'red' : 'yellow', span: true }])
  const reviewed = o.status === 'held' ? reviewedLine(o) : undefined
  if (reviewed) detail.push([{ text: logLine(reviewed), span: true }])
  const lines: Cell[][] = []
  for (let i = 0; i < Math.max(report.length, detail.length, 1); i++) {
    lines.push([i ? { text: '' } : { text: word, style }, report[i] ?? { text: '' }, ...(detail[i] ?? [])])
  }
  return lines
}

const GAP = 2
/** Columns cut to fit a width: REPORT, FROM and TO (STATUS and FIELD are short words of our own). */
const SHRINKABLE = [1, 3, 4]
/** Below this many cells a cut column would say nothing. */
const MIN_COLUMN = 8

/**
 * Aligns cells in columns of terminal cells (an emoji takes two); widths from unspanned cells, trailing
 * blanks trimmed. Given a width, the shrinkable columns share what the others leave (each keeps its own
 * width if that is less than its share), a cell longer than its room is cut with `…`, and a spanning
 * message is wrapped.
 */
function table(lines: Cell[][], paint: ReturnType<typeof painter>, width?: number): string[] {
  const widths: number[] = []
  for (const line of lines)
    line.forEach((c, i) => {
      if (!c.span) widths[i] = Math.max(widths[i] ?? 0, displayWidth(c.text))
    })
  if (width !== undefined) fit(widths, width)
  const show = (c: Cell, text: string) => (c.style ? paint(c.style, text) : text)
  return lines.map((line) => {
    let at = 0
    return line
      .map((c, i) => {
        const start = at
        at += (widths[i] ?? 0) + GAP
        if (i < line.length - 1 && !c.span)
          return padToWidth(show(c, truncateToWidth(c.text, widths[i]!)), widths[i]!)
        if (width === undefined) return show(c, c.text)
        const room = Math.max(1, width - start)
        // A message (an error, what was reviewed) is wrapped below itself rather than cut: it is read whole.
        if (!c.span) return show(c, truncateToWidth(c.text, room))
        return wrapToWidth(c.text, room)
          .map((part) => show(c, truncateToWidth(part, room)))
          .join(`\n${' '.repeat(start)}`)
      })
      .join(' '.repeat(GAP))
      .trimEnd()
  })
}

/** Caps the shrinkable columns at the widest width that lets a row fit, never below MIN_COLUMN. */
function fit(widths: number[], width: number): void {
  const fixed = widths.reduce((sum, w, i) => (SHRINKABLE.includes(i) ? sum : sum + w), 0)
  const room = width - fixed - GAP * (widths.length - 1)
  const natural = SHRINKABLE.map((i) => widths[i] ?? 0)
  const needed = (cap: number) => natural.reduce((sum, w) => sum + Math.min(w, cap), 0)
  let cap = Math.max(...natural)
  while (cap > MIN_COLUMN && needed(cap) > room) cap--
  for (const i of SHRINKABLE) if (widths[i] !== undefined) widths[i] = Math.min(widths[i], cap)
}

/** The plan or apply of one run for a terminal: counts, a table of what differs, what is not declared. */
export function renderTerminal(run: RunResult, options: TerminalOptions): string {
  const paint = painter(options.color)
  const c = countOutcomes(run.outcomes)
  // An apply stopped by max-changes updated nothing: its changes are still only planned.
  const planned = run.mode === 'plan' || !!run.overMaxChanges || !!run.overMaxDeletes
  const out = [
    paint(
      'bold',
      `${run.mode === 'plan' ? 'Plan' : 'Apply'}: ${changeWords(c, planned).join(', ')}, ${c.unchanged} unchanged, ${c.failed} failed${c.held ? `, ${c.held} held` : ''}`,
    ) + ` (${run.outcomes.length} declared in ${run.config})`,
  ]
  if (run.review) out.push(...reviewLines(run.review).map(logLine))
  if (run.overMaxChanges) {
    out.push(
      paint(
        'red',
        `Nothing was written: the plan updates ${plural(run.overMaxChanges.count, 'report')} and max-changes allows ${run.overMaxChanges.limit}.`,
      ),
    )
  }
  if (run.overMaxDeletes) {
    out.push(
      paint(
        'red',
        `Nothing was written: the plan deletes ${plural(run.overMaxDeletes.count, 'report')} and max-deletes allows ${run.overMaxDeletes.limit}.`,
      ),
    )
  }
  const shown = byImportance(run.outcomes).filter((o) => o.status !== 'unchanged' || o.note)
  if (shown.length) {
    const head: Cell[] = HEADERS.map((text) => ({ text, style: 'bold' }))
    out.push('', ...table([head, ...shown.flatMap(reportLines)], paint, options.width))
    if (c.unchanged) out.push(paint('dim', `(${c.unchanged} unchanged not listed)`))
  } else if (run.outcomes.length) {
    out.push('', 'No changes: every declared report is in the desired state.')
  }
  if (run.unmanaged) out.push('', unmanagedLine(run.unmanaged, logLine))
  // Sentences are wrapped at spaces rather than cut: every id they name stays whole.
  const width = options.width
  const lines =
    width === undefined ? out : out.flatMap((l) => l.split('\n')).flatMap((l) => wrapToWidth(l, width))
  return lines.join('\n') + '\n'
}
