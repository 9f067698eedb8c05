import { lookup } from 'node:dns/promises'
import { hostname } from 'node:os'
import { beforeAll, describe, expect, it } from 'vitest'
import { startGitHubStub } from '../github/server.js'
import { puts, worlds, yaml } from './fixture.js'
import { MASK, NODES, printed, runAction, runCli } from './harness.js'
import { forwardProxy, makeCa, tlsFront, type TestCa } from './tunnel.js'

// A self-hosted runner behind a proxy: the API host names resolve nowhere, only the proxy knows them.
const API = 'acronis.test'
const GITHUB = 'github.test'
const USER = 'runner'
const PASSWORD = 'p@ss:w/rd%' // percent-encoded in the proxy URL, as curl and @actions/http-client read it
const PROXY_AUTH = `${USER}:${encodeURIComponent(PASSWORD)}`

/** The machine's own name, when it resolves to a loopback address: a host that is not loopback by name. */
async function localName(): Promise<{ name: string; address: string } | undefined> {
  const name = hostname()
  const found = await lookup(name, { family: 4 }).catch(() => undefined)
  return found && /^127\./.test(found.address) && !/^localhost$/i.test(name)
    ? { name, address: found.address }
    : undefined
}
const local = await localName()

let ca: TestCa
beforeAll(() => {
  ca = makeCa([API, GITHUB, 'localhost', '127.0.0.1', ...(local ? [local.name] : [])])
})

const servers = worlds()

/** The simulator behind TLS as https://acronis.test, a proxy that tunnels to it, the inputs to use both. */
async function setup(credentials: string | undefined = `${USER}:${PASSWORD}`) {
  const w = await servers.world()
  const front = servers.track(await tlsFront(ca, w.sim.url))
  const proxy = servers.track(await forwardProxy({ [`${API}:443`]: front.port }, credentials))
  const env = {
    HTTPS_PROXY: credentials ? `http://${PROXY_AUTH}@127.0.0.1:${proxy.port}` : proxy.url,
    NODE_EXTRA_CA_CERTS: ca.caFile,
  }
  const inputs = (extra: Record<string, string> = {}) => w.inputs({ 'base-url': `https://${API}`, ...extra })
  return { ...w, front, proxy, env, inputs }
}

