import type { SourceRef } from '../model.js'
import { noun, plural } from '../util/plural.js'
import { clip, ConfigError, ConfigErrors } from './errors.js'
import { indentationProblem } from './indentation.js'
import { scanLines } from './limits.js'
import type { Lines } from './lines.js'
import { whole, type YamlProblem, type YamlSource } from './parse-document.js'
import { byEntry } from './parse-entries.js'

/** 1-based line and column of a file offset (and of where the thing there ends), as annotations want them. */
export type At = (offset: number, end?: number) => SourceRef

/** reports.yaml read as YAML: its data with the way back to the file, and the place of any offset. */
export interface ParsedConfig {
  source: YamlSource
  at: At
}

/**
 * The text of reports.yaml as YAML data, each value locatable in the file: its lines bounded first
 * (limits.ts), then read by yaml, the one parser (large plain files an entry at a time,
 * parse-entries.ts). Throws ConfigErrors for a bound exceeded, a syntax error or an alias bomb.
 */
export function parseYaml(text: string, file: string): ParsedConfig {
  const { lines, limit } = scanLines(text)
  const at = locator(lines, file)
  if (limit) throw new ConfigErrors([new ConfigError('yaml-limit', limit.message, at(limit.offset))])
  const source = byEntry(text, lines) ?? whole(text)
  if (source.limit) {
    throw new ConfigErrors([new ConfigError('yaml-limit', source.limit.message, at(source.limit.offset))])
  }
  if (source.syntax.length) throw new ConfigErrors(syntaxErrors(lines, source.syntax, at))
  if (source.aliasError) {
    throw new ConfigErrors([
      new ConfigError('alias-limit', `YAML aliases: ${clip(source.aliasError)}`, at(0)),
    ])
  }
  return { source, at }
}

function locator(lines: Lines, file: string): At {
  return (offset, end) => {
    const p = lines.position(offset)
    const start = { file, line: p.line, column: p.col }
    if (end === undefined) return start
    const q = lines.position(end)
    return { ...start, endLine: q.line, endColumn: q.col }
  }
}

/**
 * yaml's syntax errors, except where one mistake made many of them: a tab used to indent is one
 * error at the tab (yaml adds one for each line after it that no longer lines up), and a key indented
 * wrongly is one error at its line, in plain words (yaml's is often at the line before, in its terms).
 */
function syntaxErrors(lines: Lines, syntax: YamlProblem[], at: At): ConfigError[] {
  const tabs = syntax.filter((e) => e.code === 'TAB_AS_INDENT')
  if (tabs.length) {
    const { line } = at(tabs[0]!.offset)
    const more = tabs.length - 1
    const message =
      `line ${line} is indented with a tab; YAML indents with spaces only` +
      (more ? ` (so ${noun(more, 'is', 'are')} ${plural(more, 'more line')} below)` : '')
    return [new ConfigError('tab', message, at(tabs[0]!.offset))]
  }
  const indentation = indentationProblem(lines)
  if (indentation) {
    const where = at(indentation.offset)
    // Only when yaml's first complaint is about that place: otherwise the mistake is another one.
    const first = Math.min(...syntax.map((e) => at(e.offset).line))
    if (first >= where.line - 1) return [new ConfigError('indentation', indentation.message, where)]
  }
  return syntax.map((e) => new ConfigError('yaml-syntax', `YAML syntax: ${clip(e.message)}`, at(e.offset)))
}
