import { mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import schema from '../../schema/reports.schema.json' with { type: 'json' }
import type { Simulator } from '../simulator/index.js'
import { USER_A, USER_B, worlds, puts, type WorldOptions } from './fixture.js'
import { NODES, runCli as cli } from './harness.js'
import { displayWidth } from '../../src/util/text-width.js'

const ESC = '\x1b['

const servers = worlds()
const setup = (options?: WorldOptions) => servers.world(options)
const calls = (sim: Simulator, p: string) => sim.requests.filter((r) => r.path === `/api/2${p}`)

describe.each(NODES)('the command line under $name', ({ bin: node }) => {
  // util.parseArgs is Node's own: the words it splits must read the same on every Node the CLI runs on.
  it('refuses bad arguments with exit code 1 and the same message on every Node', async () => {
    const cases: [string[], RegExp][] = [
      [[], /a command is required/],
      [['pla'], /unknown command "pla"; did you mean "plan"\?/],
      [['plan', '--concurency', '4'], /unknown option --concurency for plan; did you mean --concurrency\?/],
      [['plan', '--max-changes', '3'], /--max-changes does not apply to plan/],
      [['plan', '--config'], /--config needs a value/],
      [['plan', 'extra'], /unexpected argument "extra"/],
    ]
    for (const [args, message] of cases) {
      const r = await cli(args, { node })
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr, args.join(' ')).toMatch(message)
    }
  })

  it('exports a tenant, and a plan of the export shows zero changes and writes nothing', async () => {
    const { sim, tenant, report, env } = await setup()
    const managed = report({ recipients: [USER_B, USER_A], parameters: { kind: 'usage_current' } })
    const disabled = report({
      schedule: { type: 'monthly', enabled: false },
      parameters: { level: 'direct_partners', hide_zero_usage: undefined, show_skus: undefined },
    })
    // A save report may still hold recipients; the API rejects them in a PUT, so export must leave them out.
    const save = report({ result_action: 'save', recipients: [USER_A] })
    const once = report({ schedule: { type: 'once', enabled: true } })

    const exported = await cli(['export', '--output', 'reports.yaml'], { env, node })
    expect(exported.code, exported.stderr).toBe(0)
    expect(exported.stdout).toBe('')
    const text = await readFile(path.join(exported.cwd, 'reports.yaml'), 'utf8')
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=\S+reports\.schema\.json$/)
    expect(text).toMatch(/^version: 1$/m)
    for (const r of [managed, disabled, save]) expect(text).toContain(`  - id: ${r.id}\n`)
    expect(text).not.toContain(`- id: ${once.id}`)
    expect(text).toMatch(new RegExp(`^#.*${once.id}`, 'm'))
    // Without --output, the same file on stdout, naming the published schema: no file is written.
    const printed = await cli(['export', '--tenant', tenant.id], { env, node })
    const [first, ...rest] = printed.stdout.split('\n')
    expect(first).toBe(`# yaml-language-server: $schema=${schema.$id}`)
    // Naming the tenant writes it at the top: a plan then counts that tenant's undeclared reports.
    expect(rest).toEqual(
      text.replace('version: 1\n', `version: 1\ntenant: ${tenant.id}\n`).split('\n').slice(1),
    )
    expect(await readdir(printed.cwd)).toEqual([])

    sim.clearLog()
    const plan = await cli(['plan', '--detailed-exitcode'], { env, node, cwd: exported.cwd })
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    expect(plan.stdout).toContain('Plan: 0 to update, 3 unchanged, 0 failed')
    expect(plan.stdout).toContain('No changes')
    // The one-time report is what the file does not declare: said at the end, never touched.
    expect(plan.stdout.trimEnd().split('\n').at(-1)).toBe(
      `1 report of tenant ${tenant.id} is not declared (listed, never changed): ${once.id}`,
    )
    expect(puts(sim)).toHaveLength(0)
    expect(sim.requests.some((r) => r.path.endsWith(once.id))).toBe(false)
  })

  it('plans with exit code 2 on changes, applies them, and then has nothing left to do', async () => {
    const { sim, report, env } = await setup()
    const drifted = report({ recipients: [USER_A] })
    const same = report()
    const files = {
      'reports.yaml': `version: 1\nreports:\n  - id: ${drifted.id}\n    name: Partner usage\n    kind: usage_daily\n    enabled: false\n  - id: ${same.id}\n    level: accounts\n`,
    }
    const planned = await cli(['plan', '--detailed-exitcode'], { env, files, node })
    expect(planned.code, planned.stderr).toBe(2)
    expect(planned.stdout).toContain('Plan: 1 to update, 1 unchanged, 0 failed (2 declared in reports.yaml)')
    expect(planned.stdout).toMatch(/^will update +Partner usage +kind +usage_summary +usage_daily$/m)
    expect(planned.stdout).toMatch(new RegExp(`^ +${drifted.id} +enabled +true +false$`, 'm'))
    expect(puts(sim)).toHaveLength(0)
    const plain = await cli(['plan'], { env, cwd: planned.cwd, node })
    expect(plain.code).toBe(0)

    const applied = await cli(['apply'], { env, cwd: planned.cwd, node })
    expect(applied.code, applied.stderr).toBe(0)
    expect(applied.stdout).toContain('Apply: 1 updated, 1 unchanged, 0 failed')
    expect(puts(sim).map((r) => r.path)).toEqual([`/api/2/reports/${drifted.id}`])
    expect(sim.getReport(drifted.id)).toMatchObject({
      parameters: { kind: 'usage_daily' },
      schedule: { enabled: false },
    })

    sim.clearLog()
    const again = await cli(['plan', '--detailed-exitcode'], { env, cwd: planned.cwd, node })
    expect(again.code).toBe(0)
    expect(puts(sim)).toHaveLength(0)
  })

  it('exits 1 when a report fails, naming its line on stderr, and still applies the rest', async () => {
    const { sim, report, env } = await setup()
    const good = report()
    const missing = '11111111-2222-4333-8444-555555555555'
    const files = {
      'reports.yaml': `reports:\n  - id: ${good.id}\n    show_skus: true\n  - id: ${missing}\n    enabled: false\n`,
    }
    const r = await cli(['plan', '--detailed-exitcode'], { env, files, node })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`reports.yaml:4:9: ${missing}: GET /reports/${missing} → 404`)
    expect(r.stderr).toContain('1 of 2 reports failed')
    const applied = await cli(['apply'], { env, cwd: r.cwd, node })
    expect(applied.code).toBe(1)
    expect(puts(sim).map((p) => p.path)).toEqual([`/api/2/reports/${good.id}`])
  })
})

