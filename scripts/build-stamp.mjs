// What a build was made from and what it made, as two hashes: the tests' global setup skips the
// build (~15 s of CPU) when both still match, so `npm test` after `npm run build` (the gate's order)
// builds once. Kept under node_modules/.cache, outside the repository; a missing stamp means build.
import { createHash } from 'node:crypto'
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const STAMP = path.join(root, 'node_modules/.cache/acronis-report-sync/build-stamp.json')
/** What scripts/build.mjs writes: the bundles, their licences, the generated validators. */
const OUTPUTS = [
  'dist',
  'src/config/reports-validator.js',
  'src/acronis/answer-validators.js',
  'src/review/record-validator.js',
]
/** What it reads: the sources and schemas, itself, the dependencies' lock, the compiler settings. */
const INPUTS = ['src', 'schema', 'scripts/build.mjs', 'package-lock.json', 'tsconfig.json']

async function files(entry) {
  const full = path.join(root, entry)
  const entries = await readdir(full, { withFileTypes: true, recursive: true }).catch(() => undefined)
  if (!entries) return [entry]
  return entries
    .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
}

async function hash(entries, skip = []) {
  const h = createHash('sha256')
  const all = (await Promise.all(entries.map(files))).flat().filter((f) => !skip.includes(f))
  for (const f of all.sort()) {
    h.update(`${f}\0`)
    h.update(await readFile(path.join(root, f)).catch(() => Buffer.from('(missing)')))
    h.update('\0')
  }
  return h.digest('hex')
}

/** The hashes of the build's inputs and outputs as they are now. */
export async function buildStamp() {
  return { inputs: await hash(INPUTS, OUTPUTS), outputs: await hash(OUTPUTS) }
}

/** True when dist/ was built from the sources as they are, and not changed since. */
export async function builtFresh() {
  const saved = await readFile(STAMP, 'utf8').then(JSON.parse, () => undefined)
  const now = await buildStamp()
  return saved?.inputs === now.inputs && saved?.outputs === now.outputs
}

/** Records that the build just made its outputs from its inputs. */
export async function saveBuildStamp() {
  await mkdir(path.dirname(STAMP), { recursive: true })
  await writeFile(STAMP, JSON.stringify(await buildStamp()))
}
