/**
 * How many terminal cells a text takes, so columns line up: an emoji or a CJK character takes two, a
 * combining mark or a colour code none. Counted per grapheme (what a person sees as one character),
 * after Unicode's East Asian Width and emoji presentation rules, as terminals apply them.
 */
export function displayWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '')
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length
  let width = 0
  for (const { segment } of graphemes.segment(plain)) width += clusterWidth(segment)
  return width
}

/** `text` and the spaces that make it `width` cells wide (none when it is already wider). */
export function padToWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)))
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })

function clusterWidth(cluster: string): number {
  const first = cluster.codePointAt(0)!
  if (first < 0x20 || (first >= 0x7f && first < 0xa0)) return 0
  // An emoji shown as an emoji: by default (🔄, ✅), or asked for with U+FE0F (✔️); a flag is two indicators.
  if (
    /\p{Extended_Pictographic}/u.test(cluster) &&
    (/\p{Emoji_Presentation}/u.test(cluster) || cluster.includes('\ufe0f'))
  )
    return 2
  if (/\p{Regional_Indicator}/u.test(cluster)) return 2
  if (WIDE.some(([from, to]) => first >= from && first <= to)) return 2
  // A cluster of marks alone (a combining accent, a zero-width space or joiner) takes no cell.
  if (/^[\p{Mn}\p{Me}\p{Cf}]+$/u.test(cluster)) return 0
  return 1
}

/** East Asian Wide and Fullwidth ranges (UAX #11): Hangul, CJK, kana, fullwidth forms. */
const WIDE: readonly [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x20000, 0x3fffd],
]

/** `text` cut to at most `width` cells, ending in `…` where it was cut (whole graphemes only). */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  if (width < 1) return ''
  let out = ''
  let used = 0
  for (const { segment } of graphemes.segment(text)) {
    const w = clusterWidth(segment)
    if (used + w > width - 1) break
    out += segment
    used += w
  }
  return out + '…'
}

/** Prose broken at spaces into lines of at most `width` cells; a word wider than that keeps a line. */
export function wrapToWidth(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text]
  const lines: string[] = []
  let line: string | undefined
  for (const word of text.split(' ')) {
    if (line === undefined) line = word
    else if (displayWidth(`${line} ${word}`) > width && line.trim()) {
      lines.push(line)
      line = word
    } else line = `${line} ${word}`
  }
  lines.push(line ?? '')
  return lines
}
