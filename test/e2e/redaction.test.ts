import { describe, expect, it } from 'vitest'
import { worlds, yaml } from './fixture.js'
import { MASK, printed, RUNNER_NODE, runAction, runCli, type RunResult } from './harness.js'

// Issue 18 §3: a secret is redacted before anything is cut, in every form, at any length, and a run
// that throws still writes its summary and outputs. Through the bundle, as the runner runs it.

const servers = worlds()

/** A token of `n` characters, JWT-looking: three base64url parts. */
function jwt(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const chars: string[] = []
  for (let i = 0; chars.length < n - 4; i++) chars.push(alphabet[(i * 7919 + (i >> 5)) % 64]!)
  const body = chars.join('')
  return `eyJ${body.slice(0, 20)}.${body.slice(20)}`
}

/** Every place a person or a tool reads after the run holds no piece of `secret` this long or longer. */
function expectNowhere(r: RunResult, secret: string, piece = 12) {
  for (const text of printed(r)) {
    for (let i = 0; i + piece <= secret.length; i += piece)
      expect(text).not.toContain(secret.slice(i, i + piece))
  }
}

describe.each(RUNNER_NODE)('redaction before any cut, $name', ({ bin: node }) => {
  it('never shows a prefix of the client secret that a report answer echoes after 53 characters', async () => {
    const { sim, client, report, inputs } = await servers.world()
    const rep = report()
    sim.inject({
      method: 'GET',
      path: '/reports/*',
      times: Infinity,
      reply: (r: object) => ({ ...r, version: `${'x'.repeat(53)}${client.secret}` }),
    })
    const r = await runAction({ node, config: yaml([{ id: rep.id, kind: 'usage_daily' }]), inputs: inputs() })
    expect(r.code).toBe(1)
    expect(r.outputs['failure-reason']).toBe('failed-reports')
    const [entry] = JSON.parse(r.outputs.plan!) as { error: string }[]
    expect(entry!.error).toContain('version is "xxxxx')
    expect(entry!.error).toContain('***')
    expectNowhere(r, client.secret, 6)
  })

  it('never shows a prefix of the access token that a report answer echoes', async () => {
    const { sim, report, inputs } = await servers.world()
    const rep = report()
    const bearer = () => sim.requests.findLast((q) => q.headers.authorization?.startsWith('Bearer '))
    sim.inject({
      method: 'GET',
      path: '/reports/*',
      times: Infinity,
      reply: (r: object) => ({ ...r, version: `${'x'.repeat(40)} ${bearer()!.headers.authorization}` }),
    })
    const r = await runAction({ node, config: yaml([{ id: rep.id, kind: 'usage_daily' }]), inputs: inputs() })
    expect(r.outputs['failure-reason']).toBe('failed-reports')
    const token = bearer()!.headers.authorization!.slice('Bearer '.length)
    expect(r.summary).toContain(`version is "${'x'.repeat(40)} Bearer ***"`)
    expectNowhere(r, token, 8)
  })

  it('never shows a long JWT that the token endpoint echoes into another field', async () => {
    const { sim, report, inputs } = await servers.world()
    const token = jwt(400)
    sim.inject({
      path: '/idp/token',
      reply: (t: object) => ({ ...t, access_token: token, expires_in: `Bearer ${token}` }),
    })
    const r = await runAction({ node, config: yaml([{ id: report().id }]), inputs: inputs() })
    expect(r.code).toBe(1)
    expect(r.summary).toContain('expires_in is "Bearer ***"')
    expectNowhere(r, token, 8)
  })

  it('hides a client secret with " and \\ in it, also in its JSON-escaped form', async () => {
    const { sim, tenant, report, inputs } = await servers.world()
    const secret = 'k3y"with\\quote-and-backslash'
    const c = sim.addClient({ tenantId: tenant.id, secret })
    sim.inject({
      method: 'GET',
      path: '/reports/*',
      times: Infinity,
      reply: (r: object) => ({ ...r, version: secret }),
    })
    const r = await runAction({
      node,
      config: yaml([{ id: report().id, kind: 'usage_daily' }]),
      inputs: inputs({ 'client-id': c.clientId, 'client-secret': secret }),
    })
    expect(r.outputs['failure-reason']).toBe('failed-reports')
    expect(r.summary).toContain('version is "***"')
    expectNowhere(r, JSON.stringify(secret).slice(1, -1), 6)
    expectNowhere(r, secret, 6)
  })

  it.each([28_000, 1_000_000])(
    'runs with an access token of %i characters: no crash, the summary and outputs written, the token never shown',
    async (n) => {
      const { sim, report, inputs } = await servers.world()
      const token = jwt(n)
      sim.inject({ path: '/idp/token', reply: (t: object) => ({ ...t, access_token: token }) })
      const r = await runAction({ node, config: yaml([{ id: report().id }]), inputs: inputs() })
      expect(r.code).toBe(1)
      expect(r.stderr).not.toMatch(/Invalid regular expression|^\s+at /m)
      expect(r.outputs['failure-reason']).toBe('failed-reports')
      expect(r.summary).toContain('**1** failed')
      expect(r.stdout.split('\n').filter((l) => l.startsWith(MASK)).length).toBeGreaterThan(3)
      expectNowhere(r, token, 64)
    },
  )
})

