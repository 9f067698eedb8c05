/**
 * What a self-hosted runner behind a corporate proxy sees, on loopback: a test CA made for the test,
 * TLS fronts that serve a local server (the simulator, the GitHub stand-in) under a host name with a
 * certificate of that CA, and a forward proxy that tunnels CONNECT for those host names to the fronts.
 * The host names need not resolve: the action only ever connects to the proxy.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import tls from 'node:tls'

export interface TestCa {
  /** PEM file of the CA certificate: what NODE_EXTRA_CA_CERTS points at. */
  caFile: string
  key: string
  cert: string
}

/** A CA and one server certificate for `names` (DNS names or IPv4 addresses), made with openssl. */
export function makeCa(names: string[]): TestCa {
  const dir = mkdtempSync(path.join(tmpdir(), 'ars-ca-'))
  const file = (name: string) => path.join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=ars test CA',
  )
  openssl('req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${names[0]}`)
  const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')
  writeFileSync(file('ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`)
  openssl(
    'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf',
  ) // prettier-ignore
  return {
    caFile: file('ca.pem'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
  }
}

export interface Listening {
  port: number
  close(): Promise<void>
}

function listen(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port))
  })
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  server.on('connection', (s: net.Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
}

/** Serves the plain-http server at `target` over TLS with the CA's certificate, on `host` (default loopback). */
export async function tlsFront(ca: TestCa, target: string, host = '127.0.0.1'): Promise<Listening> {
  const { hostname, port } = new URL(target)
  const server = tls.createServer({ key: ca.key, cert: ca.cert }, (socket) => {
    const upstream = net.connect(Number(port), hostname)
    socket.pipe(upstream).pipe(socket)
    socket.on('error', () => upstream.destroy())
    upstream.on('error', () => socket.destroy())
  })
  const close = closer(server, new Set())
  return { port: await listen(server, host), close }
}

export interface ForwardProxy extends Listening {
  /** `http://127.0.0.1:port`, without credentials. */
  url: string
  /** Every CONNECT, in arrival order: its target and the Proxy-Authorization it carried. */
  connects: { target: string; authorization?: string; status: number }[]
}

/**
 * A forward proxy: CONNECT to a name in `routes` (`host:port` → a local port) is tunnelled there;
 * with `credentials` (`user:password`), a CONNECT without them gets 407; any other target gets 403.
 */
export async function forwardProxy(
  routes: Record<string, number>,
  credentials?: string,
): Promise<ForwardProxy> {
  const connects: ForwardProxy['connects'] = []
  const server = http.createServer((_req, res) => res.writeHead(405).end())
  const expected = credentials && `Basic ${Buffer.from(credentials).toString('base64')}`
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const target = req.url ?? ''
    const authorization = req.headers['proxy-authorization']
    const answer = (status: number, text: string, extra = '') => {
      connects.push({ target, authorization, status })
      socket.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Content-Length: 0\r\n\r\n`)
    }
    socket.on('error', () => undefined)
    if (expected && authorization !== expected)
      return answer(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="test"\r\n')
    const port = routes[target]
    if (!port) return answer(403, 'Forbidden')
    connects.push({ target, authorization, status: 200 })
    const upstream = net.connect(port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      socket.pipe(upstream).pipe(socket)
    })
    upstream.on('error', () => socket.destroy())
  })
  const close = closer(server, new Set())
  const port = await listen(server, '127.0.0.1')
  return { port, url: `http://127.0.0.1:${port}`, connects, close }
}
