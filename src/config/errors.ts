import type { SourceRef } from '../model.js'
import { printable } from '../util/log-safe.js'
import { plural } from '../util/plural.js'

/** A stable identifier of what is wrong, for tests and tools (messages are for people). */
export type ConfigErrorCode =
  | 'file-missing'
  | 'file-unreadable'
  | 'file-too-large'
  | 'file-outside'
  | 'file-not-regular'
  | 'file-changed'
  | 'encoding'
  | 'yaml-syntax'
  | 'alias-limit'
  | 'yaml-limit'
  | 'indentation'
  | 'tab'
  | 'unknown-key'
  | 'type'
  | 'enum'
  | 'required'
  | 'uuid'
  | 'recipient'
  | 'version'
  | 'duplicate-id'
  | 'duplicate-report'
  | 'lifecycle'
  | 'recipient-unknown'
  | 'recipient-ambiguous'

/** One problem in reports.yaml, with the place it is at. */
export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    readonly at: SourceRef,
    /** The path of the offending value, such as `reports[2].kind`. */
    readonly path = '',
  ) {
    super(message)
    this.name = 'ConfigError'
  }

  get file(): string {
    return this.at.file
  }
  get line(): number {
    return this.at.line
  }
  get column(): number {
    return this.at.column
  }

  /** `reports.yaml:12:7: message`, the form compilers use, so editors and terminals can link it. */
  toString(): string {
    return `${this.at.file}:${this.at.line}:${this.at.column}: ${this.message}`
  }
}

/** Every problem found in one pass: the file is checked whole before anything is reported. */
export class ConfigErrors extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(`${plural(errors.length, 'configuration error')} in ${errors[0]?.file ?? 'the configuration'}`)
    this.name = 'ConfigErrors'
  }
}

/**
 * Text from the file (or a parser's message quoting it) as a message may show it: control characters
 * escaped, so it stays on one line, and cut to `max` characters. Never more of a file than that.
 */
export function clip(text: string, max = 200): string {
  const safe = printable(text, 'unicode')
  if (safe.length <= max) return safe
  // Not between the two halves of a surrogate pair.
  const end = /[\ud800-\udbff]/.test(safe[max - 1]!) ? max - 1 : max
  return `${safe.slice(0, end)}…`
}

/** A value from the file, quoted and clipped: `"usage_daly"`, `"a very long…"`. */
export function excerpt(value: string, max = 40): string {
  return `"${clip(
    value.replace(/["\\]/g, (c) => `\\${c}`),
    max,
  )}"`
}
