import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { USER_A, USER_B, planOf, worlds, puts } from './fixture.js'
import { runAction, runCli as cli } from './harness.js'

const servers = worlds()

/** A hand-written file: comments, the spaces before them, quotes, blank lines, flow and block lists, names. */
function handWritten(ids: string[]) {
  return `# yaml-language-server: $schema=./schema/reports.schema.json
version: 1   # the only version

reports:
  # Partner billing
  - id: ${ids[0]}   # monthly partner usage
    name: "Partner usage"
    kind: 'usage_summary'    # what the partner sees
    level: accounts
    recipients:   # billing team
      - alice # the controller
      - bob     # leaves in May
    enabled: true
    hide_zero_usage: true

  - id: ${ids[1]}
    recipients: [bob]
    show_skus: false

  - {"id": "${ids[2]}", "enabled": true}
  - id: ${ids[3]}
    level: accounts   # untouched
`
}

async function read(cwd: string, file = 'reports.yaml') {
  return readFile(path.join(cwd, file), 'utf8')
}

describe('pull', () => {
  it('leaves a file without drift byte for byte, and sends no write', async () => {
    const { sim, report, env } = await servers.world()
    const ids = [
      report({ recipients: [USER_A, USER_B] }).id,
      report({ recipients: [USER_B] }).id,
      report().id,
      report().id,
    ]
    const files = { 'reports.yaml': handWritten(ids) }
    const first = await cli(['pull'], { env, files })
    expect(first.code, first.stderr).toBe(0)
    const before = await stat(path.join(first.cwd, 'reports.yaml'))
    expect(first.stdout).toBe('')
    expect(first.stderr).toContain('Pull: 0 pulled, 4 unchanged, 0 failed (4 declared in reports.yaml)')
    expect(first.stderr).toContain('reports.yaml left as it was')
    expect(await read(first.cwd)).toBe(files['reports.yaml'])
    expect((await stat(path.join(first.cwd, 'reports.yaml'))).mtimeMs).toBe(before.mtimeMs)
    const check = await cli(['pull', '--check'], { env, cwd: first.cwd })
    expect(check.code).toBe(0)
    expect(puts(sim)).toHaveLength(0)
  })

  it('writes only the drifted values, keeps names and layout, and plan then shows zero changes', async () => {
    const { sim, tenant, report, env } = await servers.world()
    const carol = sim.addUser({ login: 'carol', tenantId: tenant.id })
    const r = [report({ recipients: [USER_A, USER_B] }), report({ recipients: [USER_B] }), report(), report()]
    const text = handWritten(r.map((x) => x.id))
    // Changed in the console: the file is what is stale now.
    sim.patchReport(r[0]!.id, {
      recipients: [USER_A, carol.id],
      parameters: { kind: 'usage_current', hide_zero_usage: false },
    })
    sim.patchReport(r[1]!.id, { recipients: [USER_B, USER_A], parameters: { show_skus: true } })
    sim.patchReport(r[2]!.id, { schedule: { type: 'monthly', enabled: false } })
    sim.patchReport(r[3]!.id, { parameters: { kind: 'usage_daily' } }) // unmanaged: stays out of the file
    sim.clearLog()

    const check = await cli(['pull', '--check'], { env, files: { 'reports.yaml': text } })
    expect(check.code, check.stderr).toBe(2)
    expect(await read(check.cwd)).toBe(text)
    expect(check.stderr).toContain('nothing written')

    const pulled = await cli(['pull'], { env, cwd: check.cwd })
    expect(pulled.code, pulled.stderr).toBe(0)
    expect(pulled.stdout).toBe(check.stdout)
    const after = await read(pulled.cwd)
    expect(after).toBe(
      text
        .replace("kind: 'usage_summary'    #", "kind: 'usage_current'    #")
        .replace('      - bob     # leaves in May\n', `      - ${carol.id}\n`)
        .replace('hide_zero_usage: true', 'hide_zero_usage: false')
        .replace('recipients: [bob]', 'recipients: [bob, alice]'.replace('alice', USER_A))
        .replace('show_skus: false', 'show_skus: true')
        .replace(`"enabled": true}`, `"enabled": false}`),
    )
    // The diff on stdout is the change, line by line.
    expect(pulled.stdout).toContain(
      "-    kind: 'usage_summary'    # what the partner sees\n+    kind: 'usage_current'    # what the partner sees\n",
    )
    expect(pulled.stdout).toContain(`-      - bob     # leaves in May\n+      - ${carol.id}\n`)
    expect(pulled.stderr).toContain(
      'Pull: 3 pulled, 1 unchanged, 0 failed (4 declared in reports.yaml): reports.yaml written',
    )
    expect(puts(sim)).toHaveLength(0)

    const plan = await cli(['plan', '--detailed-exitcode'], { env, cwd: pulled.cwd })
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    expect(plan.stdout).toContain('Plan: 0 to update, 4 unchanged, 0 failed')
    const again = await cli(['pull', '--check'], { env, cwd: pulled.cwd })
    expect(again.code).toBe(0)
    expect(again.stdout).toBe('')
    expect(sim.requests.filter((q) => q.method !== 'GET' && !q.path.endsWith('/idp/token'))).toEqual([])
  })

  it('writes added recipients by login with --by-login', async () => {
    const { sim, report, env } = await servers.world()
    const r = report({ recipients: [USER_A, USER_B] })
    const files = { 'reports.yaml': `reports:\n  - id: ${r.id}\n    recipients: [alice]\n` }
    const pulled = await cli(['pull', '--by-login'], { env, files })
    expect(pulled.code, pulled.stderr).toBe(0)
    expect(await read(pulled.cwd)).toBe(`reports:\n  - id: ${r.id}\n    recipients: [alice, bob]\n`)
    expect(puts(sim)).toHaveLength(0)
  })

  it('keeps CRLF line endings, and a byte order mark', async () => {
    const { report, sim, env } = await servers.world()
    const r = [report({ recipients: [USER_A, USER_B] }), report({ recipients: [USER_B] }), report(), report()]
    const text = '\ufeff' + handWritten(r.map((x) => x.id)).replace(/\n/g, '\r\n')
    sim.patchReport(r[0]!.id, { recipients: [USER_A], parameters: { level: 'itself' } })
    sim.patchReport(r[1]!.id, { recipients: [USER_B, USER_A] })
    const pulled = await cli(['pull'], { env, files: { 'reports.yaml': text } })
    expect(pulled.code, pulled.stderr).toBe(0)
    const after = await read(pulled.cwd)
    expect(after).not.toMatch(/[^\r]\n/)
    expect(after).toBe(
      text
        .replace('    level: accounts\r\n    recipients:', '    level: itself\r\n    recipients:')
        .replace('      - bob     # leaves in May\r\n', '')
        .replace('recipients: [bob]', `recipients: [bob, ${USER_A}]`),
    )
  })

  it('lists the live values the file cannot hold, leaves them, and plan then shows only those', async () => {
    const { sim, tenant, report, env } = await servers.world()
    sim.addUser({ login: 'bob2', email: 'bob@example.com', tenantId: tenant.id }) // bob's email is now ambiguous
    const future = report()
    const flagless = report()
    const save = report({ result_action: 'save', recipients: [USER_A] })
    const named = report({ recipients: [USER_B, USER_A] })
    const text =
      `reports:\n  - id: ${future.id}\n    kind: usage_summary\n  - id: ${flagless.id}\n    hide_zero_usage: true\n` +
      `  - id: ${save.id}\n    recipients: [alice]\n  - id: ${named.id}\n    recipients:\n      - bob@example.com # Bob\n      - alice\n`
    sim.patchReport(future.id, { parameters: { kind: 'usage_forecast' as never } })
    sim.patchReport(flagless.id, { parameters: { hide_zero_usage: undefined } })
    sim.patchReport(save.id, { recipients: [USER_B] })

    const pulled = await cli(['pull'], { env, files: { 'reports.yaml': text } })
    expect(pulled.code, pulled.stderr).toBe(0)
    expect(await read(pulled.cwd)).toBe(text.replace('bob@example.com # Bob', `${USER_B} # Bob`))
    const listed = pulled.stderr.split('\n')
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^reports\\.yaml:2:9: ${future.id}: kind: live value "usage_forecast"`),
        ),
        expect.stringMatching(
          new RegExp(`^reports\\.yaml:4:9: ${flagless.id}: hide_zero_usage: the live report does not carry`),
        ),
        expect.stringMatching(
          new RegExp(`^reports\\.yaml:6:9: ${save.id}: recipients: .*result action is save`),
        ),
        `reports.yaml:10:9: ${named.id}: recipients: "bob@example.com" now matches 2 users; replaced by the live recipient it stood for: ${USER_B}`,
      ]),
    )
    expect(pulled.stderr).toContain('Pull: 1 pulled, 3 unchanged, 0 failed')

    const plan = await cli(['plan'], { env, cwd: pulled.cwd })
    const changed = [...plan.stdout.matchAll(/^(?:will update|failed) +(\S+)/gm)].map((m) => m[1])
    expect(changed.sort()).toEqual([future.id, flagless.id, save.id].sort())
    expect(puts(sim)).toHaveLength(0)
  })

  it('leaves an unreadable report as it is, still writes the others, and exits 1', async () => {
    const { sim, report, env } = await servers.world()
    const good = report()
    const missing = '11111111-2222-4333-8444-555555555555'
    const text = `reports:\n  - id: ${missing}\n    enabled: true\n  - id: ${good.id}\n    enabled: true\n`
    sim.patchReport(good.id, { schedule: { type: 'monthly', enabled: false } })
    const pulled = await cli(['pull'], { env, files: { 'reports.yaml': text } })
    expect(pulled.code).toBe(1)
    expect(pulled.stderr).toContain(
      `reports.yaml:2:9: ${missing}: could not be read, left as it is: GET /reports/${missing} → 404`,
    )
    expect(pulled.stderr).toContain('Pull: 1 pulled, 0 unchanged, 1 failed')
    expect(await read(pulled.cwd)).toBe(
      text.replace(`${good.id}\n    enabled: true`, `${good.id}\n    enabled: false`),
    )
    const check = await cli(['pull', '--check'], { env, cwd: pulled.cwd })
    expect(check.code).toBe(1)
    expect(puts(sim)).toHaveLength(0)
  })

  it('appends undeclared reports as export writes them with --add-undeclared, and plan then shows zero changes', async () => {
    const { sim, report, env } = await servers.world()
    const declared = report()
    const extra = report({ recipients: [USER_B], parameters: { level: 'all_customers' } })
    const once = report({ schedule: { type: 'once', enabled: true } })
    const text = `version: 1\nreports:\n- id: ${declared.id}\n  enabled: true\n# the end\n`
    const without = await cli(['pull'], { env, files: { 'reports.yaml': text } })
    expect(await read(without.cwd)).toBe(text)

    const pulled = await cli(['pull', '--add-undeclared', '--by-login'], { env, cwd: without.cwd })
    expect(pulled.code, pulled.stderr).toBe(0)
    expect(await read(pulled.cwd)).toBe(
      `version: 1\nreports:\n- id: ${declared.id}\n  enabled: true\n` +
        `\n# read-only: schedule monthly · result action send · formats csv\n- id: ${extra.id}\n  kind: usage_summary\n  level: all_customers\n  recipients:\n    - bob\n  enabled: true\n  hide_zero_usage: true\n  show_skus: false\n` +
        '# the end\n',
    )
    expect(pulled.stderr).toContain(`undeclared report ${once.id} is one-time (schedule once), not added`)
    expect(pulled.stderr).toContain('1 undeclared report added')
    const plan = await cli(['plan', '--detailed-exitcode'], { env, cwd: pulled.cwd })
    expect(plan.code, plan.stdout).toBe(0)
    expect(plan.stdout).toContain('Plan: 0 to update, 2 unchanged, 0 failed')
    expect(puts(sim)).toHaveLength(0)
  })

  it('refuses an invalid file before any request, and shows in help', async () => {
    const { sim, env } = await servers.world()
    const bad = await cli(['pull'], { env, files: { 'reports.yaml': 'reports:\n  - id: nope\n' } })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^reports\.yaml:2:9: id: "nope" is not a UUID/)
    expect(sim.requests).toHaveLength(0)
    const help = await cli(['pull', '--help'])
    for (const w of ['--check', '--by-login', '--add-undeclared', '--config FILE', 'Exit codes: 0'])
      expect(help.stdout).toContain(w)
    expect((await cli(['--help'])).stdout).toMatch(/^ {2}pull /m)
  })
})

