import { LineCounter } from 'yaml'
import type { TextEdit } from '../model.js'

/** A run of changed lines: old lines [from, from + old.length) became `now`. */
interface Block {
  from: number
  old: string[]
  now: string[]
  /** Whether the last old / new line lacks a line break (the end of a file that has none). */
  oldOpen: boolean
  nowOpen: boolean
}

/**
 * A unified diff (`diff -u` with `context` lines) of a text and the same text after `edits` (sorted,
 * non-overlapping, as editReports returns them). Built from the edits, not by comparing the texts, so
 * it costs one pass at any size; the lines are shown as they are, line endings but the `\n` kept.
 */
export function unifiedDiff(file: string, before: string, edits: readonly TextEdit[], context = 3): string {
  if (!edits.length) return ''
  // yaml's LineCounter, as config/lines.ts uses it: line starts, and the line of an offset.
  const lines = new LineCounter()
  lines.addNewLine(0)
  for (let nl = before.indexOf('\n'); nl !== -1; nl = before.indexOf('\n', nl + 1)) lines.addNewLine(nl + 1)
  const starts = lines.lineStarts
  const lineOf = (offset: number) => lines.linePos(offset).line - 1
  const lineText = (n: number) => before.slice(starts[n], (starts[n + 1] ?? before.length + 1) - 1)
  const total = before.endsWith('\n') || !before.length ? starts.length - 1 : starts.length
  const blocks = toBlocks(before, edits, lineOf, starts)

  const out = [`--- a/${file}`, `+++ b/${file}`]
  let shift = 0
  for (let i = 0; i < blocks.length; ) {
    // One hunk: blocks whose context would touch or overlap.
    let j = i
    while (
      j + 1 < blocks.length &&
      blocks[j + 1]!.from - (blocks[j]!.from + blocks[j]!.old.length) <= 2 * context
    )
      j++
    const first = blocks[i]!
    const lastBlock = blocks[j]!
    const head = Math.max(0, first.from - context)
    const tail = Math.min(total, lastBlock.from + lastBlock.old.length + context)
    const lines: string[] = []
    let oldCount = 0
    let newCount = 0
    const keep = (from: number, to: number) => {
      for (let n = from; n < to; n++) {
        lines.push(` ${lineText(n)}`)
        if (n === total - 1 && !before.endsWith('\n')) lines.push('\\ No newline at end of file')
      }
      oldCount += to - from
      newCount += to - from
    }
    let at = head
    for (let k = i; k <= j; k++) {
      const b = blocks[k]!
      keep(at, b.from)
      for (const l of b.old) lines.push(`-${l}`)
      if (b.oldOpen) lines.push('\\ No newline at end of file')
      for (const l of b.now) lines.push(`+${l}`)
      if (b.nowOpen) lines.push('\\ No newline at end of file')
      oldCount += b.old.length
      newCount += b.now.length
      at = b.from + b.old.length
    }
    keep(at, tail)
    const oldStart = oldCount ? head + 1 : head
    const newStart = newCount ? head + shift + 1 : head + shift
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...lines)
    for (let k = i; k <= j; k++) shift += blocks[k]!.now.length - blocks[k]!.old.length
    i = j + 1
  }
  return out.join('\n') + '\n'
}

/** Each edit widened to whole lines; edits that share a line become one block. */
function toBlocks(
  before: string,
  edits: readonly TextEdit[],
  lineOf: (offset: number) => number,
  starts: readonly number[],
): Block[] {
  const lineEnd = (at: number) => {
    const nl = before.indexOf('\n', at)
    return nl < 0 ? before.length : nl + 1
  }
  const spans: { s: number; t: number; edits: TextEdit[] }[] = []
  for (const e of edits) {
    const s = starts[lineOf(e.start)]!
    // Up to a line break the edit ends on, or through the line it ends in.
    const t =
      e.end > e.start && before[e.end - 1] === '\n'
        ? e.end
        : e.start === s && e.end === s
          ? s
          : lineEnd(e.end)
    const open = spans[spans.length - 1]
    if (open && s <= open.t) {
      open.t = Math.max(open.t, t)
      open.edits.push(e)
    } else spans.push({ s, t, edits: [e] })
  }
  return spans.map(({ s, t, edits: group }) => {
    let now = ''
    let at = s
    for (const e of group) {
      now += before.slice(at, e.start) + e.text
      at = e.end
    }
    now += before.slice(at, t)
    const old = split(before.slice(s, t))
    const next = split(now)
    return { from: lineOf(s), old: old.lines, now: next.lines, oldOpen: old.open, nowOpen: next.open }
  })
}

function split(text: string): { lines: string[]; open: boolean } {
  if (!text) return { lines: [], open: false }
  const lines = text.split('\n')
  const open = lines[lines.length - 1] !== ''
  if (!open) lines.pop()
  return { lines, open }
}
