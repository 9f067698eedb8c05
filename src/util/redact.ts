/** Replaces what must not be printed; `redact` of a Redactor, or anything with the same shape. */
export type Redact = (text: string) => string

/** Derived forms shorter than this are not hidden: four characters of base64 would blank half the log. */
const MIN_FORM = 6

/**
 * What a secret can look like once a server, a proxy or a URL parser has been through it: as it is,
 * lower- and upper-cased (a host name is lower-cased), inside a JSON string (`"` and `\\` escaped),
 * URL- and form-encoded, and base64 at each of the three alignments, so it is found inside any base64
 * text (`id:secret` of a Basic header included).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret, secret.toLowerCase(), secret.toUpperCase(), jsonEscaped(secret)])
  const encoded = urlEncoded(secret)
  forms.add(encoded).add(encoded.replace(/%20/g, '+')).add(encoded.toLowerCase())
  const bytes = Buffer.from(secret, 'utf8')
  for (const b64 of [bytes.toString('base64'), bytes.toString('base64url')]) forms.add(b64)
  for (let k = 0; k < 3; k++) {
    // Base64 of the secret preceded by k bytes: only the characters made of its bits alone.
    const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64')
    const inner = b64.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6))
    forms.add(inner).add(inner.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  return [...forms].filter((f) => f === secret || f.length >= MIN_FORM)
}

/** The secret as it reads between the quotes of a JSON string. */
const jsonEscaped = (text: string) => JSON.stringify(text).slice(1, -1)

function urlEncoded(text: string): string {
  try {
    return encodeURIComponent(text)
  } catch {
    return text // a lone surrogate cannot be encoded, so it cannot be echoed encoded either
  }
}

const SCHEME = /[a-z0-9+.-]/i
const WORD = /\w/
const HOST_END = /[\s/?#]/

/**
 * Text with the userinfo of every URL (`scheme://user:password@`, up to the last `@` before the host
 * ends) replaced by `***`: a password is never printed, whoever wrote the URL. One pass from each
 * `://` (a regular expression that looks for the scheme first takes quadratic time on `a.a.a.…`).
 */
export function withoutUserinfo(text: string): string {
  let out = ''
  let done = 0
  for (let sep = text.indexOf('://'); sep !== -1; ) {
    let end = sep + 3
    let at = -1
    for (; end < text.length && !HOST_END.test(text[end]!); end++) if (text[end] === '@') at = end
    const scheme = at === -1 ? -1 : schemeStart(text, done, sep)
    if (scheme === -1) {
      // Another `://` before `end` ends its host at the same place: it has no `@` either.
      sep = text.indexOf('://', at === -1 ? Math.max(end, sep + 1) : sep + 1)
      continue
    }
    out += `${text.slice(done, sep)}://***@`
    done = at + 1
    sep = text.indexOf('://', done)
  }
  return done ? out + text.slice(done) : text
}

/** Where the scheme before `sep` starts (a letter at a word's start, then letters, digits, `+.-`); -1 if none. */
function schemeStart(text: string, from: number, sep: number): number {
  let start = sep
  while (start > from && SCHEME.test(text[start - 1]!)) start--
  for (let p = start; p < sep; p++) {
    const letter = /[a-z]/i.test(text[p]!)
    if (letter && (p === 0 || !WORD.test(text[p - 1]!))) return p
  }
  return -1
}

/**
 * Letters in lower case, code unit by code unit, so every position of the folded text is the position
 * of the same character in the original (`toLowerCase` of a whole string may change its length: İ).
 */
function fold(text: string): string {
  // eslint-disable-next-line no-control-regex -- ASCII is every code unit up to 0x7f
  if (!/[^\u0000-\u007f]/.test(text)) return text.toLowerCase()
  return text.replace(/[A-Z\u00c0-\uffff]/g, (c) => {
    const lower = c.toLowerCase()
    return lower.length === 1 ? lower : c
  })
}

/**
 * One form as searched: folded, and its smallest period (no two occurrences start closer than this),
 * worked out the first time the form is found: most texts hold no secret, and a token may be 1 MB.
 */
interface Needle {
  text: string
  period?: number
}

/** The smallest period of `text` (its length minus its longest proper border), in linear time (KMP). */
function smallestPeriod(text: string): number {
  const border = new Int32Array(text.length)
  for (let i = 1, k = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    while (k > 0 && c !== text.charCodeAt(k)) k = border[k - 1]!
    if (c === text.charCodeAt(k)) k++
    border[i] = k
  }
  return text.length - (text.length ? border[text.length - 1]! : 0)
}

/**
 * Every range of `text` that one occurrence of `needle` or more covers, merged, in linear time: after an
 * occurrence the next cannot start before one period later, and a run of overlapping occurrences is
 * followed one period at a time instead of searched again.
 */
function covered(text: string, needle: Needle, into: [number, number][]): void {
  const f = needle.text
  let at = text.indexOf(f)
  if (at === -1) return
  const p = (needle.period ??= smallestPeriod(f))
  const tail = f.slice(f.length - p)
  while (at !== -1) {
    let end = at + f.length
    while (text.startsWith(tail, end)) end += p
    into.push([at, end])
    at = text.indexOf(f, end - f.length + p)
  }
}

/**
 * The run's secrets, each in every form `secretForms` derives, derived once when the secret is added.
 * `onForm` hears each new form (core.setSecret: the runner masks exact strings only); `redact` replaces
 * every form, in any letter case, and every URL's userinfo. No regular expression is built from the
 * secrets (one of 28,000 characters is too large for V8): each form is searched with `indexOf` in the
 * folded text, so redaction takes time linear in the text and the forms, whatever a token's length.
 */
export class Redactor {
  private readonly secrets = new Set<string>()
  private readonly forms = new Set<string>()
  private readonly needles = new Map<string, Needle>()

  constructor(private readonly onForm: (form: string) => void = () => undefined) {}

  /** A Redactor that knows these secrets and tells nobody. */
  static of(...secrets: string[]): Redactor {
    const r = new Redactor()
    for (const s of secrets) r.add(s)
    return r
  }

  add(secret: string): void {
    if (!secret || this.secrets.has(secret)) return
    this.secrets.add(secret)
    for (const form of secretForms(secret)) {
      if (this.forms.has(form)) continue
      this.forms.add(form)
      this.onForm(form)
      const text = fold(form)
      if (!this.needles.has(text)) this.needles.set(text, { text })
    }
  }

  readonly redact: Redact = (text) => {
    if (!this.needles.size) return withoutUserinfo(text)
    const folded = fold(text)
    const ranges: [number, number][] = []
    for (const needle of this.needles.values()) covered(folded, needle, ranges)
    if (!ranges.length) return withoutUserinfo(text)
    ranges.sort((a, b) => a[0] - b[0])
    let out = ''
    let done = 0
    for (const [start, end] of ranges) {
      if (end <= done) continue
      if (start >= done) out += `${text.slice(done, start)}***`
      done = end
    }
    return withoutUserinfo(out + text.slice(done))
  }
}
