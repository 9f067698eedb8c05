import http from 'node:http'
import https from 'node:https'
import { TransportError } from './errors.js'
import { proxyFor, proxyRefusal, ProxyError, TunnelAgent, unbracketed, type Proxy } from './proxy.js'

/** One HTTP exchange, without retries: the client above decides what to do with failures. */
interface Exchange {
  method: string
  url: URL
  headers: Record<string, string>
  body?: string
  timeoutMs: number
}

export interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** A failure below HTTP (reset, refused, DNS): `code` is the system's (ECONNRESET), `cause` the original error. */
export class NetworkError extends TransportError {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'NetworkError'
  }
}

/** No complete response within the per-request deadline: the server may still have acted on it. */
export class TimeoutError extends TransportError {
  /** The system's name for a timeout, so every failure without a response reads the same way. */
  readonly code = 'ETIMEDOUT'

  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`)
    this.name = 'TimeoutError'
  }
}

/**
 * The server's certificate is not trusted, or not for this host: final, as every retry meets the same
 * certificate. The message says what to do when a TLS-inspecting proxy re-signs traffic.
 */
export class CertificateError extends TransportError {
  constructor(
    readonly code: string,
    readonly host: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'CertificateError'
  }
}

/** Node's codes for a certificate chain it cannot trust: a private CA fixes them. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
])
const CERTIFICATE = new Set([
  ...UNTRUSTED,
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/** How one origin is reached: directly, or through the proxy the environment names for it. */
interface Route {
  agent: http.Agent
  proxy?: Proxy
}

/**
 * Keep-alive agents sized to the concurrency limit, so a run reuses a handful of connections; through a
 * proxy (https_proxy, http_proxy, no_proxy as @actions/http-client reads them) the agent keeps tunnels alive.
 */
export function createAgents(maxSockets: number, connectTimeoutMs = 30_000) {
  const options = { keepAlive: true, maxSockets }
  const direct = { http: new http.Agent(options), https: new https.Agent(options) }
  const proxied = new Map<string, http.Agent>()
  const routes = new Map<string, Route>()
  return {
    /** The route of a URL's origin, decided once per origin. */
    route(url: URL): Route {
      let route = routes.get(url.origin)
      if (route) return route
      const secure = url.protocol === 'https:'
      const proxy = proxyFor(url)
      if (!proxy) route = { agent: secure ? direct.https : direct.http }
      else {
        const key = `${url.protocol}${proxy.protocol}//${proxy.label} ${proxy.authorization ?? ''}`
        let agent = proxied.get(key)
        if (!agent) {
          // https: TLS tunnels through CONNECT; http: requests to the proxy itself, which keeps them alive.
          agent = secure
            ? new TunnelAgent(proxy, connectTimeoutMs, options)
            : new (proxy.protocol === 'https:' ? https : http).Agent(options)
          proxied.set(key, agent)
        }
        route = { agent, proxy }
      }
      routes.set(url.origin, route)
      return route
    },
    destroy() {
      direct.http.destroy()
      direct.https.destroy()
      for (const agent of proxied.values()) agent.destroy()
    },
  }
}
type Agents = ReturnType<typeof createAgents>

const MAX_BODY_BYTES = 8 * 1024 * 1024

export function exchange(req: Exchange, agents: Agents): Promise<Reply> {
  const { agent, proxy } = agents.route(req.url)
  // Plain http through a proxy is a request to the proxy for the whole URL; https goes through a tunnel.
  const toProxy = proxy && req.url.protocol === 'http:' ? proxy : undefined
  const secure = toProxy ? toProxy.protocol === 'https:' : req.url.protocol === 'https:'
  const request = secure ? https.request : http.request
  return new Promise<Reply>((resolve, reject) => {
    // Plain options rather than the URL: node would otherwise convert the URL into options of a dozen
    // fields and copy them twice more, kilobytes per request that a 15,000-call run pays in garbage.
    const r = request(
      toProxy
        ? {
            hostname: toProxy.hostname,
            port: toProxy.port,
            path: req.url.href,
            method: req.method,
            headers: {
              ...req.headers,
              host: req.url.host,
              ...(toProxy.authorization ? { 'proxy-authorization': toProxy.authorization } : {}),
            },
            agent,
          }
        : {
            protocol: req.url.protocol,
            hostname: unbracketed(req.url.hostname),
            port: req.url.port,
            path: req.url.pathname + req.url.search,
            method: req.method,
            headers: req.headers,
            agent,
          },
    )
    // One deadline for the whole exchange: a server that trickles bytes must not hold a slot forever.
    const timer = setTimeout(() => r.destroy(new TimeoutError(req.timeoutMs)), req.timeoutMs)
    r.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(ours(e, 'ENETWORK', req.url))
    })
    r.on('response', (res) => {
      if (toProxy && res.statusCode === 407) {
        res.resume()
        clearTimeout(timer)
        return reject(proxyRefusal(toProxy, req.url.host, 407))
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_BODY_BYTES)
          r.destroy(new NetworkError('EBODYTOOLARGE', `response over ${MAX_BODY_BYTES} bytes`))
        else chunks.push(c)
      })
      res.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        reject(ours(e, 'ECONNRESET', req.url))
      })
      res.on('end', () => {
        clearTimeout(timer)
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        })
      })
    })
    r.end(req.body)
  })
}

/** Node's error as one of ours, the original kept as the cause; ours (a timeout, a body too large) pass as they are. */
function ours(e: NodeJS.ErrnoException, fallback: string, url: URL): Error {
  if (e instanceof NetworkError || e instanceof TimeoutError || e instanceof ProxyError) return e
  const code = e.code ?? fallback
  if (CERTIFICATE.has(code)) {
    const hint = UNTRUSTED.has(code)
      ? '; if a proxy inspects TLS, set NODE_EXTRA_CA_CERTS to a PEM file with its CA certificate'
      : ''
    const message = `the certificate of ${url.host} is not accepted (${code}: ${e.message})${hint}`
    return new CertificateError(code, url.host, message, { cause: e })
  }
  return new NetworkError(code, e.message, { cause: e })
}
