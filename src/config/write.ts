import { randomBytes } from 'node:crypto'
import { constants, type Stats } from 'node:fs'
import { link, lstat, mkdir, open, rename, stat, unlink } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError, ConfigErrors } from './errors.js'
import { readBytes, resolveInside, type ReadLimits } from './read.js'

const BOM = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * `content` in a new temporary file beside `target` (`.<name>.<random>.tmp`), synced, with `mode`; its
 * path. O_EXCL|O_NOFOLLOW: a new file of our own, never one a link points at. A failed write leaves
 * no file behind.
 */
async function writeTemp(target: string, mode: number, content: string | Buffer): Promise<string> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  )
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW
  const handle = await open(temp, flags, mode)
  try {
    try {
      await handle.writeFile(content)
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch (e) {
    await unlink(temp).catch(() => undefined)
    throw e
  }
  return temp
}

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
  const temp = await writeTemp(
    real,
    before.mode & 0o777,
    bom ? Buffer.concat([BOM, Buffer.from(text)]) : text,
  )
  let renamed = false
  try {
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

/** Why a file is not written: it exists (and was not to be replaced), is a symbolic link, or is no regular file. */
export type Refusal = 'exists' | 'link' | 'not-regular'

const SAYS: Record<Refusal, string> = {
  exists: 'exists',
  link: 'is a symbolic link',
  'not-regular': 'is not a regular file',
}

/** A file `writeNewText` would not write, and why: nothing was written. */
export class WriteRefused extends Error {
  constructor(
    readonly file: string,
    readonly why: Refusal,
  ) {
    super(`${file} ${SAYS[why]}; nothing was written`)
    this.name = 'WriteRefused'
  }
}

async function lstatIfAny(file: string): Promise<Stats | undefined> {
  return lstat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined
    throw e
  })
}

function refusalOf(now: Stats | undefined, replace: boolean): Refusal | undefined {
  if (!now) return undefined
  if (now.isSymbolicLink()) return 'link'
  if (!now.isFile()) return 'not-regular'
  return replace ? undefined : 'exists'
}

/** Why `writeNewText` would refuse `file` now (undefined: it would write it), to ask before any work. */
export async function refusal(file: string, replace: boolean): Promise<Refusal | undefined> {
  return refusalOf(await lstatIfAny(path.resolve(file)), replace)
}

/** Hard links unsupported (some network and FAT file systems): the name is taken by a rename instead. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])

/**
 * Writes a file that is not read first (export's output), whole or not at all. The text goes to a
 * temporary file beside it, then takes its name: linked there when nothing may be replaced (which
 * fails if a file appeared meanwhile), renamed over it when a regular file may be (keeping its mode).
 * A symbolic link at the name is neither followed nor replaced, a file that exists is kept without
 * `replace`: a WriteRefused says why. Missing directories are made.
 */
export async function writeNewText(file: string, text: string, replace: boolean): Promise<void> {
  const target = path.resolve(file)
  const check = async () => {
    const now = await lstatIfAny(target)
    const why = refusalOf(now, replace)
    if (why) throw new WriteRefused(file, why)
    return now
  }
  const before = await check()
  await mkdir(path.dirname(target), { recursive: true })
  const temp = await writeTemp(target, before ? before.mode & 0o777 : 0o666, text)
  try {
    await check()
    // link, unlike rename, never replaces what is there: a file that appeared since is kept.
    const linked = replace
      ? false
      : await link(temp, target).then(
          () => true,
          (e: NodeJS.ErrnoException) => {
            if (e.code === 'EEXIST') throw new WriteRefused(file, 'exists')
            if (!NO_LINKS.has(e.code ?? '')) throw e
            return false
          },
        )
    if (!linked) await rename(temp, target)
  } finally {
    await unlink(temp).catch(() => undefined)
  }
}
