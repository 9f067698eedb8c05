import { describe, expect, it } from 'vitest'
import { Redactor, secretForms, withoutUserinfo } from '../../src/util/redact.js'

const SECRET = 'Sx9-Kq2_Lm7+Zp4/Tr8 Wv'
const b64 = (s: string) => Buffer.from(s).toString('base64')

describe('redaction', () => {
  it('derives each form once and tells onForm each new one', () => {
    const heard: string[] = []
    const r = new Redactor((f) => heard.push(f))
    r.add(SECRET)
    r.add(SECRET)
    expect(heard).toEqual(secretForms(SECRET))
    expect(new Set(heard).size).toBe(heard.length)
    expect(heard).toEqual(
      expect.arrayContaining([
        SECRET,
        SECRET.toLowerCase(),
        SECRET.toUpperCase(),
        encodeURIComponent(SECRET),
      ]),
    )
  })

  it.each([
    ['as it is', SECRET],
    ['lower-cased', SECRET.toLowerCase()],
    ['upper-cased', SECRET.toUpperCase()],
    ['mixed case', SECRET.replace(/[a-z]/g, (c) => c.toUpperCase()).replace(/X/g, 'x')],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['URL-encoded, lower-case hex', encodeURIComponent(SECRET).toLowerCase()],
    ['form-encoded', encodeURIComponent(SECRET).replace(/%20/g, '+')],
    ['base64', b64(SECRET)],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
  ])('hides the secret %s', (_, form) => {
    const r = Redactor.of(SECRET)
    const out = r.redact(`error: the secret "${form}" was refused`)
    expect(out).toBe('error: the secret "***" was refused')
  })

  it.each(['id:', 'client-1:', 'ab', ''])(
    'hides the secret inside any base64 text: %j before it',
    (before) => {
      const r = Redactor.of(SECRET)
      const text = b64(`${before}${SECRET} and more after`)
      const out = r.redact(`Basic ${text}`)
      expect(out).toContain('***')
      // What is left cannot hold the secret: at most 3 characters on each side of it stay.
      const left = out.slice('Basic '.length).split('***')
      expect(left.join('').length).toBeLessThanOrEqual(text.length - (SECRET.length * 4) / 3 + 6)
    },
  )

  it('hides every secret it knows, the longest form first, in one pass', () => {
    const r = Redactor.of('short1', 'a-much-longer-token-value')
    expect(r.redact('a short1 and a-much-longer-token-value')).toBe('a *** and ***')
  })

  it('never prints the userinfo of a URL', () => {
    expect(withoutUserinfo('refused http://user:pa55@host.example/x and https://tok@h')).toBe(
      'refused http://***@host.example/x and https://***@h',
    )
    expect(withoutUserinfo('mail alice@example.com, see https://example.com/a@b')).toBe(
      'mail alice@example.com, see https://example.com/a@b',
    )
    expect(Redactor.of().redact('http://a:b@c@host/')).toBe('http://***@host/')
  })

  it('leaves text without a secret as it is, and short derived forms alone', () => {
    expect(Redactor.of('abc').redact('abc YWJj ABC')).toBe('*** YWJj ***')
    expect(new Redactor().redact('nothing here')).toBe('nothing here')
  })
})
