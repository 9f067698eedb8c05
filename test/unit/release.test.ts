import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import schema from '../../schema/reports.schema.json' with { type: 'json' }
import { releaseNotes } from '../../scripts/release-notes.js'

const root = path.resolve(import.meta.dirname, '../..')
const read = (file: string) => readFileSync(path.join(root, file), 'utf8')
const workflows = (dir: string) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => path.join(dir, f))

/** owner/name, set once: package.json's repository. */
const REPO = /github\.com\/([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(pkg.repository.url)?.[1] ?? ''

describe('one repository name', () => {
  it('is set in package.json', () => {
    expect(REPO).toBe('acronis-report-sync/acronis-report-sync')
  })

  it('is what the schema $id, README, SECURITY.md and every workflow use, with no placeholder left', () => {
    expect(schema.$id).toBe(`https://raw.githubusercontent.com/${REPO}/v1/schema/reports.schema.json`)
    const files = [
      'README.md',
      'SECURITY.md',
      'CHANGELOG.md',
      'action.yml',
      ...workflows('.github/workflows'),
    ]
    for (const file of files) {
      const text = read(file)
      expect(text, file).not.toMatch(/<owner>|your-org\/|OWNER\//)
      for (const [, name] of text.matchAll(/uses: ([\w.-]+\/acronis-report-sync)@/g))
        expect(name, file).toBe(REPO)
      for (const [, name] of text.matchAll(/github\.com\/([\w.-]+\/acronis-report-sync)\b/g))
        expect(name, file).toBe(REPO)
    }
  })
})

describe('release files', () => {
  it('LICENSE is the MIT licence package.json names', () => {
    expect(pkg.license).toBe('MIT')
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /)
  })

  it('SECURITY.md says how to report a vulnerability privately', () => {
    expect(read('SECURITY.md')).toContain(`https://github.com/${REPO}/security/advisories/new`)
  })

  it('CHANGELOG.md has an Unreleased section the next release is cut from', () => {
    expect(read('CHANGELOG.md')).toMatch(/^## \[Unreleased\]$/m)
  })

  it('Dependabot updates npm and the workflow actions, each in groups', () => {
    const config = parse(read('.github/dependabot.yml')) as {
      updates: { 'package-ecosystem': string; groups?: Record<string, unknown> }[]
    }
    expect(config.updates.map((u) => u['package-ecosystem'])).toEqual(['npm', 'github-actions'])
    for (const u of config.updates) expect(Object.keys(u.groups ?? {}).length).toBeGreaterThan(0)
  })

  it('the release workflow checks dist and runs the tests before it tags, moves the major tag, publishes and drafts', () => {
    const wf = parse(read('.github/workflows/release.yml')) as {
      on: { workflow_dispatch: { inputs: { version: { required: boolean } } } }
      jobs: {
        release: {
          permissions: Record<string, string>
          steps: { run?: string; if?: string; env?: Record<string, string>; id?: string }[]
        }
      }
    }
    expect(wf.on.workflow_dispatch.inputs.version.required).toBe(true)
    const runs = wf.jobs.release.steps.map((s) => s.run ?? '').join('\n')
    const order = [
      'release-notes.ts',
      'npm run check-dist',
      'npm test',
      'git tag -a',
      'git tag -fa',
      'npm pack',
      'npm publish',
      'gh release create',
    ]
    const at = order.map((step) => runs.indexOf(step))
    expect(at.every((i) => i >= 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
    expect(runs).toContain('--draft')
    expect(runs).not.toContain('${{') // the version reaches the shell as $VERSION, never spliced into a script

    // npm: with provenance, only when a registry token is configured, and the token in no other step.
    const steps = wf.jobs.release.steps
    const publish = steps.find((s) => s.run?.includes('npm publish'))!
    expect(publish.run).toContain('--provenance')
    expect(wf.jobs.release.permissions['id-token']).toBe('write')
    const check = steps.find((s) => s.id && publish.if === `steps.${s.id}.outputs.publish == 'true'`)
    expect(check?.run).toContain('-n "$NPM_TOKEN"')
    const withToken = steps.filter((s) => JSON.stringify(s.env ?? {}).includes('secrets.NPM_TOKEN'))
    expect(withToken).toEqual([check, publish])
  })

  it('the version, the major tag users write, the schema $id and the release notes agree', () => {
    const major = pkg.version.split('.')[0]!
    expect(pkg.version).toBe('1.0.0')
    for (const file of ['README.md', ...workflows('examples/workflows')]) {
      const tags = [...read(file).matchAll(/uses: [\w.-]+\/acronis-report-sync@([\w.]*\w)/g)].map((m) => m[1])
      expect(new Set(tags), file).toEqual(new Set([`v${major}`]))
    }
    expect(schema.$id).toContain(`/v${major}/`)
    expect(releaseNotes(read('CHANGELOG.md'), pkg.version)).toMatch(/\S/)
  })

  it('the package installs on its own: public, a bin, an engine, no runtime dependency', () => {
    const manifest = pkg as typeof pkg & { private?: boolean; dependencies?: Record<string, string> }
    expect(manifest.private).toBeUndefined()
    expect(manifest.dependencies ?? {}).toEqual({})
    expect(pkg.bin).toEqual({ 'acronis-report-sync': 'dist/cli.js' })
    expect(pkg.engines.node).toBe('>=20')
    expect(pkg.files).toEqual(['dist', 'action.yml', 'schema'])
  })

  it('CodeQL analyses the TypeScript sources', () => {
    expect(read('.github/workflows/codeql.yml')).toContain('languages: javascript-typescript')
  })
})

describe('release notes from the changelog', () => {
  const changelog = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '## [1.1.0] - 2026-12-01',
    '',
    '### Fixed',
    '',
    '- a thing',
    '',
    '## [1.0.0] - 2026-11-30',
    '',
    '- first',
    '',
    '[1.1.0]: https://example.com',
  ].join('\n')

  it('takes the section of the version, without its heading or the next one', () => {
    expect(releaseNotes(changelog, '1.1.0')).toBe('### Fixed\n\n- a thing\n')
    expect(releaseNotes(changelog, '1.0.0')).toBe('- first\n')
  })

  it.each([
    ['v1.1.0', 'is not X.Y.Z'],
    ['1.2.0', 'has no "## [1.2.0] - YYYY-MM-DD" section'],
  ])('refuses %s: %s', (version, message) => {
    expect(() => releaseNotes(changelog, version)).toThrow(message)
  })

  it('refuses a section without a date, or an empty one', () => {
    expect(() => releaseNotes('## [2.0.0]\n\n- x\n', '2.0.0')).toThrow('has no date')
    expect(() => releaseNotes('## [2.0.0] - 2026-01-01\n\n## [1.0.0] - 2025-01-01\n- x', '2.0.0')).toThrow(
      'empty',
    )
  })
})
