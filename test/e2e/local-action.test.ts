import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { puts, worlds, yaml } from './fixture.js'
import { runCommand } from './harness.js'

// `npx local-action run . src/main.ts .env` (@github/local-action), as the README tells a developer to
// debug the action on their machine: the TypeScript entry under its stand-in for the runner.
const root = path.resolve(import.meta.dirname, '../..')
const servers = worlds()

describe('@github/local-action against src/main.ts', () => {
  it('runs a plan against the simulator from a .env file, offline, and sets every output', async () => {
    const { sim, report, inputs } = await servers.world()
    const drifted = report({ parameters: { kind: 'usage_summary' } })
    const kept = report()
    const workspace = await mkdtemp(path.join(tmpdir(), 'ars-local-action-'))
    await writeFile(
      path.join(workspace, 'reports.yaml'),
      yaml([{ id: drifted.id, kind: 'usage_daily' }, { id: kept.id }]),
    )
    const summary = path.join(workspace, 'summary.md')
    await writeFile(summary, '')
    const given = inputs({ mode: 'plan', config: 'reports.yaml' })
    const dotenv = [
      ...Object.entries(given).map(([k, v]) => `INPUT_${k.toUpperCase()}=${v}`),
      `GITHUB_WORKSPACE=${workspace}`,
      `GITHUB_STEP_SUMMARY=${summary}`,
    ]
    const envFile = path.join(workspace, '.env')
    await writeFile(envFile, dotenv.join('\n') + '\n')

    const r = await runCommand(
      process.execPath,
      [
        path.join(root, 'node_modules/@github/local-action/bin/local-action.js'),
        'run',
        '.',
        'src/main.ts',
        envFile,
      ],
      {
        cwd: root,
        // npm and npx offline: everything local-action needs is installed with the devDependencies.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', npm_config_offline: 'true' },
      },
    )
    expect(r.code, r.stdout + r.stderr).toBe(0)
    // local-action's @actions/core prints each output as it is set.
    const outputs = Object.fromEntries(
      [...r.stdout.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm)].map((m) => [m[1], m[2]]),
    )
    expect(outputs).toMatchObject({
      changed: '1',
      unchanged: '1',
      failed: '0',
      'has-changes': 'true',
      'failure-reason': '',
    })
    expect(JSON.parse(outputs.plan)).toHaveLength(2)
    expect(await readFile(summary, 'utf8')).toContain(drifted.id)
    expect(sim.requests.filter((q) => q.path.endsWith('/idp/token'))).toHaveLength(1)
    expect(puts(sim)).toHaveLength(0)
  })
})
