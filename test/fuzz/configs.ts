/**
 * Mutated reports.yaml files, from a seed: the same seed gives the same files on every machine.
 * Used by test/unit/fuzz.test.ts (a few thousand, in `npm test`) and scripts/fuzz.ts (`npm run fuzz`).
 */
import { ConfigErrors } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/load.js'
import { decode } from '../../src/config/read.js'
import { mulberry32 as random } from '../simulator/faults.js'

const ID = (n: number) => `${n.toString(16).padStart(8, '0')}-d77b-45c6-b2fa-39276e98d5fc`

/** Valid files of the shapes people write: block and flow style, comments, block scalars, CRLF. */
const SEEDS = [
  `version: 1\nreports:\n  - id: ${ID(1)}\n    name: Partners\n    kind: usage_current\n    level: all_partners\n    recipients:\n      - alice\n      - bob@example.com\n    enabled: true\n    hide_zero_usage: false\n    show_skus: true\n`,
  `# yaml-language-server: $schema=./schema/reports.schema.json\nreports:\n- id: ${ID(2)}\n  name: "Quoted, \\"escaped\\" name"\n  recipients: [${ID(3)}, 'carol']\n- id: ${ID(4)}\n  name: |\n    Block\n    text\n  enabled: false # managed\n`,
  `reports:\n  - {"id": "${ID(5)}", "kind": "usage_daily", "recipients": ["dave"]}\n  - {"id": "${ID(6)}", "level": "accounts"}\n`,
  `reports:\r\n  - id: ${ID(7)}\r\n    name: >-\r\n      Folded\r\n      name\r\n    show_skus: false\r\n`,
  `reports: []\n`,
  `version: 1\nreports:\n  - id: ${ID(8)}\n    recipients: &team\n      - erin\n  - id: ${ID(9)}\n    recipients: *team\n`,
]

/** Pieces that mean something to YAML, or to a reader of its errors. */
const PIECES = [
  '-',
  ':',
  '? ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '#',
  '&a',
  '*a',
  '!!str',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%YAML 1.2',
  '---',
  '...',
  '\t',
  '\r',
  '\n',
  ' ',
  '  ',
  '\\',
  '@',
  '`',
  '<<',
  '~',
  'null',
  'yes',
  '0x1F',
  '.inf',
  '\u00e9',
  '\u2028',
  '\ufeff',
  '\u0000',
  '\u001b[31m',
  '::error::',
  '\ud83d\ude00',
  '\ud800',
  '__proto__',
  'id',
  'reports',
  'recipients',
  'kind',
  'usage_daily',
  ID(10),
]

type Mutation = (text: string, rnd: () => number) => string

const pick = <T>(list: readonly T[], rnd: () => number): T => list[Math.floor(rnd() * list.length)]!
const at = (text: string, rnd: () => number) => Math.floor(rnd() * (text.length + 1))
const lines = (text: string) => text.split('\n')

const MUTATIONS: Mutation[] = [
  (t, r) => {
    const i = at(t, r)
    return t.slice(0, i) + pick(PIECES, r) + t.slice(i)
  },
  (t, r) => {
    const i = at(t, r)
    return t.slice(0, i) + t.slice(i + 1 + Math.floor(r() * 20))
  },
  (t, r) => {
    const ls = lines(t)
    const i = Math.floor(r() * ls.length)
    ls[i] = ' '.repeat(Math.floor(r() * 8)) + (ls[i] ?? '').trimStart()
    return ls.join('\n')
  },
  (t, r) => {
    const ls = lines(t)
    const i = Math.floor(r() * ls.length)
    ls.splice(i, 0, ls[Math.floor(r() * ls.length)]!)
    return ls.join('\n')
  },
  (t, r) => {
    const ls = lines(t)
    const [i, j] = [Math.floor(r() * ls.length), Math.floor(r() * ls.length)]
    ;[ls[i], ls[j]] = [ls[j]!, ls[i]!]
    return ls.join('\n')
  },
  // Many of one piece: depth, width and length limits.
  (t, r) => {
    const i = at(t, r)
    const piece = pick(['[', '{a: ', '- ', '? ', ' ', '&x [*x, ', 'k: 1, ', '"', '#'], r)
    return t.slice(0, i) + piece.repeat(1 + Math.floor(r() ** 3 * 3000)) + t.slice(i)
  },
  (t, r) => t.slice(0, at(t, r)),
  (t, r) =>
    t.replace(
      /: [^\n]+/,
      `: ${pick(['0b101', '+.5', '!!binary AAAA', '*nope', '&a', '[', '"open', "'", '|+9'], r)}`,
    ),
]

/** The n-th mutated file of a seed: a seed file with one to four mutations. */
export function mutated(seed: number, n: number): string {
  const rnd = random(seed * 1_000_003 + n)
  let text = pick(SEEDS, rnd)
  const count = 1 + Math.floor(rnd() * 4)
  for (let k = 0; k < count; k++) text = pick(MUTATIONS, rnd)(text, rnd)
  return text
}

/** The n-th file as bytes, one in eight with a byte that may not be UTF-8. */
export function mutatedBytes(seed: number, n: number): Uint8Array {
  const bytes = Buffer.from(mutated(seed, n))
  const rnd = random(seed * 7919 + n)
  if (rnd() < 0.125 && bytes.length) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256)
  return bytes
}

/** What must hold for every file: no crash, an answer within 2 s, every error located and short. */
export const MAX_MS = 2000
export const MAX_MESSAGE = 1000

/** Reads one file as the action does (bytes → text → config); the problems found, empty when it held. */
export function check(bytes: Uint8Array): { problems: string[]; ms: number } {
  const started = performance.now()
  const problems: string[] = []
  try {
    parseConfig(decode(bytes, 'reports.yaml'), 'reports.yaml')
  } catch (e) {
    if (!(e instanceof ConfigErrors)) problems.push(`crash: ${e instanceof Error ? e.stack : String(e)}`)
    else {
      const lineCount = Buffer.from(bytes).toString('utf8').split('\n').length
      for (const err of e.errors) {
        if (!(err.line >= 1 && err.line <= lineCount && err.column >= 1))
          problems.push(`no place: ${err.code} at ${err.line}:${err.column} (${lineCount} lines)`)
        if (err.message.length > MAX_MESSAGE)
          problems.push(`long message: ${err.code}, ${err.message.length} characters`)
      }
      if (!e.errors.length) problems.push('ConfigErrors without an error')
    }
  }
  const ms = performance.now() - started
  if (ms > MAX_MS) problems.push(`slow: ${ms.toFixed(0)} ms`)
  return { problems, ms }
}
