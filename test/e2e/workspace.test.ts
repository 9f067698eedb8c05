import { execFileSync } from 'node:child_process'
import { mkdtemp, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { worlds } from './fixture.js'
import { printed as everything, runAction, runCli, type RunResult } from './harness.js'

const servers = worlds()
/** Everything a person or another tool can read after a run, as one text. */
const printed = (r: RunResult) => everything(r).join('\n')
/** The config annotations as [code, line, column]. */
const configErrors = (r: RunResult) =>
  r.annotations
    .filter((a) => a.props.file === 'reports.yaml')
    .map((a) => [/\[([a-z-]+)\]$/.exec(a.message)?.[1], a.props.line, a.props.col])

/** A file outside the workspace with something in it that must never be printed. */
async function outsideFile(secret: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'ars-outside-'))
  const file = path.join(dir, 'secret.yaml')
  await writeFile(file, `reports: []\ntoken: ${secret}\n`)
  return file
}

describe('the workspace: only a regular file inside it is read', () => {
  it('refuses a reports.yaml that links outside the workspace, printing nothing of the target', async () => {
    const { sim, inputs } = await servers.world()
    const secret = 'OUTSIDE-f00dfeed-never-printed'
    const target = await outsideFile(secret)
    const r = await runAction({
      inputs: inputs({ mode: 'apply' }),
      prepare: (ws) => symlink(target, path.join(ws, 'reports.yaml')),
    })
    expect(r.code).toBe(1)
    expect(configErrors(r)).toEqual([['file-outside', '1', '1']])
    expect(printed(r)).not.toContain(secret)
    expect(sim.requests).toHaveLength(0)
  })

  it('never prints the environment through a link to /proc/self/environ', async () => {
    const { sim, inputs, client } = await servers.world()
    const r = await runAction({
      inputs: inputs({ mode: 'apply' }),
      env: { SOME_TOKEN: 'env-secret-0badc0de' },
      prepare: (ws) => symlink('/proc/self/environ', path.join(ws, 'reports.yaml')),
    })
    expect(r.code).toBe(1)
    expect(configErrors(r)).toEqual([['file-outside', '1', '1']])
    for (const secret of [client.secret, 'env-secret-0badc0de', 'INPUT_CLIENT-SECRET'])
      expect(printed(r)).not.toContain(secret)
    expect(sim.requests).toHaveLength(0)
  })

  it('refuses a config path that climbs out of the workspace, printing nothing of the file', async () => {
    const r = await runAction({ inputs: { mode: 'validate', config: '../../../../../../etc/passwd' } })
    expect(r.code).toBe(1)
    expect(r.annotations.filter((a) => a.props.file).map((a) => a.message)).toEqual([
      expect.stringMatching(/resolves to a file outside .*\[file-outside\]$/),
    ])
    expect(printed(r)).not.toMatch(/root:|nologin|\/bin\/(ba)?sh/)
  })

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const r = await runAction({
      inputs: { mode: 'validate' },
      prepare: async (ws) => {
        execFileSync('mkfifo', [path.join(ws, 'reports.yaml')])
      },
      timeoutMs: 15_000,
    })
    expect(r.code).toBe(1)
    // Waiting for a writer would last until the hang guard above kills the run (code null).
    expect(configErrors(r)).toEqual([['file-not-regular', '1', '1']])
  })

  it('refuses a file that is not UTF-8 at the first bad byte', async () => {
    const bytes = Buffer.concat([
      Buffer.from('reports:\n  - id: 20dffb36-d77b-45c6-b2fa-39276e98d5fc\n    name: Caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ])
    const r = await runAction({ inputs: { mode: 'validate' }, config: bytes })
    expect(r.code).toBe(1)
    expect(configErrors(r)).toEqual([['encoding', '3', '14']])
    expect(r.stdout).not.toContain('\ufffd')
  })
})

describe('YAML limits and indentation, in the action and on the command line', () => {
  const ID = '20dffb36-d77b-45c6-b2fa-39276e98d5fc'

  it('refuses 800 nested brackets with a located error, not a stack overflow', async () => {
    const config = `reports:\n  - id: ${ID}\n    recipients: ${'['.repeat(800)}\n`
    const r = await runAction({ inputs: { mode: 'validate' }, config })
    expect(r.code).toBe(1)
    expect(configErrors(r)).toEqual([['yaml-limit', '3', '78']])
    const cli = await runCli(['validate'], { files: { 'reports.yaml': config } })
    expect(cli.code).toBe(1)
    expect(cli.stderr).toMatch(
      /^reports\.yaml:3:78: collections nested more than 64 levels deep.*\[yaml-limit\]$/m,
    )
    for (const out of [printed(r), cli.stdout, cli.stderr]) expect(out).not.toMatch(/call stack/i)
  })

  it('answers a 40,000-column continuation line at once, at its line', async () => {
    const config = `reports:\n  - id: ${ID}\n    name: x\n${' '.repeat(40_000)}y\n`
    // That it is linear in the line's length, not quadratic, is checked in test/unit/limits.test.ts.
    const r = await runAction({ inputs: { mode: 'validate' }, config, timeoutMs: 30_000 })
    expect(r.code).toBe(1)
    expect(configErrors(r)).toEqual([['yaml-limit', '4', '1']])
  })

  it('names a wrongly indented key once, at its line, and a tab once', async () => {
    const lines = [
      'reports:',
      `  - id: ${ID}`,
      '    name: A',
      '    kind: usage_daily',
      '      level: accounts',
      '    enabled: true',
      '',
    ]
    const r = await runAction({ inputs: { mode: 'validate' }, config: lines.join('\n') })
    expect(configErrors(r)).toEqual([['indentation', '5', '7']])
    expect(r.annotations[0]!.message).toContain('`level` is indented deeper than `kind` above it')
    lines[3] = '\tkind: usage_daily'
    const tab = await runCli(['validate'], { files: { 'reports.yaml': lines.join('\n') } })
    expect(tab.stderr.split('\n').filter((l) => l.startsWith('reports.yaml:'))).toEqual([
      'reports.yaml:4:1: line 4 is indented with a tab; YAML indents with spaces only [tab]',
    ])
  })

  it('reads a file outside the current directory on the command line only when --config names it', async () => {
    const target = await outsideFile('not-a-secret-here')
    const cwd = await mkdtemp(path.join(tmpdir(), 'ars-cli-'))
    await symlink(target, path.join(cwd, 'reports.yaml'))
    const implicit = await runCli(['validate'], { cwd })
    expect(implicit.code).toBe(1)
    expect(implicit.stderr).toMatch(/\[file-outside\]$/m)
    const explicit = await runCli(['validate', '--config', target], { cwd })
    // Read: its errors are about its content (an unknown key), not where it is.
    expect(explicit.stderr).toMatch(/unknown key "token".*\[unknown-key\]$/m)
    const device = await runCli(['validate', '--config', '/dev/urandom'], { cwd })
    expect(device.stderr).toMatch(/is a character device, not a regular file \[file-not-regular\]$/m)
  })
})
