import { ConfigErrors, type ConfigError } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/load.js'

/** The errors parseConfig throws for a text that must have some. */
export function errorsOf(text: string): ConfigError[] {
  try {
    parseConfig(text, 'reports.yaml')
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors
    throw e
  }
  throw new Error('expected configuration errors')
}

/** Errors as [code, line, column]: what tests assert on, rather than the wording. */
export const brief = (errors: ConfigError[]) => errors.map((e) => [e.code, e.line, e.column])
