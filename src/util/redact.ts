/** Replaces what must not be printed; `redact` of a Redactor, or anything with the same shape. */
export type Redact = (text: string) => string

/** Derived forms shorter than this are not hidden: four characters of base64 would blank half the log. */
const MIN_FORM = 6

/**
 * What a secret can look like once a server, a proxy or a URL parser has been through it: as it is,
 * lower- and upper-cased (a host name is lower-cased), URL- and form-encoded, and base64 at each of the
 * three alignments, so it is found inside any base64 text (`id:secret` of a Basic header included).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret, secret.toLowerCase(), secret.toUpperCase()])
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

function urlEncoded(text: string): string {
  try {
    return encodeURIComponent(text)
  } catch {
    return text // a lone surrogate cannot be encoded, so it cannot be echoed encoded either
  }
}

/** `https://user:password@host/…` anywhere in a text: the userinfo, up to its last `@`. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi

/** Text with every URL's userinfo replaced by `***`: a password is never printed, whoever wrote the URL. */
export function withoutUserinfo(text: string): string {
  return text.replace(USERINFO, '$1***@')
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The run's secrets, each in every form `secretForms` derives, derived once when the secret is added.
 * `onForm` hears each new form (core.setSecret: the runner masks exact strings only); `redact` replaces
 * every form, in any letter case, and every URL's userinfo, in one pass over the text.
 */
export class Redactor {
  private readonly secrets = new Set<string>()
  private readonly forms = new Set<string>()
  private pattern?: RegExp

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
    }
    // Longest first: a form that contains another is replaced whole.
    const alternatives = [...this.forms].sort((a, b) => b.length - a.length).map(escapeRegExp)
    this.pattern = new RegExp(alternatives.join('|'), 'gi')
  }

  readonly redact: Redact = (text) => {
    const hidden = this.pattern ? text.replace(this.pattern, '***') : text
    return withoutUserinfo(hidden)
  }
}