describe('a run that throws while showing its failure', () => {
  it('still sets failure-reason and fails the step with a message, without a stack trace', async () => {
    const { report, inputs } = await servers.world()
    const r = await runAction({
      node: RUNNER_NODE[0]!.bin, // in a process of its own: in this one, core.summary keeps the file it first used
      config: yaml([{ id: report().id, kind: 'bogus-kind' }]),
      inputs: inputs(),
      // The job summary cannot be written: the summary of a config error throws, then its fallback.
      env: { GITHUB_STEP_SUMMARY: '/' },
    })
    expect(r.code).toBe(1)
    expect(r.outputs['failure-reason']).toBe('config')
    expect(r.stdout).toMatch(
      /^::error::1 configuration error in reports\.yaml; nothing was sent to the API; showing it in full failed too \(Error\)$/m,
    )
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m)
  })
})

describe('the command line redacts what it refuses', () => {
  it('prints no secret from a rejected --base-url', async () => {
    const secret = 'cli-secret-0f1e2d3c4b5a6978'
    const env = { ACRONIS_CLIENT_ID: 'c1', ACRONIS_CLIENT_SECRET: secret }
    for (const url of [`https://eu2-cloud.acronis.com/?secret=${secret}`, `ftp://host/${secret}`]) {
      const r = await runCli(['plan', '--base-url', url], {
        env,
        files: { 'reports.yaml': 'reports: []\n' },
      })
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr).toMatch(/^acronis-report-sync: --base-url "/)
      expect(r.stderr).not.toContain(secret)
      expect(r.stderr).toContain('***')
    }
  })
})

describe('the terminal is data-safe (issue 18 §4)', () => {
  const HOSTILE = '\x1b]0;owned\x07\x1b[2K\x1b[32mPlan: 0 to update, all good'
  const raw = /[\x00-\x08\x0b-\x1f\x7f]/ // eslint-disable-line no-control-regex -- what must not reach a terminal

  it.each(['plan', 'pull', 'export'])('escapes what the token endpoint says, for %s', async (command) => {
    const { sim, report, env } = await servers.world()
    const rep = report()
    sim.inject({
      path: '/idp/token',
      status: 401,
      body: { error: 'invalid_client', error_description: HOSTILE },
    })
    const r = await runCli([command], { env, files: { 'reports.yaml': yaml([{ id: rep.id }]) } })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('\\x1b]0;owned\\x07\\x1b[2K\\x1b[32mPlan: 0 to update')
    expect(r.stderr).not.toMatch(raw)
    expect(r.stdout).not.toMatch(raw)
  })

  it('escapes what a report answer says, in plan and export', async () => {
    const { sim, report, env } = await servers.world()
    const rep = report()
    const body = { error: { code: 'x', message: HOSTILE } }
    sim.inject({ method: 'GET', path: '/reports/*', status: 400, times: Infinity, body })
    const files = { 'reports.yaml': yaml([{ id: rep.id }]) }
    for (const command of ['plan', 'export']) {
      const r = await runCli([command], { env, files })
      expect(r.code, command).toBe(1)
      expect(r.stderr, command).toContain('\\x1b]0;owned\\x07')
      expect(r.stderr, command).not.toMatch(raw)
      expect(r.stdout, command).not.toMatch(raw)
    }
  })
})