describe('the command line', () => {
  it('resolves recipients by login and by email in another case, once each, and plans by those names', async () => {
    const { sim, report, env } = await setup()
    const a = report({ recipients: [USER_A] })
    const b = report({ recipients: [USER_A] })
    const files = {
      'reports.yaml': `reports:\n  - id: ${a.id}\n    recipients: [alice, BOB@EXAMPLE.COM]\n  - id: ${b.id}\n    recipients: [alice]\n`,
    }
    const planned = await cli(['plan'], { env, files })
    expect(planned.code, planned.stderr).toBe(0)
    expect(planned.stdout).toMatch(/recipients +\[alice\] +\[BOB@EXAMPLE\.COM, alice\]$/m)
    expect(planned.stdout).not.toContain(USER_B)
    expect(planned.stdout).toContain('1 to update, 1 unchanged')
    // Two names, two searches, however often they are used.
    expect(calls(sim, '/search').map((r) => r.query.get('text'))).toEqual(
      expect.arrayContaining(['alice', 'BOB@EXAMPLE.COM']),
    )
    expect(calls(sim, '/search')).toHaveLength(2)

    const applied = await cli(['apply'], { env, cwd: planned.cwd })
    expect(applied.code).toBe(0)
    expect(JSON.parse(puts(sim)[0]!.body).recipients).toEqual([USER_A, USER_B])
  })

  it('refuses unknown and ambiguous names at their line and column, before reading or writing a report', async () => {
    const { sim, tenant, report, env } = await setup()
    sim.addUser({ login: 'carol1', email: 'carol@example.com', tenantId: tenant.id })
    sim.addUser({ login: 'carol2', email: 'Carol@example.com', tenantId: tenant.id })
    const rep = report()
    const files = {
      'reports.yaml': `reports:\n  - id: ${rep.id}\n    recipients:\n      - alice\n      - nobody\n      - carol@example.com\n`,
    }
    const r = await cli(['apply'], { env, files })
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines[0]).toMatch(
      /^reports\.yaml:5:9: recipient "nobody" matches no user .*\[recipient-unknown\]$/,
    )
    expect(lines[1]).toMatch(
      /^reports\.yaml:6:9: recipient "carol@example.com" matches 2 users.*\[recipient-ambiguous\]$/,
    )
    expect(lines[2]).toBe('2 configuration errors in reports.yaml; nothing was written')
    expect(sim.requests.filter((q) => q.path.startsWith('/api/2/reports'))).toHaveLength(0)
  })

  it('writes recipients by login with --by-login, and that file plans to zero changes too', async () => {
    const { sim, report, env } = await setup()
    report({ recipients: [USER_A, USER_B] })
    const exported = await cli(['export', '--by-login', '-o', 'reports.yaml'], { env })
    expect(exported.code, exported.stderr).toBe(0)
    const text = await readFile(path.join(exported.cwd, 'reports.yaml'), 'utf8')
    expect(text).toContain('      - alice\n      - bob\n')
    expect(text).not.toContain(USER_A)
    sim.clearLog()
    const plan = await cli(['plan', '--detailed-exitcode'], { env, cwd: exported.cwd })
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    expect(calls(sim, '/search')).toHaveLength(2)
  })

  it('validates offline: no credentials, no request, errors as file:line:col', async () => {
    const { sim, report } = await setup()
    const good = `reports:\n  - id: ${report().id}\n    recipients: [alice]\n`
    const ok = await cli(['validate'], { files: { 'reports.yaml': good } })
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain('reports.yaml: 1 report declared, no errors')
    const bad = await cli(['validate', '--config', 'bad.yaml'], {
      files: { 'bad.yaml': `reports:\n  - id: nope\n    knd: usage_daily\n` },
    })
    expect(bad.code).toBe(1)
    expect(bad.stderr.split('\n').slice(0, 2)).toEqual([
      expect.stringMatching(/^bad\.yaml:2:9: id: "nope" is not a UUID.*\[uuid\]$/),
      expect.stringMatching(/^bad\.yaml:3:5: unknown key "knd".*did you mean "kind"\? \[unknown-key\]$/),
    ])
    const missing = await cli(['validate', '-c', 'none.yaml'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^none\.yaml:1:1: configuration file not found/)
    expect(sim.requests).toHaveLength(0)
  })

  it('prints no colour when piped or with NO_COLOR, colour with FORCE_COLOR, progress never into a pipe', async () => {
    const { report, env } = await setup({ latencyMs: 30 })
    const ids = Array.from({ length: 20 }, () => report().id)
    const files = {
      'reports.yaml': `reports:\n${ids.map((id) => `  - id: ${id}\n    enabled: false\n`).join('')}`,
    }
    const piped = await cli(['plan', '--concurrency', '1'], { env, files })
    expect(piped.stdout).toContain('will update')
    expect(piped.stdout + piped.stderr).not.toContain(ESC)
    expect(piped.stderr).not.toContain('\r')
    const noColor = await cli(['plan'], { env: { ...env, NO_COLOR: '1', FORCE_COLOR: '1' }, cwd: piped.cwd })
    expect(noColor.stdout).toContain('will update')
    expect(noColor.stdout).not.toContain(ESC)
    const forced = await cli(['plan'], { env: { ...env, FORCE_COLOR: '1' }, cwd: piped.cwd })
    expect(forced.stdout).toContain(`${ESC}33mwill update`)
  })

  it('stops an apply over --max-changes before any PUT, with exit code 1', async () => {
    const { sim, report, env } = await setup()
    const ids = [report().id, report().id, report().id]
    const files = {
      'reports.yaml': `reports:\n${ids.map((id) => `  - id: ${id}\n    enabled: false\n`).join('')}`,
    }
    const r = await cli(['apply', '--max-changes', '2'], { env, files })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('Apply: 3 to update')
    expect(r.stderr).toContain('the plan updates 3 reports, over the limit of 2; nothing was written')
    expect(puts(sim)).toHaveLength(0)
  })

  it('accepts ACRONIS_TOKEN, which needs --tenant to export', async () => {
    const { sim, tenant, report } = await setup()
    const rep = report()
    const env = { ACRONIS_BASE_URL: sim.url, ACRONIS_TOKEN: sim.issueToken() }
    const without = await cli(['export'], { env })
    expect(without.code).toBe(1)
    expect(without.stderr).toContain('export needs --tenant when ACRONIS_TOKEN is used')
    const r = await cli(['export', '--tenant', tenant.id], { env })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`- id: ${rep.id}`)
    expect(calls(sim, '/idp/token')).toHaveLength(0)
  })

  it('prints help for the program and every command, and the version', async () => {
    const top = await cli(['--help'])
    expect(top.code).toBe(0)
    for (const c of ['validate', 'plan', 'apply', 'export'])
      expect(top.stdout).toMatch(new RegExp(`^  ${c} `, 'm'))
    const help: Record<string, string[]> = {
      validate: ['--config FILE'],
      plan: ['--detailed-exitcode', '--tenant-id UUID', 'ACRONIS_CLIENT_SECRET'],
      apply: ['--max-changes N|P%', '--concurrency N'],
      export: ['--output FILE', '--by-login', '--tenant UUID'],
    }
    for (const [command, words] of Object.entries(help)) {
      const r = await cli([command, '--help'])
      expect(r.code, command).toBe(0)
      expect(r.stdout).toContain(`Usage: acronis-report-sync ${command} [options]`)
      for (const w of words) expect(r.stdout, `${command} ${w}`).toContain(w)
    }
    expect((await cli(['validate', '--help'])).stdout).not.toContain('--base-url')
    const version = await cli(['--version'])
    expect(version.stdout).toBe(`${pkg.version}\n`)
  })

  it('refuses bad arguments and settings with exit code 1 and a message naming the bad value', async () => {
    const { sim, report, env } = await setup()
    const files = { 'reports.yaml': `reports:\n  - id: ${report().id}\n` }
    const cwd = (await cli(['validate'], { files })).cwd
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['plan', '--concurrency', '0'],
        env,
        /--concurrency: "0" is not allowed; expected a whole number from 1 to 64/,
      ],
      [['apply', '--max-changes', '120%'], env, /--max-changes: "120%" is not allowed/],
      [
        ['apply', '--run-timeout', '10m'],
        env,
        /--run-timeout: "10m" is not allowed; expected a whole number from 0 to 86400/,
      ],
      [['plan', '--tenant-id', 'acme'], env, /--tenant-id: "acme" is not a UUID/],
      [
        ['plan', '--base-url', 'http://example.com'],
        env,
        /base-url "http:\/\/example.com" must use https:\/\//,
      ],
      [['plan'], { ...env, ACRONIS_BASE_URL: '' }, /--base-url \(or ACRONIS_BASE_URL\) is required/],
      [['plan'], { ...env, ACRONIS_CLIENT_SECRET: '' }, /ACRONIS_CLIENT_SECRET is empty/],
      [
        ['plan'],
        { ...env, ACRONIS_TOKEN: 'a-given-token-1234' },
        /set either ACRONIS_TOKEN, or ACRONIS_CLIENT_ID and ACRONIS_CLIENT_SECRET/,
      ],
    ]
    for (const [args, e, message] of cases) {
      const r = await cli(args, { env: e, cwd })
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr, args.join(' ')).toMatch(message)
    }
    expect(sim.requests).toHaveLength(0)
    const wrong = await cli(['plan'], { env: { ...env, ACRONIS_CLIENT_SECRET: 'wrong' }, cwd })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('POST /idp/token → 401')
    expect(wrong.stderr).toContain('Check ACRONIS_CLIENT_ID and ACRONIS_CLIENT_SECRET')
    expect(wrong.stderr).not.toContain('wrong')
  })
})

