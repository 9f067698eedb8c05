import { parseYaml } from './parse.js'
import { readConfigText } from './read.js'
import { validateConfig, type DesiredConfig } from './validate.js'

// reports.yaml → the desired state, in its three stages: read (the bytes, behind the path guards),
// parse (YAML, every value locatable in the file), validate (the schema and the rules between keys).

/** Large providers declare thousands of reports (~250 bytes each); anything near this is not a config. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024

/**
 * The text of reports.yaml: a regular file, inside `root` when given (the workspace; on the command
 * line, the current directory unless --config names the file), at most MAX_CONFIG_BYTES, UTF-8.
 * Throws ConfigErrors.
 */
export function readConfig(file: string, displayName = file, root?: string): Promise<string> {
  return readConfigText(file, displayName, { root, maxBytes: MAX_CONFIG_BYTES })
}

/** Reads and validates reports.yaml; throws ConfigErrors listing every problem, or returns the desired state. */
export async function loadConfig(file: string, displayName = file, root?: string): Promise<DesiredConfig> {
  return parseConfig(await readConfig(file, displayName, root), displayName)
}

/** Parses and validates the text of reports.yaml (pure: no I/O). */
export function parseConfig(text: string, file: string): DesiredConfig {
  return validateConfig(parseYaml(text, file), file)
}
