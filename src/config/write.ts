import { randomBytes } from 'node:crypto'
import { constants, type Stats } from 'node:fs'
import { lstat, open, rename, stat, unlink } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError, ConfigErrors } from './errors.js'
import { readBytes, resolveInside, type ReadLimits } from './read.js'

const BOM = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * Replaces reports.yaml with `text`, where it was read and only if it still holds exactly what was
 * read (`read`, the text the edits were made in). The new text goes to a temporary file beside the
 * real one (links resolved, inside `root` when given, as reading checks), then takes its place in one
 * rename, after a last look: the path still resolves there, and the file still holds the bytes read.
 * Otherwise nothing is written and a ConfigErrors says why. A byte order mark the file had is kept.
 */
export async function writeConfigText(
  file: string,
  displayName: string,
  limits: ReadLimits,
  read: string,
  text: string,
): Promise<void> {
  const changed = (why: string): never => {
    const message = `${displayName} ${why} while pull ran; nothing was written (run pull again)`
    throw new ConfigErrors([
      new ConfigError('file-changed', message, { file: displayName, line: 1, column: 1 }),
    ])
  }
  const real = await resolveInside(file, displayName, limits.root)
  const before = await stat(real)
  if (!before.isFile()) changed('is no longer a regular file')
  const bom = (await holds(real, before, displayName, limits, read)) ?? changed('changed')
  const temp = path.join(path.dirname(real), `.${path.basename(real)}.${randomBytes(6).toString('hex')}.tmp`)
  // O_EXCL|O_NOFOLLOW: a new file of our own, never one a link points at; the mode the file had.
  const handle = await open(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    before.mode & 0o777,
  )
  let renamed = false
  try {
    try {
      await handle.writeFile(bom ? Buffer.concat([BOM, Buffer.from(text)]) : text)
      await handle.sync()
    } finally {
      await handle.close()
    }
    // The last look, right before the rename: the same place, the same file, the same bytes.
    if ((await resolveInside(file, displayName, limits.root)) !== real) changed('was moved or re-linked')
    const now = await lstat(real)
    if (!now.isFile() || now.ino !== before.ino || now.dev !== before.dev) changed('was replaced')
    if ((await holds(real, now, displayName, limits, read)) !== bom) changed('changed')
    // rename replaces the directory entry itself: it never follows a link put there meanwhile.
    await rename(temp, real)
    renamed = true
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined)
  }
}

/** Whether the file holds exactly `read` as bytes: false without a byte order mark, true with one, undefined if not. */
async function holds(
  real: string,
  stats: Stats,
  displayName: string,
  limits: ReadLimits,
  read: string,
): Promise<boolean | undefined> {
  const bytes = await readBytes(real, stats, displayName, limits.maxBytes)
  const expected = Buffer.from(read)
  if (bytes.equals(expected)) return false
  if (
    bytes.length === expected.length + 3 &&
    bytes.subarray(0, 3).equals(BOM) &&
    bytes.subarray(3).equals(expected)
  )
    return true
  return undefined
}
