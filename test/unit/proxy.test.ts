import { afterEach, describe, expect, it, vi } from 'vitest'
import { proxyFor, proxyRefusal, proxySecrets } from '../../src/http/proxy.js'

// @actions/http-client's rules read process.env: the tests set it and restore it.
afterEach(() => vi.unstubAllEnvs())
const set = (vars: Record<string, string>) => {
  for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'])
    vi.stubEnv(name, vars[name] ?? '')
}
const api = new URL('https://eu2-cloud.acronis.com/api/2')

describe('proxyFor', () => {
  it('takes the lowercase variable first, for the URL scheme, and decodes the credentials', () => {
    set({
      https_proxy: 'http://u%40corp:p%3Ass@lower:3128',
      HTTPS_PROXY: 'http://upper:1',
      HTTP_PROXY: 'http://plain:8080',
    })
    const p = proxyFor(api)!
    expect(p).toMatchObject({
      protocol: 'http:',
      hostname: 'lower',
      port: 3128,
      label: 'lower:3128',
      variable: 'https_proxy',
    })
    expect(Buffer.from(p.authorization!.slice(6), 'base64').toString()).toBe('u@corp:p:ss')
    expect(proxyFor(new URL('http://example.com'))).toMatchObject({
      label: 'plain:8080',
      variable: 'HTTP_PROXY',
    })
  })

  it('reads a proxy without a scheme as http, with the default port', () => {
    set({ HTTPS_PROXY: 'proxy.corp:3128' })
    expect(proxyFor(api)).toMatchObject({
      protocol: 'http:',
      label: 'proxy.corp:3128',
      authorization: undefined,
    })
    set({ HTTPS_PROXY: 'http://proxy.corp' })
    expect(proxyFor(api)).toMatchObject({ port: 80 })
  })

  it.each([
    ['*', true],
    ['eu2-cloud.acronis.com', true],
    ['acronis.com', true],
    ['.acronis.com', true],
    ['EU2-CLOUD.ACRONIS.COM:443', true],
    ['eu2-cloud.acronis.com:8443', false],
    ['other.example, acronis.com', true],
    ['cloud.acronis.com', false],
    ['cloud.acronis', false],
  ])('NO_PROXY=%s bypasses: %s', (noProxy, bypass) => {
    set({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy })
    expect(proxyFor(api) === undefined).toBe(bypass)
  })

  it('never proxies loopback hosts', () => {
    set({ HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://proxy:3128' })
    for (const url of ['http://127.0.0.1:8080', 'https://localhost', 'http://[::1]:3000'])
      expect(proxyFor(new URL(url)), url).toBeUndefined()
  })
})

describe('what is masked and what is said', () => {
  it('masks the password as written and decoded, and the Basic credentials', () => {
    const secrets = proxySecrets({ HTTPS_PROXY: 'http://user:p%40ss@proxy:3128', http_proxy: 'proxy:80' })
    expect(secrets).toEqual(['p%40ss', 'p@ss', Buffer.from('user:p@ss').toString('base64')])
    // An @ left unencoded: the URL ends at the last @, and the password as written is masked too.
    expect(proxySecrets({ https_proxy: 'http://user:p@ss@proxy:3128' })).toEqual(
      expect.arrayContaining(['p@ss', Buffer.from('user:p@ss').toString('base64')]),
    )
  })

  it('names the proxy and the variable, never the password', () => {
    set({ HTTPS_PROXY: 'http://user:hunter2@proxy.corp:3128' })
    const refused = proxyRefusal(proxyFor(api)!, 'eu2-cloud.acronis.com:443', 407)
    expect(refused.message).toBe(
      'proxy proxy.corp:3128 refused the credentials in HTTPS_PROXY (407 Proxy Authentication Required): check the user and password',
    )
    expect(proxyRefusal(proxyFor(api)!, 'eu2-cloud.acronis.com:443', 403).message).toContain(
      'refused to connect to eu2-cloud.acronis.com:443 (HTTP 403); if eu2-cloud.acronis.com should be reached directly, add it to NO_PROXY',
    )
    set({ HTTPS_PROXY: 'http://proxy.corp:3128' })
    expect(proxyRefusal(proxyFor(api)!, 'x:443', 407).message).toContain(
      'set HTTPS_PROXY to http://USER:PASSWORD@proxy.corp:3128',
    )
  })
})
