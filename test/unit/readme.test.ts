import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { PRECEDENCE } from '../../src/engine/verdict.js'

const root = path.resolve(import.meta.dirname, '../..')
const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
  runs: { using: string; main: string }
}

/** Rows of the Markdown table between `<!-- name:start` and `<!-- name:end -->`: [first cell, second cell]. */
function table(name: string): [string, string][] {
  const block = readme.split(`<!-- ${name}:start`)[1]?.split(`<!-- ${name}:end -->`)[0] ?? ''
  return block
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|').map((c) => c.trim()))
    .map((c) => [c[1]!.replace(/`/g, ''), c[2]!.replace(/`/g, '')])
}

describe('README matches action.yml', () => {
  it('documents every input with its default, and no other', () => {
    const documented = table('inputs')
    expect(documented.map(([n]) => n)).toEqual(Object.keys(action.inputs))
    for (const [name, def] of documented) expect(def, name).toBe(String(action.inputs[name]!.default ?? ''))
  })

  it('documents every output, and no other', () => {
    expect(table('outputs').map(([n]) => n)).toEqual(Object.keys(action.outputs))
  })

  it('names every failure-reason the action can set, in the README and in action.yml', () => {
    const readmeRow = table('outputs').find(([n]) => n === 'failure-reason')![1]
    const actionText = JSON.stringify(action.outputs['failure-reason'])
    for (const reason of PRECEDENCE) {
      expect(readmeRow, reason).toContain(reason)
      expect(actionText, reason).toMatch(new RegExp(`\\b${reason}\\b`))
    }
  })

  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('gives the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toContain('npm ci && npm test')
  })
})

describe('the architecture page and How it works', () => {
  const architecture = readFileSync(path.join(root, 'docs/architecture.md'), 'utf8')
  it.each([
    ['README.md', readme.split('## How it works')[1]?.split('\n## ')[0] ?? ''],
    ['docs/architecture.md', architecture],
  ])('%s names only files and folders that exist', (_, text) => {
    const named = [...text.matchAll(/`((?:src|test|scripts)\/[\w./-]*)`/g)].map((m) => m[1]!)
    expect(named.length).toBeGreaterThan(5)
    expect(named.filter((p) => !existsSync(path.join(root, p)))).toEqual([])
  })
})
