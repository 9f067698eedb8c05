import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigErrors } from '../../src/config/errors.js'
import { writeConfigText } from '../../src/config/write.js'

const limits = (root?: string) => ({ root, maxBytes: 1024 * 1024 })

async function workspace(files: Record<string, string | Buffer>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'ars-write-'))
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text)
  return dir
}

async function refusal(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(ConfigErrors)
  return (e as ConfigErrors).errors[0]!
}

describe('writeConfigText', () => {
  it('replaces the file that holds what was read, keeping its byte order mark and mode, and leaves no temporary file', async () => {
    const dir = await workspace({ 'reports.yaml': '\ufeffreports: []\n' })
    const file = path.join(dir, 'reports.yaml')
    await chmod(file, 0o640)
    await writeConfigText(file, 'reports.yaml', limits(dir), 'reports: []\n', 'version: 1\nreports: []\n')
    expect(await readFile(file)).toEqual(Buffer.from('\ufeffversion: 1\nreports: []\n'))
    expect((await stat(file)).mode & 0o777).toBe(0o640)
    expect(await readdir(dir)).toEqual(['reports.yaml'])
  })

  it('writes nothing when the file no longer holds the bytes read', async () => {
    const dir = await workspace({ 'reports.yaml': 'reports: [] # saved meanwhile\n' })
    const file = path.join(dir, 'reports.yaml')
    const e = await refusal(writeConfigText(file, 'reports.yaml', limits(dir), 'reports: []\n', 'x: 1\n'))
    expect(e.code).toBe('file-changed')
    expect(e.message).toBe('reports.yaml changed while pull ran; nothing was written (run pull again)')
    expect(await readFile(file, 'utf8')).toBe('reports: [] # saved meanwhile\n')
    expect(await readdir(dir)).toEqual(['reports.yaml'])
  })

  it('writes through a link inside the workspace to its target, and never through one leading out', async () => {
    const dir = await workspace({})
    await mkdir(path.join(dir, 'config'))
    await writeFile(path.join(dir, 'config', 'real.yaml'), 'reports: []\n')
    await symlink(path.join(dir, 'config', 'real.yaml'), path.join(dir, 'reports.yaml'))
    await writeConfigText(path.join(dir, 'reports.yaml'), 'reports.yaml', limits(dir), 'reports: []\n', 'a\n')
    expect(await readFile(path.join(dir, 'config', 'real.yaml'), 'utf8')).toBe('a\n')
    expect((await lstat(path.join(dir, 'reports.yaml'))).isSymbolicLink()).toBe(true)

    const outside = await workspace({ 'reports.yaml': 'reports: []\n' })
    const ws = await workspace({})
    await symlink(path.join(outside, 'reports.yaml'), path.join(ws, 'reports.yaml'))
    const e = await refusal(
      writeConfigText(path.join(ws, 'reports.yaml'), 'reports.yaml', limits(ws), 'reports: []\n', 'b\n'),
    )
    expect(e.code).toBe('file-outside')
    expect(await readFile(path.join(outside, 'reports.yaml'), 'utf8')).toBe('reports: []\n')
    expect(await readdir(outside)).toEqual(['reports.yaml'])
  })
})
