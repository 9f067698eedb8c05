import { mkdir, mkdtemp, readdir, realpath, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { worlds } from './fixture.js'
import { runCommand } from './harness.js'

// The package as a user gets it: packed, installed into a project of their own, run from there with
// nothing of this checkout reachable, and without the network (it has no dependency to fetch).
const root = path.resolve(import.meta.dirname, '../..')
const servers = worlds()

/** npm with an empty cache of its own, offline: anything it would have to download fails the test. */
function npm(args: string[], cwd: string, cache: string) {
  return runCommand('npm', [...args, '--offline', '--cache', cache, '--no-audit', '--no-fund'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: path.dirname(cache) },
  })
}

describe('the npm package', () => {
  it('packs, installs offline into an empty project with no dependency, and runs --help and a plan there', async () => {
    const { report, env } = await servers.world()
    const id = report().id
    const scratch = await realpath(await mkdtemp(path.join(tmpdir(), 'ars-package-')))
    const cache = path.join(scratch, 'npm-cache')

    const packed = await npm(['pack', '--json', '--pack-destination', scratch], root, cache)
    expect(packed.code, packed.stderr).toBe(0)
    const [{ filename, files }] = JSON.parse(packed.stdout) as [
      { filename: string; files: { path: string }[] },
    ]
    const paths = files.map((f) => f.path)
    expect(paths).toEqual(
      expect.arrayContaining(['dist/cli.js', 'dist/index.js', 'dist/action.js', 'action.yml', 'LICENSE']),
    )
    expect(paths.filter((p) => p.startsWith('src/') || p.startsWith('test/'))).toEqual([])

    const project = path.join(scratch, 'project')
    await mkdir(project)
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'my-reports', private: true }))
    const installed = await npm(['install', path.join(scratch, filename)], project, cache)
    expect(installed.code, installed.stderr).toBe(0)
    // One package and nothing else: dist/cli.js carries what it needs.
    expect((await readdir(path.join(project, 'node_modules'))).filter((d) => !d.startsWith('.'))).toEqual([
      'acronis-report-sync',
    ])
    const bin = path.join(project, 'node_modules/.bin/acronis-report-sync')
    expect(await realpath(bin)).toBe(path.join(project, 'node_modules/acronis-report-sync/dist/cli.js'))

    // Run as a user's shell runs it: the bin on PATH, the project as the working directory.
    const shell = { PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH ?? ''}`, HOME: scratch }
    const help = await runCommand('acronis-report-sync', ['--help'], { cwd: project, env: shell })
    expect(help.code, help.stderr).toBe(0)
    expect(help.stdout).toContain(`acronis-report-sync ${pkg.version}:`)
    expect(help.stdout).toMatch(/^ {2}plan /m)

    await writeFile(path.join(project, 'reports.yaml'), `reports:\n  - id: ${id}\n`)
    const plan = await runCommand('acronis-report-sync', ['plan', '--detailed-exitcode'], {
      cwd: project,
      env: { ...shell, ...env },
    })
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    expect(plan.stdout).toContain('Plan: 0 to update, 1 unchanged, 0 failed (1 declared in reports.yaml)')
  })
})
