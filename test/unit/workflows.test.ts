import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'

// The ready-to-copy workflows and the README's main snippet: every job that needs the API checks its
// settings first and fails loudly, naming what is missing and where to set it; fork PRs only validate.
const root = path.resolve(import.meta.dirname, '../..')
const ACTION = 'acronis-report-sync/acronis-report-sync@v1'

interface Step {
  name?: string
  uses?: string
  run?: string
  env?: Record<string, string>
  with?: Record<string, unknown>
}
interface Job {
  if?: string
  environment?: string
  steps: Step[]
}
type Workflow = {
  on: Record<string, unknown>
  concurrency?: { group: string; 'cancel-in-progress': boolean | string }
  jobs: Record<string, Job>
}

const examples = readdirSync(path.join(root, 'examples/workflows')).map((f): [string, Workflow] => [
  f,
  parse(readFileSync(path.join(root, 'examples/workflows', f), 'utf8')) as Workflow,
])
const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
const snippet = /## Usage\n\n```yaml\n([\s\S]*?)```/.exec(readme)![1]!
const all: [string, Workflow][] = [...examples, ['README.md', parse(snippet) as Workflow]]

/** Jobs that talk to the API: they run the action with a base-url. */
const online = (w: Workflow) =>
  Object.entries(w.jobs).filter(([, j]) => j.steps.some((s) => s.with?.['base-url']))

/**
 * Runs a check step's script as the runner would (`bash --noprofile --norc -eo pipefail`), with the
 * values the expressions gave. Without --norc, bash given a socket for stdin (as Node gives it) and
 * no SHLVL reads ~/.bashrc, which on a developer's machine can take longer than the script.
 */
function check(step: Step, values: Record<string, string>) {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
    env: {
      PATH: process.env.PATH,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/billing',
      ...values,
    },
    encoding: 'utf8',
  })
  return { code: r.status, errors: r.stdout.split('\n').filter((l) => l.startsWith('::error')) }
}

/** Every variable the check step reads, set to `value` (or to what `values` says). */
const envOf = (step: Step, value: string, values: Record<string, string> = {}) =>
  Object.fromEntries(Object.keys(step.env ?? {}).map((k) => [k, values[k] ?? value]))

describe.each(all)('%s', (_file, workflow) => {
  it('uses the action by its one name, and checks the settings before any job that needs them', () => {
    const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses ?? ''))
    for (const u of uses.filter((u) => u.includes('acronis-report-sync'))) expect(u).toBe(ACTION)
    expect(online(workflow).length).toBeGreaterThan(0)
    for (const [name, job] of online(workflow)) {
      const first = job.steps[0]!
      expect(first.name, name).toMatch(/^Check the settings/)
      expect(Object.values(first.env ?? {})).toEqual(
        expect.arrayContaining([
          '${{ vars.ACRONIS_BASE_URL }}',
          '${{ secrets.ACRONIS_CLIENT_ID }}',
          '${{ secrets.ACRONIS_CLIENT_SECRET }}',
        ]),
      )
      expect(job.if ?? '', name).not.toContain('vars.') // no silent skip when a variable is missing
      const none = check(first, envOf(first, ''))
      expect(none.code).toBe(1)
      for (const v of ['ACRONIS_BASE_URL', 'ACRONIS_CLIENT_ID', 'ACRONIS_CLIENT_SECRET'])
        expect(none.errors.join('\n')).toContain(v)
      expect(check(first, envOf(first, 'set'))).toEqual({ code: 0, errors: [] })
    }
  })

  it('names each missing one, variable or secret, and the page to set it on', () => {
    for (const [, job] of online(workflow)) {
      const step = job.steps[0]!
      const none = check(step, envOf(step, ''))
      expect(none.errors).toHaveLength(3)
      expect(none.errors[0]).toMatch(
        /^::error title=ACRONIS_BASE_URL is empty in this job::Set the variable ACRONIS_BASE_URL in Settings > Secrets and variables > Actions > Variables \(https:\/\/github\.com\/acme\/billing\/settings\/variables\/actions\)/,
      )
      expect(none.errors[2]).toContain(
        'Set the secret ACRONIS_CLIENT_SECRET in Settings > Secrets and variables > Actions > Secrets (https://github.com/acme/billing/settings/secrets/actions)',
      )
      expect(none.errors[2]).toContain('environment')
      const one = check(step, envOf(step, 'set', { ACRONIS_CLIENT_SECRET: '' }))
      expect(one.code).toBe(1)
      expect(one.errors.map((e) => /title=(\w+)/.exec(e)![1])).toEqual(['ACRONIS_CLIENT_SECRET'])
    }
  })
})

describe('fork pull requests', () => {
  it.each([
    ['reports-plan.yml', examples.find(([f]) => f === 'reports-plan.yml')![1]],
    ['README.md', all.at(-1)![1]],
  ])('%s: the job with secrets is skipped for a fork, which runs validate instead', (_, workflow) => {
    const [, job] = online(workflow)[0]!
    expect(job.if).toContain('github.event.pull_request.head.repo.full_name == github.repository')
    const validate = Object.values(workflow.jobs).find((j) =>
      j.steps.some((s) => s.with?.mode === 'validate'),
    )!
    expect(validate.if).toContain('github.event.pull_request.head.repo.full_name != github.repository')
    expect(JSON.stringify(validate)).not.toContain('secrets.')
  })
})

describe('reports-pull.yml', () => {
  it("fails when the pull request would have no token but the workflow's own, naming both ways", () => {
    const step = examples.find(([f]) => f === 'reports-pull.yml')![1].jobs.pull!.steps[1]!
    expect(step.name).toBe('Check the token for the pull request')
    const none = check(step, envOf(step, ''))
    expect(none.code).toBe(1)
    expect(none.errors).toEqual([expect.stringMatching(/REPORTS_APP_PRIVATE_KEY.*REPORTS_PULL_TOKEN/)])
    expect(check(step, envOf(step, '', { REPORTS_APP_CLIENT_ID: 'id' })).code).toBe(1)
    expect(check(step, envOf(step, '', { REPORTS_PULL_TOKEN: 'token' })).code).toBe(0)
    expect(check(step, envOf(step, 'set', { REPORTS_PULL_TOKEN: '' })).code).toBe(0)
  })
})

// GitHub keeps one running and one pending run per concurrency group and replaces the pending one:
// harmless for applies, which catch up on every reviewed plan since the last apply, as long as no
// apply is cancelled mid-write. Plans only matter for a pull request's newest commit.
describe('concurrency: applies never cancelled, one plan per pull request', () => {
  const named = (f: string) => examples.find(([n]) => n === f)![1]

  it('reports-apply.yml: every apply in one group, never cancelling a run in progress', () => {
    expect(named('reports-apply.yml').concurrency).toEqual({
      group: 'acronis-reports-apply',
      'cancel-in-progress': false,
    })
  })

  it('reports-plan.yml: a group per pull request, where a newer plan cancels the older', () => {
    expect(named('reports-plan.yml').concurrency).toEqual({
      group: 'acronis-reports-plan-${{ github.event.pull_request.number }}',
      'cancel-in-progress': true,
    })
  })

  it('README.md: both in one workflow, the group and the cancelling by event', () => {
    const workflow = all.at(-1)![1]
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'push']))
    expect(workflow.concurrency).toEqual({
      group:
        "acronis-reports-${{ github.event_name == 'pull_request' && format('pr-{0}', github.event.pull_request.number) || 'apply' }}",
      'cancel-in-progress': "${{ github.event_name == 'pull_request' }}",
    })
  })
})
