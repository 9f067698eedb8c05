import http from 'node:http'
import https from 'node:https'
import tls from 'node:tls'
import type { Duplex } from 'node:stream'
// Only the proxy rules of @actions/http-client (its HTTP client stays out of the bundle): the same
// variables and NO_PROXY semantics as every official action. getProxyUrl applies checkBypass, which
// never proxies loopback hosts and honours no_proxy/NO_PROXY (`*`, host, host:port, domain suffix).
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { TransportError } from './errors.js'

/** A URL's hostname as node:net wants it: an IPv6 literal without its brackets. */
export const unbracketed = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1')

/** A proxy as the transport uses it. Messages show `label` (host:port), never the credentials. */
export interface Proxy {
  protocol: 'http:' | 'https:'
  hostname: string
  port: number
  label: string
  /** The variable it came from, so a message can say what to fix. */
  variable: string
  /** `Basic …` from the URL's percent-decoded user and password, when it has them. */
  authorization?: string
  /** The decoded password, only for masking. */
  password?: string
}

/** A proxy that answered CONNECT with anything but 200, or 407 to a plain request: final, never retried. */
export class ProxyError extends TransportError {
  readonly code = 'proxy_refused'

  constructor(
    readonly proxy: string,
    readonly target: string,
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'ProxyError'
  }
}

const GATEWAY_ERRORS = new Set([502, 503, 504])

const VARIABLES = { 'https:': ['https_proxy', 'HTTPS_PROXY'], 'http:': ['http_proxy', 'HTTP_PROXY'] }

/** The proxy a request to `target` goes through, or undefined when it goes direct. */
export function proxyFor(target: URL): Proxy | undefined {
  // @actions/http-client decides whether (loopback, NO_PROXY) and which variable; it reads process.env.
  if (!getProxyUrl(target)) return undefined
  const variable = VARIABLES[target.protocol === 'https:' ? 'https:' : 'http:'].find((v) => process.env[v])!
  return parseProxy(variable, process.env[variable]!)
}

/** A proxy variable's value: `http://user:password@host:port`, or `host:port` read as http, as curl does. */
function parseProxy(variable: string, value: string): Proxy {
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`)
  } catch {
    throw new Error(`${variable} is not a URL; expected http://HOST:PORT`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${variable}: only http:// and https:// proxies are supported`)
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
  // Percent-decoded, as @actions/http-client and curl read credentials in a proxy URL.
  const user = safeDecode(url.username)
  const password = safeDecode(url.password)
  return {
    protocol: url.protocol,
    hostname: unbracketed(url.hostname),
    port,
    label: `${url.hostname}:${port}`,
    variable,
    authorization:
      user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined,
    password: password || undefined,
  }
}

/**
 * What must be masked before anything prints: the password of every proxy variable (as written and
 * percent-decoded) and the Proxy-Authorization credentials made from it.
 */
export function proxySecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const secrets = new Set<string>()
  for (const variable of Object.values(VARIABLES).flat()) {
    const value = env[variable]
    if (!value) continue
    let proxy: Proxy
    try {
      proxy = parseProxy(variable, value)
    } catch {
      continue // not a URL: then it holds no password either, and using it fails with its own message
    }
    // The password as written (up to the last @, as URL parsers read it), as parsed, and decoded.
    const rest = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0]!
    const userinfo = rest.includes('@') ? rest.slice(0, rest.lastIndexOf('@')) : ''
    const written = userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : ''
    for (const p of [written, safeDecode(written), proxy.password]) if (p) secrets.add(p)
    if (proxy.authorization) secrets.add(proxy.authorization.slice('Basic '.length))
  }
  return [...secrets]
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Why a proxy said no, in words that name the proxy and what to check, never its password. */
export function proxyRefusal(proxy: Proxy, target: string, status: number): ProxyError {
  const what =
    status === 407
      ? proxy.authorization
        ? `refused the credentials in ${proxy.variable} (407 Proxy Authentication Required): check the user and password`
        : `asks for credentials (407 Proxy Authentication Required): set ${proxy.variable} to http://USER:PASSWORD@${proxy.label}`
      : `refused to connect to ${target} (HTTP ${status}); if ${target.replace(/:\d+$/, '')} should be reached directly, add it to NO_PROXY`
  return new ProxyError(proxy.label, target, status, `proxy ${proxy.label} ${what}`)
}

/**
 * An https agent whose connections are TLS tunnels through a proxy: one CONNECT per connection, then
 * TLS end to end with the API host (certificate checked against the host's name, NODE_EXTRA_CA_CERTS
 * honoured). The agent pools the tunnels like any connection, so keep-alive and maxSockets hold.
 */
export class TunnelAgent extends https.Agent {
  /** After a 407 every later request fails the same way at once: the credentials will not change mid-run. */
  private refused?: ProxyError

  constructor(
    private readonly proxy: Proxy,
    private readonly connectTimeoutMs: number,
    options: https.AgentOptions,
  ) {
    super(options)
  }

  override createConnection(
    options: http.ClientRequestArgs & tls.ConnectionOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    const done = (err: Error | null, stream?: Duplex) => callback?.(err, stream as Duplex)
    if (this.refused) return void done(this.refused)
    const target = `${options.host ?? options.hostname}:${options.port ?? 443}`
    const proxy = this.proxy
    const request = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname,
      port: proxy.port,
      method: 'CONNECT',
      path: target,
      headers: {
        host: target,
        ...(proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {}),
      },
      agent: false,
      ...(proxy.protocol === 'https:' ? { servername: proxy.hostname } : {}),
    })
    const timer = setTimeout(() => {
      const message = `no answer to CONNECT ${target} within ${this.connectTimeoutMs} ms`
      request.destroy(Object.assign(new Error(message), { code: 'ETIMEDOUT' }))
    }, this.connectTimeoutMs)
    request.once('connect', (res: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      clearTimeout(timer)
      const status = res.statusCode ?? 0
      if (status !== 200) socket.destroy()
      // A gateway error is the proxy's trouble reaching the host, which may pass: retried like any network error.
      if (GATEWAY_ERRORS.has(status)) {
        const message = `proxy ${proxy.label} could not reach ${target} (HTTP ${status})`
        return done(Object.assign(new Error(message), { code: `EPROXY${status}` }))
      }
      if (status !== 200) {
        const refusal = proxyRefusal(proxy, target, status)
        if (refusal.status === 407) this.refused = refusal
        return done(refusal)
      }
      if (head.length) socket.unshift(head)
      // The agent's options (servername, ca, keep-alive) apply to the TLS session inside the tunnel.
      done(null, tls.connect({ ...options, socket }))
    })
    // A failure on the way to the proxy keeps its code (the transport retries it as any network error)
    // and says which proxy it was.
    request.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      e.message = `proxy ${proxy.label}: ${e.message}`
      done(e)
    })
    request.end()
    return undefined
  }
}