describe('the action in mode: pull', () => {
  it('writes the live values into the workspace file, with pulled, the plan of each field and the diff', async () => {
    const { sim, report, inputs } = await servers.world()
    const r = [report({ recipients: [USER_A, USER_B] }), report({ recipients: [USER_B] }), report(), report()]
    const config = handWritten(r.map((x) => x.id))
    sim.patchReport(r[0]!.id, { recipients: [USER_A], parameters: { kind: 'usage_current' } })
    sim.patchReport(r[2]!.id, { schedule: { type: 'monthly', enabled: false } })
    sim.clearLog()

    const pulled = await runAction({ config, inputs: inputs({ mode: 'pull' }) })
    expect(pulled.code, pulled.stdout).toBe(0)
    expect(pulled.outputs).toMatchObject({
      pulled: '2',
      changed: '2',
      unchanged: '2',
      failed: '0',
      'has-changes': 'true',
      'failure-reason': '',
    })
    expect(planOf(pulled.outputs)).toEqual([
      {
        id: r[0]!.id,
        name: 'Partner usage',
        status: 'update',
        changes: [
          { field: 'kind', from: 'usage_summary', to: 'usage_current' },
          { field: 'recipients', from: ['alice', 'bob'], to: ['alice'] },
        ],
        error: null,
      },
      { id: r[1]!.id, name: null, status: 'unchanged', changes: [], error: null },
      {
        id: r[2]!.id,
        name: null,
        status: 'update',
        changes: [{ field: 'enabled', from: true, to: false }],
        error: null,
      },
      { id: r[3]!.id, name: null, status: 'unchanged', changes: [], error: null },
    ])
    const after = await read(pulled.workspace)
    expect(after).toBe(
      config
        .replace("kind: 'usage_summary'", "kind: 'usage_current'")
        .replace('      - bob     # leaves in May\n', '')
        .replace(`"enabled": true}`, `"enabled": false}`),
    )
    expect(pulled.summary).toContain('## Acronis report sync: pull')
    expect(pulled.summary).toContain('**2** pulled · **2** unchanged · **0** failed')
    expect(pulled.summary).toContain(
      '```diff\n--- a/reports.yaml\n+++ b/reports.yaml\n@@ -5,11 +5,10 @@\n   # Partner billing\n',
    )
    expect(pulled.summary).toContain("-    kind: 'usage_summary'    # what the partner sees\n")
    expect(puts(sim)).toHaveLength(0)

    const plan = await runAction({ config: after, inputs: inputs({ mode: 'plan' }) })
    expect(plan.outputs).toMatchObject({ changed: '0', unchanged: '4', failed: '0' })
    expect(puts(sim)).toHaveLength(0)
  })

  it('leaves a file without drift as it was, with pulled 0', async () => {
    const { sim, report, inputs } = await servers.world()
    const config = `reports:\n  - id: ${report().id}\n    kind: usage_summary # c\n`
    const r = await runAction({ config, inputs: inputs({ mode: 'pull' }) })
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ pulled: '0', changed: '0', unchanged: '1', 'has-changes': 'false' })
    expect(await read(r.workspace)).toBe(config)
    expect(r.summary).not.toContain('```')
    expect(puts(sim)).toHaveLength(0)
  })

  it('fails the step on an unreadable report, at its line, and still writes the others', async () => {
    const { sim, report, inputs } = await servers.world()
    const good = report()
    const missing = '11111111-2222-4333-8444-555555555555'
    const config = `reports:\n  - id: ${good.id}\n    show_skus: false\n  - id: ${missing}\n    show_skus: false\n`
    sim.patchReport(good.id, { parameters: { show_skus: true } })
    const r = await runAction({ config, inputs: inputs({ mode: 'pull' }) })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({
      pulled: '1',
      changed: '1',
      failed: '1',
      'failure-reason': 'failed-reports',
    })
    expect(r.annotations).toContainEqual({
      level: 'error',
      props: { file: 'reports.yaml', line: '4', col: '9' },
      message: expect.stringContaining(
        `could not read ${missing}, left as it is: GET /reports/${missing} → 404`,
      ),
    })
    expect(await read(r.workspace)).toBe(config.replace('show_skus: false', 'show_skus: true'))
    expect(r.summary).toContain('`failure-reason: failed-reports`')
    expect(puts(sim)).toHaveLength(0)
  })
})
