import { describe, expect, it } from 'vitest'
import { commentMarker } from '../../src/review/record.js'
import { startGitHubStub } from '../github/server.js'
import type { Simulator } from '../simulator/index.js'
import { planOf, puts, worlds, yaml } from './fixture.js'
import { RUNNER_NODE, runAction } from './harness.js'

// No merge is ever lost (issue 20): an apply catches up on every pull request merged since the last
// one applied, against the simulator and the GitHub stand-in, with a history of commits. The first of
// the issue's four scenarios runs the bundle (dist/index.js, the runners' Node), as the runner does;
// the other cases run in process (test/e2e/in-process.ts), as most main-level scenarios do.

const OWNER = 'acme'
const REPO = 'billing'
const TOKEN = 'ghs_theRunsGitHubToken0123456789abcdef'
const DAILY = { kind: 'usage_daily' }

/** A 40-digit commit id from a short name: `sha('m12')`. */
const sha = (name: string) => Buffer.from(name).toString('hex').padEnd(40, '0').slice(0, 40)

const servers = worlds()

/** The bundle under the runners' Node: `setup(BUNDLE)`. */
const BUNDLE = RUNNER_NODE[0]!.bin

async function setup(node?: string) {
  const w = await servers.world()
  const gh = servers.track(await startGitHubStub())
  gh.addToken(TOKEN, 'write')
  const [a, b, c] = [w.report(), w.report(), w.report()]
  /** reports.yaml with the given reports made daily: `file('a', 'c')`. */
  const file = (...daily: string[]) =>
    yaml(
      [
        ['a', a],
        ['b', b],
        ['c', c],
      ].map(([n, r]) => ({ id: (r as typeof a).id, ...(daily.includes(n as string) ? DAILY : {}) })),
    )
  const env = { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: `${OWNER}/${REPO}` }
  let runs = 4000
  /** The plan job of pull request `number` at its head. */
  const plan = (number: number, config: string) =>
    runAction({
      node,
      config,
      inputs: w.inputs({ 'github-token': TOKEN }),
      eventName: 'pull_request',
      event: { number, pull_request: { number, head: { sha: sha(`h${number}`) } } },
      env: { ...env, GITHUB_SHA: sha(`pm${number}`) },
    })
  /** The apply job at `commit`, in run `runs++`. */
  const apply = (commit: string, config: string, inputs: Record<string, string> = {}, event = 'push') =>
    runAction({
      node,
      config,
      inputs: w.inputs({ 'github-token': TOKEN, ...inputs }),
      eventName: event,
      env: { ...env, GITHUB_SHA: commit, GITHUB_RUN_ID: String(++runs), GITHUB_RUN_NUMBER: String(runs) },
    })
  let last: string | undefined
  /** A commit on main after the last one; `second` is a merge's second parent. */
  const commit = (name: string, second?: string) => {
    gh.addCommit(OWNER, REPO, { sha: sha(name), parents: [last, second].filter((p) => p !== undefined) })
    last = sha(name)
    return last
  }
  /** Pull request `number` merged with a merge commit (its head the second parent). */
  const merge = (number: number) => {
    gh.addCommit(OWNER, REPO, { sha: sha(`h${number}`), parents: last ? [last] : [] })
    const m = commit(`m${number}`, sha(`h${number}`))
    gh.addPull(OWNER, REPO, { number, head: sha(`h${number}`), mergeCommit: m })
    return m
  }
  /** Pull request 10, planned, merged and applied: where the catch-up stops looking back. */
  const applied = async () => {
    const config = file()
    expect((await plan(10, config)).code).toBe(0)
    const r = await apply(merge(10), config)
    expect(r.code, r.stdout).toBe(0)
    expect(comments(10)[0]!.body).toMatch(/^### Applied in /m)
  }
  const comments = (number: number) => gh.comments(OWNER, REPO, number)
  const walk = () =>
    gh.requests.filter((q) => q.method === 'GET').map((q) => q.path.replace(`/repos/${OWNER}/${REPO}`, ''))
  return { ...w, gh, a, b, c, file, plan, apply, commit, merge, applied, comments, walk }
}

/** The reports written, in path order: an apply writes its reports side by side, in any order. */
const written = (sim: Simulator) =>
  puts(sim)
    .map((q) => q.path)
    .sort()
const heading = (body: string) => /^### .*$/m.exec(body)?.[0]

describe('an apply catches up on every reviewed pull request since the last apply', () => {
  it("writes both pull requests' reviewed changes when the first one's apply never ran", async () => {
    const { sim, gh, a, b, file, plan, apply, merge, applied, comments, walk } = await setup(BUNDLE)
    await applied()
    // Two pull requests planned side by side, each from main as it was: #11 makes A daily, #12 B.
    await plan(11, file('a'))
    await plan(12, file('b'))
    merge(11) // its apply never runs: a newer pending run replaced it
    const m12 = merge(12)

    sim.clearLog()
    gh.clearLog()
    const r = await apply(m12, file('a', 'b'))
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '2', held: '0', failed: '0', 'failure-reason': '' })
    expect(written(sim)).toEqual([`/api/2/reports/${a.id}`, `/api/2/reports/${b.id}`].sort())
    expect(r.summary).toMatch(
      /Checked against the plans reviewed in \[pull request #11\]\(https:[^)]+\) and \[pull request #12\]\(https:[^)]+\), which were not applied yet/,
    )
    // Back to #10, whose comment records a completed apply, and no further.
    expect(walk()).toEqual([
      `/commits`,
      `/commits/${m12}/pulls`,
      `/issues/12/comments`,
      `/commits/${sha('m11')}/pulls`,
      `/issues/11/comments`,
      `/commits/${sha('m10')}/pulls`,
      `/issues/10/comments`,
    ])
    const [c11, c12] = [comments(11), comments(12)]
    expect([c11.length, c12.length]).toEqual([1, 1])
    const run = '\\[run 4002\\]\\(https://github\\.com/acme/billing/actions/runs/4002\\)'
    expect(heading(c11[0]!.body)).toMatch(
      new RegExp(`^### Applied with #12 in ${run} at ${m12.slice(0, 7)}: 2 updated, 0 held, 0 failed$`),
    )
    expect(heading(c12[0]!.body)).toMatch(
      new RegExp(`^### Applied in ${run} at ${m12.slice(0, 7)}: 2 updated, 0 held, 0 failed$`),
    )

    // The next apply (a rerun here) stops at #11, now applied: #12 is its own, and still counts.
    gh.clearLog()
    const again = await apply(m12, file('a', 'b'), {}, 'workflow_dispatch')
    expect(again.outputs).toMatchObject({ changed: '0', held: '0', 'failure-reason': '' })
    expect(walk()).toHaveLength(5)
    expect(again.summary).toContain('Checked against the plan reviewed in [pull request #12]')
  })

  it('holds the change of a direct push in between, and names it', async () => {
    const { sim, a, b, c, file, plan, apply, commit, merge, applied, comments } = await setup()
    await applied()
    await plan(11, file('a'))
    await plan(12, file('b'))
    merge(11)
    const direct = commit('direct') // makes C daily, no pull request
    const m12 = merge(12)
    sim.clearLog()
    const r = await apply(m12, file('a', 'b', 'c'))
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ changed: '2', held: '1', 'failure-reason': 'plan-changed' })
    expect(
      puts(sim)
        .map((q) => q.path)
        .sort(),
    ).toEqual([`/api/2/reports/${a.id}`, `/api/2/reports/${b.id}`].sort())
    expect(planOf(r.outputs).find((e) => e.id === c.id)).toMatchObject({ status: 'held', reviewed: [] })
    expect(r.summary).toContain(`Not reviewed: no pull request was merged as ${direct.slice(0, 7)}.`)
    expect(heading(comments(11)[0]!.body)).toMatch(
      /^### Applied with #12 in .*: 2 updated, 1 held, 0 failed$/,
    )
    expect(heading(comments(12)[0]!.body)).toMatch(/^### Applied in .*: 2 updated, 1 held, 0 failed$/)
  })

  it('finds pull requests merged by squash and by rebase', async () => {
    const { sim, gh, a, b, file, plan, apply, commit, applied, comments } = await setup()
    await applied()
    await plan(11, file('a'))
    await plan(12, file('b'))
    gh.addPull(OWNER, REPO, { number: 11, head: sha('h11'), mergeCommit: commit('squash11') })
    // #12 rebased onto main as two commits: GitHub lists it for both, its merge commit is the last.
    const r1 = commit('rebased12a')
    const r2 = commit('rebased12b')
    gh.addPull(OWNER, REPO, { number: 12, head: sha('h12'), mergeCommit: r2, commits: [r1] })
    sim.clearLog()
    const r = await apply(r2, file('a', 'b'))
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs).toMatchObject({ changed: '2', held: '0' })
    expect(written(sim)).toEqual([`/api/2/reports/${a.id}`, `/api/2/reports/${b.id}`].sort())
    expect(r.summary).not.toContain('Not reviewed') // r1 is #12's, not a direct push
    expect(heading(comments(11)[0]!.body)).toMatch(/^### Applied with #12 in /)
    expect(heading(comments(12)[0]!.body)).toMatch(/^### Applied in /)
  })

  it('stops looking back at the bound, says so, and holds what no plan it found lists', async () => {
    const { sim, gh, a, b, file, plan, apply, commit, merge, applied, comments, walk } = await setup()
    await applied()
    await plan(11, file('a'))
    await plan(12, file('b'))
    merge(11)
    for (let i = 0; i < 60; i++) commit(`push${i}`)
    const m12 = merge(12)
    sim.clearLog()
    gh.clearLog()
    const r = await apply(m12, file('a', 'b'))
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ changed: '1', held: '1', 'failure-reason': 'plan-changed' })
    expect(puts(sim).map((q) => q.path)).toEqual([`/api/2/reports/${b.id}`])
    expect(planOf(r.outputs).find((e) => e.id === a.id)).toMatchObject({ status: 'held' })
    expect(r.summary).toContain(
      'Stopped looking back after 50 commits without finding an applied pull request: what older changes no plan here lists is held.',
    )
    expect(r.summary).toContain('and 39 more')
    expect(walk().filter((p) => p.endsWith('/pulls'))).toHaveLength(50)
    expect(comments(11)[0]!.body).not.toContain('Applied')

    // 20 pull requests read at most: #13, planned with A, and 21 with no plan comment before it.
    await plan(13, file('a', 'b'))
    for (let n = 20; n < 41; n++) merge(n)
    const m13 = merge(13)
    gh.clearLog()
    sim.clearLog()
    const r13 = await apply(m13, file('a', 'b'))
    expect(r13.outputs).toMatchObject({ changed: '1', held: '0' })
    expect(puts(sim).map((q) => q.path)).toEqual([`/api/2/reports/${a.id}`])
    expect(r13.summary).toContain(
      'Stopped looking back after 20 pull requests without finding an applied one',
    )
    expect(walk().filter((p) => p.endsWith('/comments'))).toHaveLength(20)
  })

  it('holds what a pull request with no plan comment, or with a record that does not read, changed', async () => {
    const { sim, gh, a, b, c, file, plan, apply, merge, applied } = await setup()
    await applied()
    await plan(11, file('a'))
    merge(11)
    merge(12) // no plan comment: C
    gh.seedComments(OWNER, REPO, 13, [
      {
        body: `${commentMarker('reports.yaml')}\n<!-- acronis-report-sync:reviewed {"v":1,"full":{} -->`,
        user: 'github-actions[bot]',
      },
    ])
    const m13 = merge(13) // a record that does not read: B
    sim.clearLog()
    const r = await apply(m13, file('a', 'b', 'c'))
    expect(r.outputs).toMatchObject({ changed: '1', held: '2', 'failure-reason': 'plan-changed' })
    expect(puts(sim).map((q) => q.path)).toEqual([`/api/2/reports/${a.id}`])
    expect(r.summary.replace(/\u200d/g, '')).toContain(
      'Not reviewed: the plan comment of pull request #13: the recorded plan does not verify (not written by this action with this client secret, or edited since); pull request #12 has no plan comment of this action.',
    )
    expect(r.annotations.filter((x) => x.level === 'warning').map((x) => x.message)).toContainEqual(
      'reviewed plan: the plan comment of pull request #13: the recorded plan does not verify (not written by this action with this client secret, or edited since); counted as no reviewed plan',
    )
    for (const id of [b.id, c.id]) expect(planOf(r.outputs).find((e) => e.id === id)?.status).toBe('held')

    // Under require the same: the reviewed change is written, nothing else.
    sim.clearLog()
    const required = await apply(m13, file('a', 'b', 'c'), { 'reviewed-plan': 'require' })
    expect(required.outputs).toMatchObject({ changed: '0', held: '2' }) // A is done now
    expect(puts(sim)).toHaveLength(0)
  })

  it('lets the newest of two plans decide, and has nothing to apply after a revert', async () => {
    const { sim, a, file, plan, apply, merge, applied, comments } = await setup()
    await applied()
    await plan(11, file('a')) // A daily
    await plan(12, yaml([{ id: a.id, kind: 'usage_current' }])) // A current, reviewed later
    merge(11)
    const m12 = merge(12)
    sim.clearLog()
    const r = await apply(m12, yaml([{ id: a.id, kind: 'usage_current' }]))
    expect(r.code, r.stdout).toBe(0)
    expect(puts(sim)).toHaveLength(1)
    expect(sim.getReport(a.id)!.parameters.kind).toBe('usage_current')

    // #13 reverted #14 before either was applied: A is back where it is live, nothing to write.
    await plan(14, yaml([{ id: a.id, kind: 'usage_daily' }]))
    await plan(13, yaml([{ id: a.id, kind: 'usage_current' }]))
    merge(14)
    const m13 = merge(13)
    sim.clearLog()
    const reverted = await apply(m13, yaml([{ id: a.id, kind: 'usage_current' }]))
    expect(reverted.code, reverted.stdout).toBe(0)
    expect(reverted.outputs).toMatchObject({ changed: '0', held: '0' })
    expect(puts(sim)).toHaveLength(0)
    expect(heading(comments(14)[0]!.body)).toMatch(
      /^### Applied with #13 in .*: 0 updated, 0 held, 0 failed$/,
    )
  })

  it('warns when GitHub refuses a request on the way back (404), and applies what it found until then', async () => {
    const { sim, gh, a, b, file, plan, apply, merge, applied, comments } = await setup()
    await applied()
    await plan(11, file('a'))
    await plan(12, file('b'))
    merge(11)
    const m12 = merge(12)
    gh.inject({ method: 'GET', path: /\/issues\/11\/comments$/, status: 404 })
    sim.clearLog()
    const r = await apply(m12, file('a', 'b'))
    expect(r.outputs).toMatchObject({ changed: '1', held: '1', 'failure-reason': 'plan-changed' })
    expect(puts(sim).map((q) => q.path)).toEqual([`/api/2/reports/${b.id}`])
    expect(planOf(r.outputs).find((e) => e.id === a.id)?.status).toBe('held')
    const warning = r.annotations.find((x) => x.level === 'warning' && x.message.startsWith('reviewed plan'))
    expect(warning?.message).toMatch(
      /^reviewed plan: GitHub GET \/repos\/acme\/billing\/issues\/11\/comments → 404: .*; stopped looking back there$/,
    )
    expect(r.summary).toContain(`Stopped looking back at ${sha('m11').slice(0, 7)}: GitHub GET`)
    expect(comments(11)[0]!.body).not.toContain('Applied')
    expect(heading(comments(12)[0]!.body)).toMatch(/^### Applied in .*: 1 updated, 1 held, 0 failed$/)
  })

  it('fixes a failed apply by running it again with reviewed-plan: check', async () => {
    const { sim, a, b, file, plan, apply, merge, applied, comments } = await setup()
    await applied()
    await plan(11, file('a'))
    await plan(12, file('b'))
    merge(11)
    const m12 = merge(12)
    sim.inject({ method: 'PUT', path: `/reports/${a.id}`, status: 400 })
    const failed = await apply(m12, file('a', 'b'))
    expect(failed.outputs).toMatchObject({ changed: '1', failed: '1', 'failure-reason': 'failed-reports' })
    expect(heading(comments(11)[0]!.body)).toMatch(/1 updated, 0 held, 1 failed$/)

    // #11's comment records a failed report: not a completed apply, so the rerun includes it again.
    sim.clearLog()
    const rerun = await apply(m12, file('a', 'b'), { 'reviewed-plan': 'check' }, 'workflow_dispatch')
    expect(rerun.code, rerun.stdout).toBe(0)
    expect(rerun.outputs).toMatchObject({ changed: '1', held: '0', failed: '0' })
    expect(puts(sim).map((q) => q.path)).toEqual([`/api/2/reports/${a.id}`])
    expect(heading(comments(11)[0]!.body)).toMatch(
      /^### Applied with #12 in .*: 1 updated, 0 held, 0 failed$/,
    )
    expect(sim.getReport(b.id)!.parameters.kind).toBe('usage_daily')
  })
})
