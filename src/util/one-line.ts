import type { Redact } from './redact.js'

const MAX = 80

/**
 * A value for a message: JSON on one line (undefined as "absent"), cut short; it may come from outside,
 * so it is scrubbed by `redact` before the cut (a cut secret is no longer found whole: its start would show).
 */
export function oneLineJson(value: unknown, redact: Redact, max = MAX): string {
  if (value === undefined) return 'absent'
  const text = redact(JSON.stringify(value) ?? String(value))
  return text.length > max ? `${text.slice(0, max)}…` : text
}
