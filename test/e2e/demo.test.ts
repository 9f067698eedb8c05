import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCommand } from './harness.js'

const root = path.resolve(import.meta.dirname, '../..')

// `npm run demo` is the README's first command: the script under it (the build is the suite's own)
// must run to its end and show what it says it shows.
describe('npm run demo', () => {
  it('plans on a pull request, holds the report changed since the review at apply, then applies it', async () => {
    const { code, stdout, stderr } = await runCommand(
      path.join(root, 'node_modules/.bin/tsx'),
      ['scripts/demo.ts'],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        timeoutMs: 120_000,
      },
    )
    expect(code, stderr).toBe(0)
    const runs = [...stdout.matchAll(/^exit code (\d+) · .* outputs: (.*)$/gm)].map((m) => [m[1], m[2]])
    expect(runs).toEqual([
      ['0', 'changed=3 held=0 failed=0 failure-reason=(none)'],
      ['1', 'changed=2 held=1 failed=0 failure-reason=plan-changed'],
      ['0', 'changed=1 held=0 failed=0 failure-reason=(none)'],
    ])
  })
})
