/** `1 report`, `3 reports`: a count with its noun, so no message ever says "1 reports". */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`
}
