import { chmod, mkdir, mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { refusal, writeNewText, WriteRefused } from '../../src/config/write.js'

async function dir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'ars-write-new-'))
}

async function refused(p: Promise<unknown>): Promise<WriteRefused> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(WriteRefused)
  return e as WriteRefused
}

// export's output on a real file system: whole or not at all, never through a link.
describe('writeNewText', () => {
  it('writes a new file whole, making its directory, and leaves no temporary file', async () => {
    const d = await dir()
    const file = path.join(d, 'out', 'reports.yaml')
    await writeNewText(file, 'version: 1\nreports: []\n', false)
    expect(await readFile(file, 'utf8')).toBe('version: 1\nreports: []\n')
    expect(await readdir(path.join(d, 'out'))).toEqual(['reports.yaml'])
  })

  it('keeps a file that exists unless asked to replace it, then replaces it keeping its mode', async () => {
    const d = await dir()
    const file = path.join(d, 'reports.yaml')
    await writeFile(file, '# mine\n')
    await chmod(file, 0o640)
    expect(await refusal(file, false)).toBe('exists')
    const e = await refused(writeNewText(file, 'x: 1\n', false))
    expect([e.why, e.message]).toEqual(['exists', `${file} exists; nothing was written`])
    expect(await readFile(file, 'utf8')).toBe('# mine\n')
    expect(await refusal(file, true)).toBeUndefined()
    await writeNewText(file, 'x: 1\n', true)
    expect(await readFile(file, 'utf8')).toBe('x: 1\n')
    expect((await stat(file)).mode & 0o777).toBe(0o640)
    expect(await readdir(d)).toEqual(['reports.yaml'])
  })

  it('follows no symbolic link at the name, to a file or to none, even to replace it', async () => {
    const d = await dir()
    const elsewhere = await dir()
    const precious = path.join(elsewhere, 'precious.yaml')
    await writeFile(precious, '# precious\n')
    await symlink(precious, path.join(d, 'link.yaml'))
    await symlink(path.join(elsewhere, 'nothing-yet.yaml'), path.join(d, 'dangling.yaml'))
    for (const name of ['link.yaml', 'dangling.yaml'])
      for (const replace of [false, true]) {
        expect(await refusal(path.join(d, name), replace)).toBe('link')
        expect((await refused(writeNewText(path.join(d, name), 'x: 1\n', replace))).why).toBe('link')
      }
    expect(await readFile(precious, 'utf8')).toBe('# precious\n')
    expect((await readdir(elsewhere)).sort()).toEqual(['precious.yaml'])
    expect((await readdir(d)).sort()).toEqual(['dangling.yaml', 'link.yaml'])
  })

  it('writes nothing over what is not a regular file', async () => {
    const d = await dir()
    await mkdir(path.join(d, 'reports.yaml'))
    expect((await refused(writeNewText(path.join(d, 'reports.yaml'), 'x: 1\n', true))).why).toBe(
      'not-regular',
    )
    expect(await readdir(path.join(d, 'reports.yaml'))).toEqual([])
  })

  it('leaves nothing behind when the temporary file cannot be made', async () => {
    const d = await dir()
    // The name is allowed; the temporary file beside it, 18 characters longer, is not (ENAMETOOLONG).
    const file = path.join(d, `${'r'.repeat(240)}.yaml`)
    await expect(writeNewText(file, 'x: 1\n'.repeat(1000), false)).rejects.toThrow()
    expect(await readdir(d)).toEqual([])
  })
})
