import { describe, expect, it } from 'vitest'
import { MAX_CONFIG_BYTES } from '../../src/config/load.js'
import type { LiveReport } from '../../src/acronis/types.js'
import type { PlanEntry } from '../../src/report/outputs.js'
import { startGitHubStub } from '../github/server.js'
import { startSimulator, type Simulator } from '../simulator/index.js'
import { worlds, yaml } from './fixture.js'
import { IN_PROCESS, MASK, printed, RUNNER_NODE, runAction, type RunResult } from './harness.js'

const servers = worlds()
async function setup() {
  const w = await servers.world()
  const drifted = () => w.report({ parameters: { kind: 'usage_summary' } })
  return { ...w, drifted }
}

const want = (r: LiveReport) => ({ id: r.id, kind: 'usage_daily' })
const plan = (r: RunResult) => new Map((JSON.parse(r.outputs.plan!) as PlanEntry[]).map((e) => [e.id, e]))
const lines = (r: RunResult) => r.stdout.split('\n')
/** `[file-too-large]` at the end of a config annotation: the stable code, not the message. */
const codeOf = (message: string) => /\[([a-z-]+)\]$/.exec(message)?.[1]

describe.each(IN_PROCESS)('secrets and bad input, $name', ({ bin: node }) => {
  it('masks the client secret, the GitHub token and the access token first, and prints none of them', async () => {
    const { sim, inputs, drifted, client } = await setup()
    const gh = await startGitHubStub()
    servers.track(gh)
    const githubToken = 'ghs_theGitHubTokenOfThisRun0123456789ab'
    gh.addToken(githubToken, 'write')
    const missing = { id: '11111111-2222-4333-8444-555555555555' } as LiveReport
    const r = await runAction({
      node,
      config: yaml([want(drifted()), want(missing)]),
      inputs: inputs({ 'github-token': githubToken }),
      eventName: 'pull_request',
      event: {
        number: 7,
        pull_request: { number: 7, head: { sha: 'feedfacecafebeef0000000000000000deadbeef' } },
      },
      env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/billing' },
    })
    expect(r.code).toBe(1) // the missing report
    const bearer = sim.requests.find((q) => q.headers.authorization?.startsWith('Bearer '))!
    const accessToken = bearer.headers.authorization!.slice('Bearer '.length)
    const basic = sim.requests[0]!.headers.authorization!.slice('Basic '.length)
    const comments = gh.comments('acme', 'billing', 7).map((c) => c.body)
    expect(comments).toHaveLength(1)

    // The inputs' secrets are masked before any other line; the derived ones before any result is shown.
    const out = lines(r)
    const firstOther = out.findIndex((l) => !l.startsWith(MASK))
    for (const s of [client.secret, githubToken]) {
      expect(out.indexOf(MASK + s), s).toBeGreaterThanOrEqual(0)
      expect(out.indexOf(MASK + s)).toBeLessThan(firstOther)
    }
    const firstResult = out.findIndex((l) => /^(::error|::warning|plan:|failed|would-update)/.test(l))
    for (const s of [basic, accessToken]) {
      expect(out.indexOf(MASK + s), s).toBeGreaterThanOrEqual(0)
      expect(out.indexOf(MASK + s)).toBeLessThan(firstResult)
    }
    for (const text of printed(r, ...comments)) {
      for (const s of [client.secret, githubToken, accessToken, basic]) expect(text).not.toContain(s)
    }
    // Each credential went only where it belongs.
    const toGitHub = JSON.stringify(gh.requests.map((q) => q.headers))
    for (const s of [client.secret, accessToken, basic]) expect(toGitHub).not.toContain(s)
    expect(JSON.stringify(sim.requests.map((q) => [q.headers, q.body]))).not.toContain(githubToken)
  })

  it('fails a wrong client secret with invalid_client after one request, without printing the secret', async () => {
    const { sim, inputs, drifted } = await setup()
    const wrong = 'not-the-secret-9f8e7d6c5b4a'
    const r = await runAction({
      node,
      config: yaml([want(drifted())]),
      inputs: inputs({ 'client-secret': wrong, mode: 'apply' }),
    })
    expect(r.code).toBe(1)
    expect(sim.requests.map((q) => [q.path, q.status])).toEqual([['/api/2/idp/token', 401]])
    expect(lines(r)[0]).toBe(MASK + wrong)
    expect(r.stdout).toMatch(/^::error::POST \/idp\/token → 401 invalid_client: /m)
    const basic = sim.requests[0]!.headers.authorization!.slice('Basic '.length)
    for (const text of printed(r)) {
      expect(text).not.toContain(wrong)
      expect(text).not.toContain(basic)
    }
  })

  it('keeps the secret and the token out of errors that echo them back', async () => {
    const { sim, inputs, drifted, client } = await setup()
    sim.inject({
      path: '/idp/token',
      status: 401,
      body: { error: 'invalid_client', error_description: `client secret ${client.secret} was revoked` },
    })
    const denied = await runAction({
      node,
      config: yaml([want(drifted())]),
      inputs: inputs({ mode: 'apply' }),
    })
    expect(denied.code).toBe(1)
    expect(denied.stdout).toMatch(/^::error::POST \/idp\/token → 401 invalid_client: client secret \*\*\*/m)
    for (const text of printed(denied)) expect(text).not.toContain(client.secret)

    const token = sim.issueToken()
    const rep = drifted()
    const body = { error: { code: 403, message: `token ${token} may not read this report` } }
    sim.inject({ method: 'GET', path: `/reports/${rep.id}`, status: 403, body })
    const r = await runAction({
      node,
      config: yaml([want(rep)]),
      inputs: { 'base-url': sim.url, token, mode: 'apply' },
    })
    expect(r.code).toBe(1)
    expect(lines(r)[0]).toBe(MASK + token)
    expect(plan(r).get(rep.id)!.error).toMatch(/→ 403: token \*\*\* may not/)
    for (const text of printed(r)) expect(text).not.toContain(token)
  })

  it('refuses a base-url that is not https (except on loopback) before any request', async () => {
    const { sim, inputs, report } = await setup()
    const config = yaml([{ id: report().id }])
    const port = new URL(sim.url).port
    const refused: [string, RegExp][] = [
      [`http://0.0.0.0:${port}`, /must use https/],
      ['http://10.0.0.8:8080', /must use https/],
      [`http://127.0.0.1.nip.io:${port}`, /must use https/],
      [`http://localhost.example.com:${port}`, /must use https/],
      [`ftp://127.0.0.1:${port}`, /must use https/],
      ['javascript:alert(1)', /must use https/],
      ['eu2-cloud.acronis.com', /is not a URL/],
      ['https://user:pass@eu2-cloud.acronis.com', /must not contain credentials/],
      ['https://eu2-cloud.acronis.com/?region=eu2', /must not have a query/],
    ]
    const runs = await Promise.all(
      refused.map(([url]) => runAction({ node, config, inputs: inputs({ 'base-url': url, mode: 'apply' }) })),
    )
    runs.forEach((r, i) => {
      const [url, reason] = refused[i]!
      expect(r.code, url).toBe(1)
      const errors = r.annotations.filter((a) => a.level === 'error')
      expect(errors, url).toHaveLength(1)
      expect(errors[0]!.message, url).toMatch(/^base-url/)
      expect(errors[0]!.message, url).toMatch(reason)
    })
    expect(sim.requests).toHaveLength(0)

    const accepted = [`http://127.0.0.1:${port}/`, `http://localhost:${port}`, `${sim.url}/api/2/`]
    for (const url of accepted) {
      const r = await runAction({ node, config, inputs: inputs({ 'base-url': url, mode: 'plan' }) })
      expect(r.code, `${url}\n${r.stdout}`).toBe(0)
    }
  })

  it('never follows a redirect off the API host: the Authorization header stays home', async () => {
    const { sim, inputs, drifted } = await setup()
    const other: Simulator = await startSimulator()
    servers.track(other)
    const elsewhere = `http://localhost:${new URL(other.url).port}`

    // The token request carries the client secret: refused, and the run stops there.
    sim.inject({ path: '/idp/token', redirectTo: `${elsewhere}/api/2/idp/token` })
    const [a, b, c] = [drifted(), drifted(), drifted()]
    const config = yaml([a, b, c].map(want))
    const auth = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
    expect(auth.code).toBe(1)
    expect(auth.stdout).toMatch(/^::error::POST \/idp\/token → no response redirect_refused: /m)

    sim.inject({ method: 'GET', path: `/reports/${a.id}`, redirectTo: `${elsewhere}/api/2/reports/${a.id}` })
    sim.inject({ method: 'PUT', path: `/reports/${b.id}`, redirectTo: `${elsewhere}/api/2/reports/${b.id}` })
    const r = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ changed: '1', failed: '2' })
    for (const x of [a, b]) expect(plan(r).get(x.id)!.error).toContain('redirect_refused')
    expect(other.requests).toHaveLength(0)
    expect(sim.getReport(b.id)!.parameters.kind).toBe('usage_summary')
    expect(sim.getReport(c.id)!.parameters.kind).toBe('usage_daily')
  })

  it('refuses a reports.yaml over the size limit, with an annotation and no API request', async () => {
    const { sim, inputs, report } = await setup()
    const entry = `  - id: ${report().id}\n`
    const config = `reports:\n${entry}${'#'.repeat(MAX_CONFIG_BYTES)}\n`
    const r = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    const errors = r.annotations.filter((a) => a.props.file === 'reports.yaml')
    expect(errors.map((a) => [codeOf(a.message), a.props.line])).toEqual([['file-too-large', '1']])
    expect(sim.requests).toHaveLength(0)
  })

  it('stops a YAML alias bomb quickly, with an annotation and no API request', async () => {
    const { sim, inputs } = await setup()
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 10; i++) {
      const [p, c] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)]
      bomb.push(`${c}: &${c} [${Array(9).fill(`*${p}`).join(',')}]`)
    }
    // The bundle, in a process of its own: a bomb that went off would block this one, where the hang
    // guard can kill that one.
    const r = await runAction({
      node: RUNNER_NODE[0]!.bin,
      config: [...bomb, 'reports: []'].join('\n'),
      inputs: inputs({ mode: 'apply' }),
      timeoutMs: 10_000,
    })
    expect(r.code).toBe(1)
    const errors = r.annotations.filter((a) => a.props.file === 'reports.yaml')
    expect(errors.map((a) => codeOf(a.message))).toEqual(['alias-limit'])
    // A billion laughs expanded would not finish at all: the hang guard above would kill it (code null).
    expect(sim.requests).toHaveLength(0)
  })

  it('treats __proto__ and constructor as unknown keys, at their lines, with no API request', async () => {
    const { sim, inputs, report } = await setup()
    const id = report().id
    const config = [
      '__proto__: {polluted: true}',
      'reports:',
      `  - id: ${id}`,
      '    __proto__: {kind: usage_daily}',
      '    constructor: {prototype: {polluted: true}}',
      '',
    ].join('\n')
    const r = await runAction({ node, config, inputs: inputs({ mode: 'apply' }) })
    expect(r.code).toBe(1)
    const errors = r.annotations.filter((a) => a.props.file === 'reports.yaml')
    expect(errors.map((a) => [codeOf(a.message), a.props.line])).toEqual([
      ['unknown-key', '1'],
      ['unknown-key', '4'],
      ['unknown-key', '5'],
    ])
    expect(sim.requests).toHaveLength(0)
  })

  it('shows API errors by their code and message, trimmed, and never dumps a raw body', async () => {
    const { sim, inputs, drifted } = await setup()
    const [html, long, busy] = [drifted(), drifted(), drifted()]
    const page = `<html><body><script>alert("PROXY-PAGE")</script>${'<p>filler</p>'.repeat(5000)}</body></html>`
    sim.inject({ method: 'GET', path: `/reports/${html.id}`, status: 400, body: page })
    const message = `Report is locked\n::warning::injected\n${'because '.repeat(500)}`
    sim.inject({
      method: 'GET',
      path: `/reports/${long.id}`,
      status: 409,
      body: { error: { code: 'E_LOCKED', domain: 'PlatformAccountServer', message } },
    })
    sim.inject({
      method: 'PUT',
      path: `/reports/${busy.id}`,
      status: 503,
      retryAfter: 0,
      body: page,
      times: 9,
    })
    const r = await runAction({
      node,
      config: yaml([html, long, busy].map(want)),
      inputs: inputs({ mode: 'apply' }),
    })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ failed: '3' })
    const errors = [html, long, busy].map((x) => plan(r).get(x.id)!.error!)
    expect(errors.map((e) => /→ (\d{3})/.exec(e)?.[1])).toEqual(['400', '409', '503'])
    expect(errors[1]).toMatch(/→ 409 E_LOCKED: Report is locked ::warning::injected because/)
    for (const e of errors) expect(e.length).toBeLessThan(400)
    for (const text of printed(r)) {
      expect(text).not.toContain('PROXY-PAGE')
      expect(text).not.toContain('<p>filler')
    }
    // A message cannot start a workflow command of its own.
    expect(lines(r).filter((l) => l.startsWith('::warning::injected'))).toHaveLength(0)
  })
})
