const MAX = 80

/** A value for a message: JSON on one line (undefined as "absent"), cut short; it may come from outside. */
export function oneLineJson(value: unknown, max = MAX): string {
  if (value === undefined) return 'absent'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > max ? `${text.slice(0, max)}…` : text
}
