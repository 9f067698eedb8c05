import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DIST } from './harness.js'

// dist/index.js (what the runner starts) only starts the action's thread, dist/action.js.
const [starter, ...bundles] = [DIST, 'action.js', 'cli.js'].map((file) => ({
  name: path.basename(file),
  code: readFileSync(path.resolve(path.dirname(DIST), file), 'utf8'),
}))

describe('the bundles', () => {
  it.each(bundles)('$name is ASCII: V8 holds its source at one byte a character', ({ code }) => {
    expect(code.match(/[^\0-\x7f]/g) ?? []).toEqual([])
    // the escapes stand for the characters people read: an arrow in a plan line, a status emoji
    expect(code).toContain('\\u2192')
  })

  it('dist/index.js only starts dist/action.js in a thread of its own, with a bounded young generation', () => {
    // Node's own modules, nothing bundled: the action's code is loaded once, by its thread
    const required = [...starter!.code.matchAll(/createRequire\(import\.meta\.url\)\("([^"]+)"\)/g)]
    expect(required.map((m) => m[1]).sort()).toEqual(['node:path', 'node:url', 'node:worker_threads'])
    expect(starter!.code).not.toContain('node_modules/')
    expect(starter!.code).toContain("'action.js'")
    expect(starter!.code).toMatch(/maxYoungGenerationSizeMb: \w+/)
    expect(starter!.code.match(/[^\0-\x7f]/g) ?? []).toEqual([])
  })

  it('dist/action.js leaves out what @actions/core imports but this action never calls', () => {
    const { code } = bundles[0]!
    expect(code).not.toMatch(/node_modules\/(undici|tunnel|@actions\/(exec|io))\//)
    // Of @actions/http-client only its proxy rules (getProxyUrl, checkBypass) are in: not its client.
    const httpClient = code.match(/node_modules\/@actions\/http-client\/[\w/.-]+/g) ?? []
    expect([...new Set(httpClient)]).toEqual(['node_modules/@actions/http-client/lib/proxy.js'])
    expect(code).toContain('no_proxy')
    // in their place, a module whose every export throws (scripts/build.mjs)
    const stub = /from "(data:text\/javascript,[^"]+)"/.exec(code)?.[1]
    expect(decodeURIComponent(stub ?? '')).toContain("throw new Error('HttpClient is not in this bundle")
  })
})
