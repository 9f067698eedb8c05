// Bundles each entry with ncc into dist/ and replaces files by atomic rename, so a test that is
// running dist/index.js while another build finishes never reads a half-written file.
import { createRequire } from 'node:module'
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'

const ncc = createRequire(import.meta.url)('@vercel/ncc')
const root = path.resolve(import.meta.dirname, '..')
// Each bundle names the licences of what it bundles in a file of its own.
const entries = [
  { out: 'dist/index.js', input: 'src/index.ts', license: 'licenses.txt' },
  { out: 'dist/cli.js', input: 'src/cli.ts', license: 'cli.licenses.txt' },
]

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
  const { code, assets } = bundle
  await put(out, out.endsWith('cli.js') && !code.startsWith('#!') ? `#!/usr/bin/env node\n${code}` : code)
  for (const [name, asset] of Object.entries(assets)) {
    await put(path.join('dist', name), asset.source)
  }
  console.log(`${out}: ${(Buffer.byteLength(code) / 1024).toFixed(0)} kB`)
}
