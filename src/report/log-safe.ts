/**
 * The runner reads a workflow command from any line of a step's output: `::name::` at the start of
 * a line once spaces are trimmed, and the legacy `##[name]` anywhere in it (actions/runner,
 * ActionCommand.TryParseV2 and TryParse). Data put on a line with neither newline nor either
 * marker can only ever be text. A zero-width joiner breaks a marker without changing what people read.
 */
const ZWJ = '\u200d'

// Every character a reader of the log may take for the end of a line, and the other controls
// (an ANSI escape can repaint the line it is on).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]/g
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' }
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]|::|##\[/

/** One line of the log that no data in it can turn into a workflow command. */
export function logLine(text: string): string {
  // Most lines hold nothing to neutralise: they are returned as they are, without a copy.
  if (!UNSAFE.test(text)) return text
  return text
    .replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/^(\s*):(?=:)/, `$1:${ZWJ}`)
    .replace(/##\[/g, `##${ZWJ}[`)
}
