import { countOutcomes, showValue, type Outcome, type RunResult, type Status } from '../model.js'
import { byImportance, reviewedLine, reviewSentence } from './format.js'
import { logLine } from '../util/log-safe.js'
import { plural } from '../util/plural.js'
import { unmanagedLine } from './summary.js'
import { displayWidth, padToWidth } from '../util/text-width.js'

/** How the terminal shows a run; colour is decided by the caller (TTY, NO_COLOR), never here. */
interface TerminalOptions {
  color: boolean
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
  const id = logLine(o.id)
  const report: Cell[] = o.name ? [{ text: logLine(o.name) }, { text: id, style: 'dim' }] : [{ text: id }]
  const detail: Cell[][] = o.changes.map((c) => [
    { text: c.field },
    { text: logLine(showValue(c.from)), style: 'red' },
    { text: logLine(showValue(c.to)), style: 'green' },
  ])
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

/** Aligns cells in columns of terminal cells (an emoji takes two); widths from unspanned cells, trailing blanks trimmed. */
function table(lines: Cell[][], paint: ReturnType<typeof painter>): string[] {
  const widths: number[] = []
  for (const line of lines)
    line.forEach((c, i) => {
      if (!c.span) widths[i] = Math.max(widths[i] ?? 0, displayWidth(c.text))
    })
  return lines.map((line) =>
    line
      .map((c, i) => {
        const text = c.style ? paint(c.style, c.text) : c.text
        return i === line.length - 1 || c.span ? text : padToWidth(text, widths[i] ?? 0)
      })
      .join('  ')
      .trimEnd(),
  )
}

/** The plan or apply of one run for a terminal: counts, a table of what differs, what is not declared. */
export function renderTerminal(run: RunResult, options: TerminalOptions): string {
  const paint = painter(options.color)
  const c = countOutcomes(run.outcomes)
  // An apply stopped by max-changes updated nothing: its changes are still only planned.
  const verb = run.mode === 'plan' || run.overMaxChanges ? 'to update' : 'updated'
  const out = [
    paint(
      'bold',
      `${run.mode === 'plan' ? 'Plan' : 'Apply'}: ${c.changed} ${verb}, ${c.unchanged} unchanged, ${c.failed} failed${c.held ? `, ${c.held} held` : ''}`,
    ) + ` (${run.outcomes.length} declared in ${run.config})`,
  ]
  if (run.review) out.push(logLine(reviewSentence(run.review)))
  if (run.overMaxChanges) {
    out.push(
      paint(
        'red',
        `Nothing was written: the plan updates ${plural(run.overMaxChanges.count, 'report')} and max-changes allows ${run.overMaxChanges.limit}.`,
      ),
    )
  }
  const shown = byImportance(run.outcomes).filter((o) => o.status !== 'unchanged')
  if (shown.length) {
    const head: Cell[] = HEADERS.map((text) => ({ text, style: 'bold' }))
    out.push('', ...table([head, ...shown.flatMap(reportLines)], paint))
    if (c.unchanged) out.push(paint('dim', `(${c.unchanged} unchanged not listed)`))
  } else if (run.outcomes.length) {
    out.push('', 'No changes: every declared report is in the desired state.')
  }
  if (run.unmanaged) out.push('', unmanagedLine(run.unmanaged, logLine))
  return out.join('\n') + '\n'
}
