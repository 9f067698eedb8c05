import http from 'node:http'
import https from 'node:https'

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
export class NetworkError extends Error {
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
export class TimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`)
    this.name = 'TimeoutError'
  }
}

/** Keep-alive agents sized to the concurrency limit, so a run reuses a handful of connections. */
export function createAgents(maxSockets: number) {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets }),
    destroy() {
      this.http.destroy()
      this.https.destroy()
    },
  }
}
type Agents = ReturnType<typeof createAgents>

const MAX_BODY_BYTES = 8 * 1024 * 1024

export function exchange(req: Exchange, agents: Agents): Promise<Reply> {
  const secure = req.url.protocol === 'https:'
  const request = secure ? https.request : http.request
  return new Promise<Reply>((resolve, reject) => {
    // Plain options rather than the URL: node would otherwise convert the URL into options of a dozen
    // fields and copy them twice more, kilobytes per request that a 15,000-call run pays in garbage.
    const r = request({
      protocol: req.url.protocol,
      hostname: req.url.hostname.replace(/^\[(.*)\]$/, '$1'), // [::1] → ::1, as node wants it
      port: req.url.port,
      path: req.url.pathname + req.url.search,
      method: req.method,
      headers: req.headers,
      agent: secure ? agents.https : agents.http,
    })
    // One deadline for the whole exchange: a server that trickles bytes must not hold a slot forever.
    const timer = setTimeout(() => r.destroy(new TimeoutError(req.timeoutMs)), req.timeoutMs)
    r.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(ours(e, 'ENETWORK'))
    })
    r.on('response', (res) => {
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
        reject(ours(e, 'ECONNRESET'))
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
function ours(e: NodeJS.ErrnoException, fallback: string): Error {
  if (e instanceof NetworkError || e instanceof TimeoutError) return e
  return new NetworkError(e.code ?? fallback, e.message, { cause: e })
}
