import { stringify } from 'yaml'

// The one way a value reaches the text of reports.yaml: every scalar, list item and comment the
// action writes is made here, by yaml's own stringifier, on one line. A value from the API could
// otherwise end a line (and start a key of its own), open a block scalar (`...x` and `---x` end a
// document where they start a line), or carry a terminal escape into the file and into every diff.

/** How a scalar is quoted: yaml's names for the styles; undefined lets the stringifier choose. */
export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | undefined

/**
 * What may not stand raw in a written scalar: C0 and C1 controls (tab included), DEL, the Unicode line
 * and paragraph separators, the byte order mark, and a surrogate without its pair. yaml's stringifier
 * escapes some of them (`\e`, `\a`, `\n`), not all (DEL, U+0085, U+2028 stay raw).
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g')

/** A flow list ends a plain scalar at `,` `[` `]` `{` `}` and `: `: plain only for the simplest values. */
const FLOW_PLAIN = /^\w[\w.@+-]*$/

// Never over several lines: lineWidth 0 folds nothing, double quotes never break a line (yaml would
// write a line break in one as two raw ones), blockQuote false never writes `|-` or `>`.
const ONE_LINE = { lineWidth: 0, blockQuote: false, doubleQuotedMinMultiLineLength: Infinity } as const

const written = (value: string, type: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE') =>
  stringify(value, { ...ONE_LINE, defaultStringType: type }).replace(/\n$/, '')

/**
 * A string as one YAML scalar on one line: in `style` (the quoting its neighbours use) where that style
 * can hold it as written, otherwise double-quoted with every unsafe character escaped. `flow`: the
 * scalar stands inside `[...]`. Reads back as exactly `value` wherever a scalar can stand.
 */
export function yamlScalar(value: string, style?: ScalarStyle, flow = false): string {
  let text: string
  if (UNSAFE.test(value) || style === 'QUOTE_DOUBLE') text = doubleQuoted(value)
  else if (style === 'QUOTE_SINGLE') text = written(value, 'QUOTE_SINGLE')
  else {
    text = written(value, 'PLAIN')
    if (flow && text === value && !FLOW_PLAIN.test(value)) text = doubleQuoted(value)
  }
  // The stringifier falls back to another style when the asked one cannot hold the value: whatever
  // it chose must still be one line of safe characters.
  if (/[\n\r]/.test(text) || UNSAFE.test(text)) text = doubleQuoted(value)
  return text
}

function doubleQuoted(value: string): string {
  // Inside double quotes any character may be written as \uXXXX; those yaml left raw are.
  return written(value, 'QUOTE_DOUBLE').replace(
    UNSAFE_ALL,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** Longest value a comment line shows: comments only describe, and a line has a length limit. */
const COMMENT_VALUE_CHARS = 200

/**
 * A value for a comment line (`# read-only: formats csv`): the scalar yamlScalar writes, so nothing in
 * it can end the comment, cut to COMMENT_VALUE_CHARS.
 */
export function commentValue(value: string): string {
  const text = yamlScalar(value, undefined, true)
  return text.length > COMMENT_VALUE_CHARS ? `${text.slice(0, COMMENT_VALUE_CHARS)}…` : text
}

/** `false` for `true`, `False` for `True`, `FALSE` for `TRUE`. */
export function sameCase(value: string, old: string): string {
  if (/^[A-Z]+$/.test(old)) return value.toUpperCase()
  if (/^[A-Z]/.test(old)) return value[0]!.toUpperCase() + value.slice(1)
  return value
}
