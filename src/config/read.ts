import { constants, type Stats } from 'node:fs'
import { open, realpath, stat, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import type { SourceRef } from '../model.js'
import { ConfigError, ConfigErrors, type ConfigErrorCode } from './errors.js'
import { count } from '../util/plural.js'

/** Where and how much of reports.yaml may be read. */
export interface ReadLimits {
  /** The directory the file must resolve inside, symbolic links followed; undefined: anywhere. */
  root?: string
  /** Bytes read at most: one more is an error. */
  maxBytes: number
}

const CHUNK = 64 * 1024

/**
 * The text of reports.yaml, read only when it is a regular file (inside `root` when given), never more
 * than `maxBytes` of it, and only when it is UTF-8. A file in the wrong place or of the wrong kind is
 * refused before it is opened, so nothing of what is not configuration can reach a message.
 */
export async function readConfigText(file: string, displayName: string, limits: ReadLimits): Promise<string> {
  const fail = failWith(displayName)
  const real = await resolveInside(file, displayName, limits.root)
  const before = await stat(real)
  if (!before.isFile()) fail('file-not-regular', `${displayName} is ${kindOf(before)}, not a regular file`)
  if (before.size > limits.maxBytes) fail('file-too-large', tooLarge(before.size, limits.maxBytes))

  const bytes = await readBytes(real, before, displayName, limits.maxBytes)
  // A size of 0 is what /proc reports for files that do have content: the bound is what was read.
  if (bytes.length > limits.maxBytes) fail('file-too-large', tooLarge(undefined, limits.maxBytes))
  return decode(bytes, displayName)
}

type Fail = (code: ConfigErrorCode, message: string) => never

function failWith(displayName: string): Fail {
  const top: SourceRef = { file: displayName, line: 1, column: 1 }
  return (code, message) => {
    throw new ConfigErrors([new ConfigError(code, message, top)])
  }
}

/**
 * The real path of `file`, symbolic links resolved, when it is inside `root` (undefined: anywhere).
 * Reading and writing both go through it, so neither follows a link out of the workspace.
 */
export async function resolveInside(
  file: string,
  displayName: string,
  root: string | undefined,
): Promise<string> {
  const fail = failWith(displayName)
  let real: string
  try {
    real = await realpath(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') fail('file-missing', `configuration file not found: ${file}`)
    return fail('file-unreadable', `cannot read ${file} (${code ?? 'error'})`)
  }
  if (root !== undefined) {
    const top = await realpath(root).catch(() => path.resolve(root))
    const inside = path.relative(top, real)
    if (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside))
      fail(
        'file-outside',
        `${displayName} resolves to a file outside ${top}; only a file inside it is read or written (a symbolic link must point inside it too)`,
      )
  }
  return real
}

/**
 * At most `max` bytes of the regular file at `real`, which must still be the file `before` describes.
 * O_NONBLOCK: should the path have become a FIFO since stat, opening it does not wait for a writer;
 * O_NOFOLLOW: nor has its last part become a symbolic link. What was opened is checked again.
 */
export async function readBytes(
  real: string,
  before: Stats,
  displayName: string,
  max: number,
): Promise<Buffer> {
  const fail = failWith(displayName)
  const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW).catch(
    (e: NodeJS.ErrnoException) =>
      fail('file-unreadable', `cannot read ${displayName} (${e.code ?? 'error'})`),
  )
  try {
    const opened = await handle.stat()
    if (!opened.isFile() || opened.ino !== before.ino || opened.dev !== before.dev)
      fail('file-unreadable', `${displayName} changed while it was being opened; run again`)
    return await readAtMost(handle, max + 1)
  } finally {
    await handle.close()
  }
}

async function readAtMost(handle: FileHandle, max: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  while (total < max) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, max - total))
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null)
    if (bytesRead === 0) break
    chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead))
    total += bytesRead
  }
  return Buffer.concat(chunks, total)
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory'
  if (s.isFIFO()) return 'a named pipe (FIFO)'
  if (s.isCharacterDevice()) return 'a character device'
  if (s.isBlockDevice()) return 'a block device'
  if (s.isSocket()) return 'a socket'
  return 'not a regular file'
}

function tooLarge(size: number | undefined, max: number): string {
  return size === undefined
    ? `configuration file is larger than the limit of ${count(max)} bytes`
    : `configuration file is ${count(size)} bytes; the limit is ${count(max)}`
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** UTF-8 text, or an error at the line and column of the first byte that is not UTF-8. */
export function decode(data: Uint8Array, file: string): string {
  try {
    return utf8.decode(data)
  } catch {
    const at = firstInvalidUtf8(data)
    const lineStart = data.lastIndexOf(10, at - 1) + 1
    const line = countNewlines(data, lineStart) + 1
    const column =
      Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8', lineStart, at).length + 1
    // A byte-order mark of UTF-16, little or big endian.
    const bom = (data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff)
    const utf16 = bom ? ' (it looks like UTF-16)' : ''
    const hex = `0x${data[at]!.toString(16).toUpperCase().padStart(2, '0')}`
    throw new ConfigErrors([
      new ConfigError(
        'encoding',
        `not UTF-8${utf16}: byte ${hex} here does not belong to a UTF-8 character; save the file as UTF-8`,
        { file, line, column },
      ),
    ])
  }
}

function countNewlines(data: Uint8Array, end: number): number {
  let n = 0
  for (let i = data.indexOf(10); i !== -1 && i < end; i = data.indexOf(10, i + 1)) n++
  return n
}

/** Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629, table 3-7 of Unicode), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!
    if (c < 0x80) {
      i++
      continue
    }
    const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0
    if (!more) return i
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf
    const second = b[i + 1]
    if (second === undefined || second < lo || second > hi) return i
    for (let k = 2; k <= more; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i
    i += more + 1
  }
  return -1
}