const tunnelled = <T extends { status: number }>(connects: T[]) => connects.filter((c) => c.status === 200)
describe.each(NODES)('behind a proxy, $name', ({ bin: node }) => {
  it('tunnels every API call through CONNECT with TLS end to end, on kept-alive tunnels within the limit', async () => {
    const { sim, report, proxy, env, inputs } = await setup()
    const ids = Array.from({ length: 12 }, () => report({ parameters: { kind: 'usage_summary' } }).id)
    const r = await runAction({
      node,
      config: yaml(ids.map((id) => ({ id, kind: 'usage_daily' }))),
      inputs: inputs({ mode: 'apply', concurrency: '2' }),
      env,
    })
    expect(r.code, r.stdout).toBe(0)
    expect(puts(sim)).toHaveLength(12)
    // 26 requests (token, client, 12 GETs, 12 PUTs, the tenant's report list) over at most 2 tunnels.
    expect(sim.requests.length).toBeGreaterThan(20)
    const tunnels = tunnelled(proxy.connects)
    expect(tunnels.length).toBeGreaterThanOrEqual(1)
    expect(tunnels.length).toBeLessThanOrEqual(2)
    expect(sim.maxInFlight).toBeLessThanOrEqual(2)
    expect(new Set(proxy.connects.map((c) => c.target))).toEqual(new Set([`${API}:443`]))
    expect(sim.requests.every((q) => q.headers.host === API)).toBe(true)
    // Credentials percent-decoded into Proxy-Authorization, masked, and printed nowhere.
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64')
    expect(proxy.connects[0]!.authorization).toBe(`Basic ${basic}`)
    const masks = r.stdout.split('\n').filter((l) => l.startsWith(MASK))
    // (a workflow command escapes % as %25; the runner reads it back)
    expect(masks).toEqual(expect.arrayContaining([MASK + PASSWORD.replace(/%/g, '%25'), MASK + basic]))
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), basic])
      expect(printed(r).join('\n')).not.toContain(secret)
    // The proxy's credentials never reach the API.
    expect(JSON.stringify(sim.requests.map((q) => q.headers))).not.toContain(basic)
  })

  it('posts the plan comment to the GitHub API through the same proxy', async () => {
    const { report, front, env, inputs } = await setup(undefined)
    const gh = servers.track(await startGitHubStub())
    gh.addToken('ghs_proxiedCommentToken0123456789abcd', 'write')
    const ghFront = servers.track(await tlsFront(ca, gh.url))
    const both = servers.track(
      await forwardProxy({ [`${API}:443`]: front.port, [`${GITHUB}:443`]: ghFront.port }),
    )
    const rep = report({ parameters: { kind: 'usage_summary' } })
    const r = await runAction({
      node,
      config: yaml([{ id: rep.id, kind: 'usage_daily' }]),
      inputs: inputs({ mode: 'plan', 'github-token': 'ghs_proxiedCommentToken0123456789abcd' }),
      eventName: 'pull_request',
      event: {
        number: 3,
        pull_request: { number: 3, head: { sha: 'feedfacecafebeef0000000000000000deadbeef' } },
      },
      env: {
        ...env,
        HTTPS_PROXY: both.url,
        GITHUB_API_URL: `https://${GITHUB}`,
        GITHUB_REPOSITORY: 'acme/billing',
      },
    })
    expect(r.code, r.stdout).toBe(0)
    expect(r.stdout).toContain('plan comment created')
    expect(gh.comments('acme', 'billing', 3)).toHaveLength(1)
    expect(new Set(tunnelled(both.connects).map((c) => c.target))).toEqual(
      new Set([`${API}:443`, `${GITHUB}:443`]),
    )
  })

  it('fails fast and clearly on a wrong proxy password: one CONNECT, the proxy named, the password not', async () => {
    const { sim, report, proxy, inputs } = await setup()
    const wrong = `http://${USER}:wrong-${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy.port}`
    const r = await runAction({
      node,
      config: yaml([{ id: report().id }]),
      inputs: inputs({ mode: 'plan' }),
      env: { HTTPS_PROXY: wrong, NODE_EXTRA_CA_CERTS: ca.caFile },
    })
    expect(r.code).toBe(1)
    expect(proxy.connects.map((c) => c.status)).toEqual([407])
    expect(sim.requests).toHaveLength(0)
    expect(r.outputs['failure-reason']).toBe('network')
    const error = r.annotations.find((a) => a.level === 'error')!.message
    expect(error).toContain(`proxy 127.0.0.1:${proxy.port} refused the credentials in HTTPS_PROXY`)
    expect(error).toContain('407')
    expect(r.summary).toContain('407 Proxy Authentication Required')
    expect(printed(r).join('\n')).not.toContain('wrong-')
  })

  it('refuses a certificate it cannot trust once, and names NODE_EXTRA_CA_CERTS', async () => {
    const { sim, report, proxy, env, inputs } = await setup()
    const r = await runAction({
      node,
      config: yaml([{ id: report().id }]),
      inputs: inputs({ mode: 'plan' }),
      env: { HTTPS_PROXY: env.HTTPS_PROXY },
    })
    expect(r.code).toBe(1)
    expect(tunnelled(proxy.connects)).toHaveLength(1) // not retried: the next attempt meets the same certificate
    expect(sim.requests).toHaveLength(0)
    expect(r.outputs['failure-reason']).toBe('network')
    expect(r.summary).toContain(`the certificate of ${API} is not accepted`)
    expect(r.summary).toContain('NODE_EXTRA_CA_CERTS')
  })

  it('goes direct to loopback hosts, whatever the proxy variables say', async () => {
    const { sim, report, front, proxy, env, inputs } = await setup()
    const config = yaml([{ id: report().id }])
    const all = { ...env, HTTP_PROXY: proxy.url, http_proxy: proxy.url, https_proxy: env.HTTPS_PROXY }
    const plain = await runAction({
      node,
      config,
      inputs: inputs({ 'base-url': sim.url, mode: 'plan' }),
      env: all,
    })
    expect(plain.code, plain.stdout).toBe(0)
    const tls = await runAction({
      node,
      config,
      inputs: inputs({ 'base-url': `https://localhost:${front.port}`, mode: 'plan' }),
      env: all,
    })
    expect(tls.code, tls.stdout).toBe(0)
    expect(proxy.connects).toEqual([])
  })

  it.skipIf(!local)('goes direct to a host NO_PROXY names, and through the proxy without it', async () => {
    const { sim, report, proxy, env, inputs } = await setup()
    const front = servers.track(await tlsFront(ca, sim.url, local!.address))
    const config = yaml([{ id: report().id }])
    const base = { 'base-url': `https://${local!.name}:${front.port}`, mode: 'plan' }
    for (const noProxy of [local!.name, `example.com, ${local!.name.toUpperCase()}:${front.port}`, '*']) {
      const r = await runAction({ node, config, inputs: inputs(base), env: { ...env, NO_PROXY: noProxy } })
      expect(r.code, `${noProxy}: ${r.stdout}`).toBe(0)
    }
    expect(proxy.connects).toEqual([])
    // Without NO_PROXY the same host goes to the proxy, which does not know it.
    const proxied = await runAction({ node, config, inputs: inputs(base), env })
    expect(proxied.code).toBe(1)
    expect(proxy.connects.map((c) => [c.target, c.status])).toEqual([[`${local!.name}:${front.port}`, 403]])
    expect(proxied.summary).toContain('add it to NO_PROXY')
  })

  it('the command line goes through the proxy too', async () => {
    const { report, client, proxy, env } = await setup()
    const rep = report({ parameters: { kind: 'usage_summary' } })
    const r = await runCli(['plan'], {
      node,
      env: {
        ...env,
        ACRONIS_BASE_URL: `https://${API}`,
        ACRONIS_CLIENT_ID: client.clientId,
        ACRONIS_CLIENT_SECRET: client.secret,
      },
      files: { 'reports.yaml': yaml([{ id: rep.id, kind: 'usage_daily' }]) },
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('Plan: 1 to update')
    expect(tunnelled(proxy.connects).length).toBeGreaterThanOrEqual(1)
  })
})
