/**
 * A control character: a newline (to a log, the end of a line), an escape (to a terminal, a command).
 * U+2028 and U+2029 end a line for some readers too.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * Text with every control character escaped, never raw: it stays on its line. `short` writes them as
 * a log shows them (`\n`, `\x1b`, `\u2028`); `unicode` as JSON and YAML's double quotes write them
 * (`\u000a`, `\u001b`), the form configuration messages quote the file in.
 */
export function printable(text: string, escapes: 'short' | 'unicode' = 'short'): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0)
    if (escapes === 'unicode') return `\\u${code.toString(16).padStart(4, '0')}`
    return (
      ESCAPES[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`)
    )
  })
}

/**
 * The runner reads a workflow command from any line of a step's output: `::name::` at the start of
 * a line once spaces are trimmed, and the legacy `##[name]` anywhere in it (actions/runner,
 * ActionCommand.TryParseV2 and TryParse). A zero-width joiner breaks either marker without changing
 * what people read.
 */
const ZWJ = '\u200d'
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|::|##\[/

/** One line of the log that no data in it can turn into a workflow command. */
export function logLine(text: string): string {
  // Most lines hold nothing to neutralise: they are returned as they are, without a copy.
  if (!UNSAFE.test(text)) return text
  return printable(text)
    .replace(/^(\s*):(?=:)/, `$1:${ZWJ}`)
    .replace(/##\[/g, `##${ZWJ}[`)
}
