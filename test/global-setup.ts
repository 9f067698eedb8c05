import { execFileSync } from 'node:child_process'

/**
 * End-to-end tests run the bundle, so build it first: a stale dist/ would test yesterday's code.
 * (CI separately checks that the committed dist/ equals this build.)
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' })
}
