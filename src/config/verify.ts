import { ConfigErrors } from './errors.js'
import { parseConfig } from './load.js'
import { entriesOf } from './validate.js'

const KEYS = [
  'id',
  'name',
  'state',
  'tenant',
  'kind',
  'level',
  'result_action',
  'formats',
  'recipients',
  'enabled',
  'hide_zero_usage',
  'show_skus',
] as const

/** What reading gives back of one entry, whichever kind it is (to keep, to delete, to create). */
type Values = Partial<Record<(typeof KEYS)[number], unknown>>

/** An entry's values in one comparable string (a fixed key order; absent keys left out). */
function valuesOf(r: Values): string {
  return JSON.stringify(KEYS.map((k) => r[k]))
}

/**
 * Why `text`, about to be written, is not exactly `intended`, or undefined when it is: the whole text
 * is read as loading reads it, every entry is compared with the one meant, in order, and nothing else
 * may be there. What the action writes is checked this way before it replaces anything, so a value
 * that became YAML structure, or an edit that reached an entry it did not mean to, writes nothing.
 */
export function unlikeIntended(text: string, file: string, intended: readonly Values[]): string | undefined {
  let read
  try {
    read = entriesOf(parseConfig(text, file))
  } catch (e) {
    if (!(e instanceof ConfigErrors)) throw e
    const first = e.errors[0]
    return `it would not be valid: ${first ? `${first.toString()}` : e.message}`
  }
  if (read.length !== intended.length)
    return `it would hold ${read.length} entries instead of ${intended.length}`
  for (let i = 0; i < read.length; i++) {
    const got: Values = read[i]!
    const meant: Values = intended[i]!
    if (valuesOf(got) === valuesOf(meant)) continue
    const fields = KEYS.filter((k) => JSON.stringify(got[k]) !== JSON.stringify(meant[k]))
    return `entry ${i + 1} (${String(meant.id ?? 'without id')}) would read back with other values for ${fields.join(', ')}`
  }
  return undefined
}
