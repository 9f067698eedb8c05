import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigErrors } from '../../src/config/errors.js'
import { readConfig } from '../../src/config/load.js'
import { hangGuard } from '../guards.js'
import { decode, firstInvalidUtf8, readConfigText } from '../../src/config/read.js'

const SECRET = 'S3CRET-do-not-print-4b1d'

/** A workspace with reports.yaml, and a directory beside it that is not the workspace. */
async function dirs() {
  const base = await mkdtemp(path.join(tmpdir(), 'ars-read-'))
  const workspace = path.join(base, 'workspace')
  const outside = path.join(base, 'outside')
  await mkdir(workspace)
  await mkdir(outside)
  await writeFile(path.join(workspace, 'reports.yaml'), 'reports: []\n')
  await writeFile(path.join(outside, 'secret.yaml'), `token: ${SECRET}\n`)
  return { workspace, outside }
}

/** The one error a read refused with: code, line, column and message. */
async function refusal(read: Promise<unknown>) {
  const e = await read.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(ConfigErrors)
  const errors = (e as ConfigErrors).errors
  expect(errors).toHaveLength(1)
  return errors[0]!
}

describe('reading reports.yaml from the workspace', () => {
  it('reads a regular file inside the root, also through a symbolic link that stays inside', async () => {
    const { workspace } = await dirs()
    await symlink('reports.yaml', path.join(workspace, 'link.yaml'))
    for (const name of ['reports.yaml', 'link.yaml'])
      expect(await readConfig(path.join(workspace, name), name, workspace)).toBe('reports: []\n')
  })

  it('refuses a file outside the root, by path or by symbolic link, and shows none of it', async () => {
    const { workspace, outside } = await dirs()
    await symlink(path.join(outside, 'secret.yaml'), path.join(workspace, 'link.yaml'))
    await symlink('/proc/self/environ', path.join(workspace, 'environ.yaml'))
    for (const name of ['../outside/secret.yaml', 'link.yaml', 'environ.yaml', '/etc/passwd']) {
      const e = await refusal(readConfig(path.resolve(workspace, name), name, workspace))
      expect([e.code, e.line, e.column], name).toEqual(['file-outside', 1, 1])
      expect(e.message).not.toContain(SECRET)
      expect(e.message).not.toContain('root:')
    }
  })

  it('reads a file anywhere when no root is given (a path named on the command line)', async () => {
    const { workspace, outside } = await dirs()
    await symlink(path.join(outside, 'secret.yaml'), path.join(workspace, 'link.yaml'))
    expect(await readConfig(path.join(workspace, 'link.yaml'), 'link.yaml')).toContain(SECRET)
  })

  it('refuses a FIFO without waiting for a writer, and devices and directories without reading them', async () => {
    const { workspace } = await dirs()
    const fifo = path.join(workspace, 'fifo.yaml')
    execFileSync('mkfifo', [fifo])
    for (const root of [workspace, undefined]) {
      // Waiting for a writer would wait for ever: the hang guard fails the test instead.
      const e = await refusal(hangGuard(readConfig(fifo, 'fifo.yaml', root)))
      expect([e.code, e.message]).toEqual([
        'file-not-regular',
        'fifo.yaml is a named pipe (FIFO), not a regular file',
      ])
    }
    expect((await refusal(readConfig('/dev/zero', 'zero'))).code).toBe('file-not-regular')
    expect((await refusal(readConfig('/dev/urandom', 'random'))).message).toContain('character device')
    expect((await refusal(readConfig(workspace, 'workspace'))).message).toContain('a directory')
  })

  it('says when the file is missing', async () => {
    const { workspace } = await dirs()
    const e = await refusal(readConfig(path.join(workspace, 'nope.yaml'), 'nope.yaml', workspace))
    expect(e.code).toBe('file-missing')
  })

  it('enforces the size limit while reading: a file whose size the system does not tell is cut', async () => {
    const { workspace } = await dirs()
    await writeFile(path.join(workspace, 'big.yaml'), 'x'.repeat(101))
    const read = (file: string, maxBytes: number) => readConfigText(file, 'f', { maxBytes })
    expect((await refusal(read(path.join(workspace, 'big.yaml'), 100))).code).toBe('file-too-large')
    expect(await read(path.join(workspace, 'big.yaml'), 101)).toHaveLength(101)
    // /proc reports a size of 0 for files that have content: only the bytes read can tell.
    const e = await refusal(read('/proc/self/status', 10))
    expect([e.code, e.message]).toEqual([
      'file-too-large',
      'configuration file is larger than the limit of 10 bytes',
    ])
  })
})

describe('UTF-8', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))))

  it('refuses text that is not UTF-8 at the line and column of the first bad byte', () => {
    const text = bytes('reports:\n  - id: x\n    name: Caf', [0xe9], ' r\u00e9sum\u00e9\n')
    let error: unknown
    try {
      decode(text, 'reports.yaml')
    } catch (e) {
      error = e
    }
    const [e] = (error as ConfigErrors).errors
    expect([e!.code, e!.line, e!.column]).toEqual(['encoding', 3, 14])
    expect(e!.message).toContain('0xE9')
  })

  it('names UTF-16 for a file saved as UTF-16, and keeps columns in characters', () => {
    const utf16 = Buffer.from('\ufeffreports: []\n', 'utf16le')
    expect(() => decode(utf16, 'r.yaml')).toThrow(ConfigErrors)
    try {
      decode(bytes('name: \u00e9\u00e9 ', [0xc0, 0x80]), 'r.yaml')
    } catch (e) {
      expect((e as ConfigErrors).errors[0]!.column).toBe(10)
    }
    try {
      decode(utf16, 'r.yaml')
    } catch (e) {
      expect((e as ConfigErrors).errors[0]!.message).toContain('UTF-16')
    }
  })

  it('accepts UTF-8, with or without a byte order mark', () => {
    expect(decode(bytes('reports: [] # \u00e9\u{1f600}\n'), 'r')).toBe('reports: [] # \u00e9\u{1f600}\n')
    expect(decode(bytes([0xef, 0xbb, 0xbf], 'reports: []\n'), 'r')).toBe('reports: []\n')
  })

  it.each([
    [[0x61, 0xc0, 0x80], 1], // overlong
    [[0xed, 0xa0, 0x80], 0], // a surrogate
    [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
    [[0xf5, 0x80, 0x80, 0x80], 0],
    [[0x61, 0x62, 0xe2, 0x82], 2], // cut short
    [[0x80], 0], // a continuation byte alone
    [[0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1], // € and 😀
  ])('first invalid byte of %j is at %i', (input, at) => {
    expect(firstInvalidUtf8(Uint8Array.from(input))).toBe(at)
  })
})
