import { symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.js'
import { USER_A, puts, worlds } from './fixture.js'
import { runAction, runCli as cli } from './harness.js'

// What pull and export write is as safe as what they read: values from the API never become YAML
// structure, and pull writes only where it read, only what it read.
const servers = worlds()

const read = (cwd: string, file = 'reports.yaml') => readFile(path.join(cwd, file), 'utf8')
const uuid = (n: number) => `${n.toString(16).padStart(8, '0')}-aaaa-4bbb-8ccc-${'d'.repeat(12)}`
/** A plan of the file as it is: 0 changes is the round trip the issue asks for. */
async function planCode(env: Record<string, string>, cwd: string, file = 'reports.yaml') {
  return cli(['plan', '--detailed-exitcode', '--config', file], { env, cwd })
}

describe('values from the API never become YAML structure', () => {
  it('pull --add-undeclared: a formats value cannot give an untouched entry a recipient', async () => {
    const { sim, tenant, report, env } = await servers.world()
    const mallory = sim.addUser({ login: 'mallory', tenantId: tenant.id })
    const declared = report({ recipients: [USER_A] })
    const hostile = report({
      parameters: { formats: [`csv\n    recipients:\n      - ${mallory.id}`, 'pdf\r    show_skus: true'] },
    })
    const text = `reports:\n  - id: ${declared.id}\n    enabled: true\n`
    const pulled = await cli(['pull', '--add-undeclared'], { env, files: { 'reports.yaml': text } })
    expect(pulled.code, pulled.stderr).toBe(0)
    const after = await read(pulled.cwd)
    expect(after.startsWith(text)).toBe(true)
    const [first, added] = parseConfig(after, 'reports.yaml').reports
    expect(first).not.toHaveProperty('recipients')
    expect(first).not.toHaveProperty('show_skus')
    expect(added!.id).toBe(hostile.id)
    // The values stand in the comment, escaped on its one line.
    expect(after).toContain(
      `formats "csv\\n    recipients:\\n      - ${mallory.id}", "pdf\\r    show_skus: true"`,
    )
    const plan = await planCode(env, pulled.cwd)
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    expect(plan.stdout).toContain('Plan: 0 to update, 2 unchanged, 0 failed')
    expect(puts(sim)).toHaveLength(0)
  })

  it('export: a formats, kind or level value cannot inject a key into another report', async () => {
    const { sim, report, env } = await servers.world()
    report({ parameters: { show_skus: undefined, hide_zero_usage: undefined } })
    report({
      parameters: {
        formats: ['csv\n    show_skus: true\n    hide_zero_usage: false'],
        kind: 'usage_x\n    enabled: false',
        level: 'x\u2028    enabled: false',
        show_skus: undefined,
        hide_zero_usage: undefined,
      },
    })
    report({ schedule: { type: 'once', enabled: true }, parameters: { kind: 'k\n- id: 0' } })
    const r = await cli(['export', '--output', 'reports.yaml'], { env })
    expect(r.code, r.stderr).toBe(0)
    const text = await read(r.cwd)
    expect(text).not.toMatch(/^ *(show_skus|hide_zero_usage|enabled: false)/m)
    for (const entry of parseConfig(text, 'reports.yaml').reports) {
      expect(entry).not.toHaveProperty('show_skus')
      expect(entry).not.toHaveProperty('hide_zero_usage')
    }
    const plan = await planCode(env, r.cwd)
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    expect(puts(sim)).toHaveLength(0)
  })

  it('logins starting with ... or --- and logins with ESC or BEL: export and pull --by-login write them quoted, escaped, and plan reads them back', async () => {
    const { sim, tenant, report, env } = await servers.world()
    const logins = [
      '...dots',
      '---dashes',
      'esc\u001b]0;owned\u0007',
      'bell\u0007',
      '#hash',
      "o'brien",
      '"q"',
    ]
    const users = logins.map((login) => sim.addUser({ login, tenantId: tenant.id }))
    const ids = users.map((u) => u.id)
    const exported = report({ recipients: ids })
    const ex = await cli(['export', '--by-login', '--output', 'reports.yaml'], { env })
    expect(ex.code, ex.stderr).toBe(0)
    const text = await read(ex.cwd)
    expect(text.includes('\u001b') || text.includes('\u0007')).toBe(false)
    expect(text).not.toContain('|-')
    expect(text).toContain('- "...dots"\n')
    expect(text).toContain('- "esc\\e]0;owned\\a"\n')
    const [entry] = parseConfig(text, 'reports.yaml').reports
    expect(entry).toMatchObject({ id: exported.id, recipients: logins })
    const plan = await planCode(env, ex.cwd)
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)

    // pull --by-login adds the same logins to a file that has none of them, in its flow and block lists.
    const flow = report({ recipients: [USER_A, ...ids] })
    const block = report({ recipients: [USER_A, ...ids] })
    const file = `reports:\n  - id: ${flow.id}\n    recipients: ['alice']\n  - id: ${block.id}\n    recipients:\n      - 'alice'\n`
    const pulled = await cli(['pull', '--by-login'], { env, files: { 'reports.yaml': file } })
    expect(pulled.code, pulled.stderr).toBe(0)
    const after = await read(pulled.cwd)
    expect(after.includes('\u001b') || after.includes('\u0007')).toBe(false)
    const reports = parseConfig(after, 'reports.yaml').reports
    expect(reports.map((x) => x.recipients)).toEqual([
      ['alice', ...logins],
      ['alice', ...logins],
    ])
    const again = await planCode(env, pulled.cwd)
    expect(again.code, again.stdout + again.stderr).toBe(0)
    expect(puts(sim)).toHaveLength(0)
  })
})

