// Bundles each entry with ncc into dist/ and replaces files by atomic rename, so a test that is
// running dist/index.js while another build finishes never reads a half-written file.
import { createRequire } from 'node:module'
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'

const ncc = createRequire(import.meta.url)('@vercel/ncc')
const root = path.resolve(import.meta.dirname, '..')
// @actions/core imports an HTTP client (and with it undici, ~1 MB) for OIDC tokens, and @actions/exec
// for platform details: this action uses neither, yet every start would load and initialise both
// (~30 ms, ~9 MB). They are left out of the bundle: their imports resolve to a module whose every
// export throws, so a future use fails loudly rather than quietly.
const UNUSED = ['HttpClient', 'BearerCredentialHandler', 'exec', 'getExecOutput']
const NOT_BUNDLED = `data:text/javascript,${encodeURIComponent(
  UNUSED.map(
    (name) =>
      `export function ${name}() { throw new Error('${name} is not in this bundle (scripts/build.mjs)') }`,
  ).join('\n'),
)}`
const externals = Object.fromEntries(
  ['@actions/http-client', '@actions/http-client/lib/auth', '@actions/exec'].map((m) => [m, NOT_BUNDLED]),
)

// Each bundle names the licences of what it bundles in a file of its own.
const entries = [
  { out: 'dist/index.js', input: 'src/index.ts', license: 'licenses.txt' },
  { out: 'dist/cli.js', input: 'src/cli.ts', license: 'cli.licenses.txt' },
]

/**
 * Non-ASCII characters (a "→" in a message, an emoji in the summary) as \\u escapes. V8 keeps a script's
 * source in memory for as long as it runs, at two bytes a character if any character needs it: an
 * ASCII bundle is half the size in memory. An escape means the same character in a string, template or
 * regular expression, and nothing in a comment; after a backslash it would not, so the build stops.
 */
function asciiOnly(code) {
  return code.replace(/(\\*)([^\0-\x7f])/g, (_, slashes, c) => {
    if (slashes.length % 2) throw new Error(`an escaped non-ASCII character in the bundle: ${slashes}${c}`)
    return `${slashes}\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

async function put(file, content) {
  const target = path.join(root, file)
  await mkdir(path.dirname(target), { recursive: true })
  const tmp = `${target}.${process.pid}.tmp`
  await writeFile(tmp, content)
  // The CLI bundle starts with a shebang: make it runnable as ./dist/cli.js too.
  if (typeof content === 'string' && content.startsWith('#!')) await chmod(tmp, 0o755)
  await rename(tmp, target)
}

for (const { out, input, license } of entries) {
  let bundle
  try {
    bundle = await ncc(path.join(root, input), {
      target: 'es2022',
      license,
      quiet: true,
      sourceMap: false,
      externals,
    })
  } catch (e) {
    // ncc's errors carry webpack's whole minified source in the stack: print the compiler's message only.
    const message = String(e?.message ?? e)
    console.error(
      `${input}: build failed\n${message
        .split('\n')
        .filter((l) => !/^\s+at /.test(l))
        .slice(0, 40)
        .join('\n')}`,
    )
    process.exit(1)
  }
  const { assets } = bundle
  const code = asciiOnly(bundle.code)
  await put(out, out.endsWith('cli.js') && !code.startsWith('#!') ? `#!/usr/bin/env node\n${code}` : code)
  for (const [name, asset] of Object.entries(assets)) {
    await put(path.join('dist', name), asset.source)
  }
  console.log(`${out}: ${(Buffer.byteLength(code) / 1024).toFixed(0)} kB`)
}
