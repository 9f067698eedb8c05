/** `1,000,001`: a count as the messages write it, with thousands separators whatever the locale. */
export const count = (n: number): string => n.toLocaleString('en')

/** `1 report`, `3 reports`: a count with its noun, so no message ever says "1 reports". */
export function plural(n: number, one: string, other = `${one}s`): string {
  return `${n} ${noun(n, one, other)}`
}

/** The word alone, as `plural` chooses it: `recipient` for one, `recipients` for any other count. */
export function noun(n: number, one: string, other = `${one}s`): string {
  return n === 1 ? one : other
}