describe('pull writes what it read, and only there', () => {
  it('writes nothing when the file is saved while pull runs, and says the file changed', async () => {
    const { sim, report, env } = await servers.world()
    const r = report()
    sim.patchReport(r.id, { parameters: { kind: 'usage_current' } })
    const text = `reports:\n  - id: ${r.id}\n    kind: usage_summary\n`
    const cwd = await mkdtemp(path.join(tmpdir(), 'ars-writes-'))
    const saved = `${text}    show_skus: true # saved by a person while pull ran\n`
    // The person saves while pull waits for the API (the GET of the report).
    sim.inject({
      method: 'GET',
      path: `/reports/${r.id}`,
      reply: (body: unknown) => {
        writeFileSync(path.join(cwd, 'reports.yaml'), saved)
        return body
      },
    })
    const pulled = await cli(['pull'], { env, cwd, files: { 'reports.yaml': text } })
    expect(pulled.code).toBe(1)
    expect(pulled.stderr).toContain('reports.yaml changed while pull ran; nothing was written')
    expect(pulled.stderr).toContain('[file-changed]')
    expect(await read(cwd)).toBe(saved)
  })

  it('never writes outside the workspace when the link is re-pointed after the read', async () => {
    const { sim, report, inputs } = await servers.world()
    const r = report()
    sim.patchReport(r.id, { parameters: { kind: 'usage_current' } })
    const text = `reports:\n  - id: ${r.id}\n    kind: usage_summary\n`
    const outside = await mkdtemp(path.join(tmpdir(), 'ars-outside-'))
    const secret = path.join(outside, 'reports.yaml')
    await writeFile(secret, text)
    let workspace = ''
    sim.inject({
      method: 'GET',
      path: `/reports/${r.id}`,
      reply: (body: unknown) => {
        // Re-pointed between the read and the write.
        const link = path.join(workspace, 'reports.yaml')
        unlinkSync(link)
        symlinkSync(secret, link)
        return body
      },
    })
    const run = await runAction({
      inputs: inputs({ mode: 'pull' }),
      prepare: async (ws) => {
        workspace = ws
        await mkdir(path.join(ws, 'config'))
        await writeFile(path.join(ws, 'config', 'real.yaml'), text)
        await symlink(path.join(ws, 'config', 'real.yaml'), path.join(ws, 'reports.yaml'))
      },
    })
    expect(run.code).toBe(1)
    expect(await readFile(secret, 'utf8')).toBe(text)
    expect(run.outputs['failure-reason']).toBe('config')
    expect(run.annotations.map((a) => a.message).join('\n')).toMatch(/outside|changed/)
  })

  it('lists a report whose live recipients no line or list can hold, and still pulls the others', async () => {
    const { sim, report, inputs } = await servers.world()
    const many = Array.from({ length: 1001 }, (_, i) => uuid(i + 1))
    const flow = report({ recipients: [USER_A] })
    const block = report({ recipients: [USER_A] })
    const other = report()
    sim.patchReport(flow.id, { recipients: many })
    sim.patchReport(block.id, { recipients: many })
    sim.patchReport(other.id, { parameters: { kind: 'usage_current' } })
    const config =
      `reports:\n  - id: ${flow.id}\n    recipients: [alice]\n  - id: ${block.id}\n    recipients:\n      - alice\n` +
      `  - id: ${other.id}\n    kind: usage_summary\n`
    const run = await runAction({ config, inputs: inputs({ mode: 'pull' }) })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs['failure-reason']).toBe('')
    expect(run.outputs.pulled).toBe('1')
    expect(await read(run.workspace)).toBe(config.replace('kind: usage_summary', 'kind: usage_current'))
    const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
    expect(warnings).toEqual([
      expect.stringContaining(
        `${flow.id}: recipients: cannot be changed in place: the live report has 1,001 recipients`,
      ),
      expect.stringContaining(
        `${block.id}: recipients: cannot be changed in place: the live report has 1,001 recipients`,
      ),
    ])
    expect(puts(sim)).toHaveLength(0)
  })

  it('lists a recipient list too long for its line, and still pulls the others', async () => {
    const { sim, report, env } = await servers.world()
    const many = Array.from({ length: 400 }, (_, i) => uuid(i + 1))
    const flow = report({ recipients: [USER_A] })
    const other = report()
    sim.patchReport(flow.id, { recipients: many })
    sim.patchReport(other.id, { parameters: { kind: 'usage_current' } })
    const text = `reports:\n  - id: ${flow.id}\n    recipients: [alice]\n  - id: ${other.id}\n    kind: usage_summary\n`
    const pulled = await cli(['pull'], { env, files: { 'reports.yaml': text } })
    expect(pulled.code, pulled.stderr).toBe(0)
    expect(await read(pulled.cwd)).toBe(text.replace('kind: usage_summary', 'kind: usage_current'))
    expect(pulled.stderr).toMatch(
      /recipients: cannot be changed in place: the live value would make a line 1[\d,]+ characters long; the limit is 10,000/,
    )
  })

  it('does not change an unreadable entry through an alias it shares', async () => {
    const { sim, report, env } = await servers.world()
    const readable = report({ recipients: [USER_A] })
    const other = report()
    sim.patchReport(readable.id, { recipients: [uuid(7)] })
    sim.patchReport(other.id, { parameters: { kind: 'usage_current' } })
    const missing = '11111111-2222-4333-8444-555555555555'
    const text =
      `reports:\n  - id: ${readable.id}\n    recipients: [&who alice]\n  - id: ${missing}\n    recipients: [*who]\n` +
      `  - id: ${other.id}\n    kind: usage_summary\n`
    const pulled = await cli(['pull'], { env, files: { 'reports.yaml': text } })
    // The unreadable report fails the run; the third entry is still pulled, the alias left alone.
    expect(pulled.code).toBe(1)
    expect(await read(pulled.cwd)).toBe(text.replace('kind: usage_summary', 'kind: usage_current'))
    expect(pulled.stderr).toContain('recipients: cannot be changed in place: an item carries the anchor &who')
  })
})
