/**
 * Renders the job summary's Markdown for a terminal, so `npm run demo` shows what GitHub would show:
 * headings, bold, and tables with aligned columns (a `<br>` inside a cell becomes a line of its own).
 */
import { displayWidth, padToWidth } from '../src/util/text-width.js'

const color = process.stdout.isTTY && !process.env.NO_COLOR
const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s)
const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s)

function inline(s: string): string {
  return s
    .replace(/<sub>(.*?)<\/sub>/g, (_, t: string) => dim(t))
    .replace(/\*\*(.*?)\*\*/g, (_, t: string) => bold(t))
    .replace(/`([^`]*)`/g, '$1')
    .replace(/&#124;/g, '|')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

function table(rows: string[][]): string[] {
  const cells = rows.map((r) => r.map((c) => c.split('<br>').map(inline)))
  const widths = cells[0]!.map((_, i) =>
    Math.max(...cells.map((r) => Math.max(...(r[i] ?? ['']).map(displayWidth)))),
  )
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─')
  const out: string[] = []
  cells.forEach((row, n) => {
    const height = Math.max(...row.map((c) => c.length))
    for (let line = 0; line < height; line++) {
      out.push(row.map((c, i) => padToWidth(c[line] ?? '', widths[i]!)).join(' │ '))
    }
    out.push(n === 0 ? rule : dim(rule.replace(/[─┼]/g, '·')))
  })
  return out
}

export function markdownToTerminal(md: string): string {
  const out: string[] = []
  const lines = md.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.startsWith('|')) {
      const rows: string[][] = []
      for (; i < lines.length && lines[i]!.startsWith('|'); i++) {
        if (/^\|\s*-/.test(lines[i]!)) continue
        rows.push(
          lines[i]!.slice(1, -1)
            .split(' | ')
            .map((c) => c.trim()),
        )
      }
      i--
      out.push(...table(rows))
    } else if (line.startsWith('#')) out.push(bold(line.replace(/^#+\s*/, '')))
    else if (line.startsWith('> [!')) continue
    else out.push(inline(line.replace(/^>\s?/, '')))
  }
  return out.join('\n')
}