describe('the command line names what the person set, and replaces no file', () => {
  it('names ACRONIS_BASE_URL or --base-url, whichever was used, and takes a URL ending in /api', async () => {
    const { sim, report, env } = await setup()
    const files = { 'reports.yaml': `reports:\n  - id: ${report().id}\n` }
    const wrong = { ...env, ACRONIS_CLIENT_SECRET: 'not-the-secret' }
    const fromEnv = await cli(['plan'], { env: wrong, files })
    expect(fromEnv.stderr).toContain('and that ACRONIS_BASE_URL is the data center of the API client.')
    const fromFlag = await cli(['plan', '--base-url', env.ACRONIS_BASE_URL], { env: wrong, files })
    expect(fromFlag.stderr).toContain('and that --base-url is the data center of the API client.')
    const http = await cli(['plan'], { env: { ...env, ACRONIS_BASE_URL: 'http://example.com' }, files })
    expect(http.stderr).toMatch(
      /^acronis-report-sync: ACRONIS_BASE_URL "http:\/\/example.com" must use https/,
    )

    // The URL as the API documentation writes it: /api is completed, never doubled.
    sim.clearLog()
    for (const base of [`${env.ACRONIS_BASE_URL}/api`, `${env.ACRONIS_BASE_URL}/api/2/`]) {
      const r = await cli(['plan'], { env: { ...env, ACRONIS_BASE_URL: base }, files })
      expect(r.code, r.stderr).toBe(0)
    }
    expect(calls(sim, '/idp/token')).toHaveLength(2)
  })

  it('fits the plan to COLUMNS=80, cutting with …; piped without COLUMNS every value is whole', async () => {
    const { report, env } = await setup()
    const name = 'Customer billing, monthly: a name longer than any terminal column would show in full'
    const entries = [0, 1, 2].map((i) => ({
      id: report({ parameters: { kind: 'usage_summary' } }).id,
      name: `${name} ${i}`,
      kind: 'usage_breakdown',
      level: 'all_customers',
      recipients: ['alice', 'Bob@Example.com'],
    }))
    const files = {
      'reports.yaml': `reports:\n${entries.map((e) => `  - ${JSON.stringify(e)}`).join('\n')}\n`,
    }
    const narrow = await cli(['plan'], { env: { ...env, COLUMNS: '80' }, files })
    expect(narrow.code, narrow.stderr).toBe(0)
    const lines = narrow.stdout.split('\n')
    expect(lines.filter((l) => displayWidth(l) > 80)).toEqual([])
    expect(narrow.stdout).toContain('…')
    expect(narrow.stdout).not.toContain(name)

    const piped = await cli(['plan'], { env, cwd: narrow.cwd })
    expect(piped.stdout).toContain(`${name} 0`)
    expect(piped.stdout).not.toContain('…')
  })

  it('export -o replaces neither the file nor the schema beside it without --force, and says what it wrote', async () => {
    const { sim, report, env } = await setup()
    report()
    const files = { 'reports.yaml': '# mine\n', 'reports.schema.json': '{"mine": true}\n' }
    const refused = await cli(['export', '-o', 'reports.yaml'], { env, files })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(
      'acronis-report-sync: reports.yaml exists; export replaces no file: add --force to replace it, or name another with -o\n',
    )
    expect(await readFile(path.join(refused.cwd, 'reports.yaml'), 'utf8')).toBe('# mine\n')
    expect(sim.requests).toHaveLength(0)

    // A new file beside an existing schema copy: the copy is kept, and the run says so.
    const beside = await cli(['export', '-o', 'new.yaml'], { env, cwd: refused.cwd })
    expect(beside.code, beside.stderr).toBe(0)
    expect(beside.stderr).toContain('new.yaml: 1 scheduled report exported\n')
    expect(beside.stderr).toContain('reports.schema.json: exists, kept as it is')
    expect(await readFile(path.join(refused.cwd, 'reports.schema.json'), 'utf8')).toBe('{"mine": true}\n')

    const forced = await cli(['export', '-o', 'reports.yaml', '--force'], { env, cwd: refused.cwd })
    expect(forced.code, forced.stderr).toBe(0)
    expect(forced.stderr).toContain('reports.yaml: 1 scheduled report exported\n')
    expect(forced.stderr).toContain('reports.schema.json: the schema, for completion')
    expect(await readFile(path.join(refused.cwd, 'reports.yaml'), 'utf8')).toMatch(/^# yaml-language-server/)
    expect(JSON.parse(await readFile(path.join(refused.cwd, 'reports.schema.json'), 'utf8'))).toEqual(schema)
  })

  it('export -o writes through no symbolic link, even with --force, and leaves what it points at as it was', async () => {
    const { sim, report, env } = await setup()
    report()
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'ars-export-link-'))
    const target = path.join(elsewhere, 'precious.yaml')
    await writeFile(target, '# precious\n')
    const cwd = await mkdtemp(path.join(tmpdir(), 'ars-cli-'))
    await symlink(target, path.join(cwd, 'reports.yaml'))
    // A link that points nowhere yet is a link too: export would create the file it names.
    await symlink(path.join(elsewhere, 'new.yaml'), path.join(cwd, 'dangling.yaml'))
    for (const args of [
      ['-o', 'reports.yaml'],
      ['-o', 'reports.yaml', '--force'],
      ['-o', 'dangling.yaml', '--force'],
    ]) {
      const r = await cli(['export', ...args], { env, cwd })
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr).toBe(
        `acronis-report-sync: ${args[1]} is a symbolic link; export writes no file through a link: name the file itself, or another, with -o\n`,
      )
    }
    expect(await readFile(target, 'utf8')).toBe('# precious\n')
    expect(await readdir(elsewhere)).toEqual(['precious.yaml'])
    expect(sim.requests).toHaveLength(0)
    // The schema copy is not written through a link either: the export itself is, and says so.
    await symlink(target, path.join(cwd, 'reports.schema.json'))
    const beside = await cli(['export', '-o', 'new.yaml', '--force'], { env, cwd })
    expect(beside.code, beside.stderr).toBe(0)
    expect(beside.stderr).toContain(
      'reports.schema.json: a symbolic link (export writes no file through a link), left as it is\n',
    )
    expect(await readFile(target, 'utf8')).toBe('# precious\n')
    expect(await readFile(path.join(cwd, 'new.yaml'), 'utf8')).toMatch(/^# yaml-language-server/)
    expect((await readdir(cwd)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})

// The reviewed-plan check does not depend on the Node version: once.
describe('the command line applies what was reviewed', () => {
  it('plan --json prints the plan output; apply --reviewed-plan holds what moved since', async () => {
    const { sim, report, env } = await setup()
    const [moved, other] = [report(), report()]
    const files = {
      'reports.yaml': `reports:\n  - id: ${moved.id}\n    kind: usage_daily\n  - id: ${other.id}\n    kind: usage_daily\n`,
    }
    const planned = await cli(['plan', '--json'], { env, files })
    expect(planned.code, planned.stderr).toBe(0)
    const entries = JSON.parse(planned.stdout) as { id: string; status: string }[]
    expect(entries.map((e) => [e.id, e.status])).toEqual([
      [moved.id, 'update'],
      [other.id, 'update'],
    ])
    expect(planned.stderr).toContain('Plan: 2 to update') // the table, for the person, on stderr

    sim.patchReport(moved.id, { parameters: { kind: 'usage_current' } })
    const applied = await cli(['apply', '--reviewed-plan', 'reviewed.json'], {
      env,
      cwd: planned.cwd,
      files: { 'reviewed.json': planned.stdout },
    })
    expect(applied.code).toBe(1)
    expect(applied.stdout).toContain('Apply: 1 updated, 0 unchanged, 0 failed, 1 held')
    expect(applied.stdout).toMatch(/^held +\S+ +kind +usage_current +usage_daily$/m)
    expect(applied.stdout).toContain('reviewed: kind: usage_summary → usage_daily')
    expect(applied.stderr).toContain(
      '1 report held: the changes differ from the plan reviewed in reviewed.json',
    )
    expect(puts(sim).map((r) => r.path)).toEqual([`/api/2/reports/${other.id}`])

    const bad = await cli(['apply', '--reviewed-plan', 'reports.yaml'], { env, cwd: planned.cwd })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('--reviewed-plan reports.yaml: not JSON')
  })
})
