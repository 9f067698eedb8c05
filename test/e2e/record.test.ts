import { describe, expect, it } from 'vitest'
import { commentMarker } from '../../src/review/record.js'
import { startGitHubStub, type GitHubStub } from '../github/server.js'
import { puts, worlds, yaml } from './fixture.js'
import { runAction } from './harness.js'

// Issue 18 §2: the reviewed record in the plan comment cannot be forged, replayed or edited. Plan on a
// pull request, merge, apply, against the simulator and the GitHub stand-in.

const OWNER = 'acme'
const REPO = 'billing'
const PR = 17
const HEAD1 = '1111111111111111111111111111111111111111'
const HEAD2 = '2222222222222222222222222222222222222222'
const MERGE = '0123456789abcdef0123456789abcdef01234567' // the harness's GITHUB_SHA
const TOKEN = 'ghs_theRunsGitHubToken0123456789abcdef'
const RENOVATE = 'ghs_renovatesOwnInstallationToken012345'

const servers = worlds()

async function setup(finalHead = HEAD2) {
  const w = await servers.world()
  const gh = servers.track(await startGitHubStub())
  gh.addToken(TOKEN, 'write')
  gh.addToken(RENOVATE, 'write', 'renovate[bot]')
  gh.addPull(OWNER, REPO, { number: PR, head: finalHead, mergeCommit: MERGE })
  gh.addCommit(OWNER, REPO, { sha: MERGE }) // the start of history: nothing before it to catch up on
  const env = { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: `${OWNER}/${REPO}` }
  const plan = (config: string, head: string, inputs: Record<string, string> = {}) =>
    runAction({
      config,
      inputs: w.inputs({ 'github-token': TOKEN, ...inputs }),
      eventName: 'pull_request',
      event: { number: PR, pull_request: { number: PR, head: { sha: head } } },
      env,
    })
  const apply = (config: string, inputs: Record<string, string> = {}) =>
    runAction({
      config,
      inputs: w.inputs({ 'github-token': TOKEN, 'reviewed-plan': 'require', ...inputs }),
      eventName: 'push',
      env,
    })
  /** A comment as another account writes it, through the API as it would (POST or PATCH). */
  const write = async (token: string, body: string, id?: number) => {
    const path = id ? `issues/comments/${id}` : `issues/${PR}/comments`
    const reply = await fetch(`${gh.url}/repos/${OWNER}/${REPO}/${path}`, {
      method: id ? 'PATCH' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body }),
    })
    expect(reply.status).toBeLessThan(300)
  }
  return { ...w, gh, plan, apply, write }
}

const comments = (gh: GitHubStub) => gh.comments(OWNER, REPO, PR)
const kindOf = (sim: { getReport(id: string): { parameters: { kind?: string } } | undefined }, id: string) =>
  sim.getReport(id)!.parameters.kind

describe('the reviewed record cannot be forged, replayed or edited', () => {
  it("ignores another app's comment with the marker and a forged record, and never edits it", async () => {
    const { sim, gh, report, plan, apply, write } = await setup(HEAD1)
    const rep = report()
    // renovate[bot] is first: the marker and a record claiming a change nobody reviewed.
    const forged = [
      commentMarker('reports.yaml'),
      '<!-- acronis-report-sync:plan -->',
      `<!-- acronis-report-sync:reviewed {"v":2,"repo":"${OWNER}/${REPO}","pr":${PR},"sha":"${HEAD1}","config":"reports.yaml","full":{"${rep.id}":[["kind","usage_summary","usage_current"]]},"digests":"","digestLength":16,"unrecorded":0} unsigned -->`,
    ].join('\n')
    await write(RENOVATE, forged)
    const planned = await plan(yaml([{ id: rep.id, kind: 'usage_daily' }]), HEAD1)
    expect(planned.code, planned.stdout).toBe(0)
    expect(planned.annotations.filter((a) => a.level === 'warning')).toEqual([])
    expect(gh.requests.filter((q) => q.method === 'PATCH')).toEqual([])
    expect(comments(gh).map((c) => c.user.login)).toEqual(['renovate[bot]', 'github-actions[bot]'])
    expect(comments(gh)[0]!.body).toBe(forged)

    // The merge carries the forged change: not what was reviewed, so it is held.
    const r = await apply(yaml([{ id: rep.id, kind: 'usage_current' }]))
    expect(r.outputs).toMatchObject({ changed: '0', held: '1', 'failure-reason': 'plan-changed' })
    expect(puts(sim)).toHaveLength(0)
    expect(kindOf(sim, rep.id)).toBe('usage_summary')
    // What was reviewed is applied.
    const ok = await apply(yaml([{ id: rep.id, kind: 'usage_daily' }]))
    expect(ok.outputs).toMatchObject({ changed: '1', held: '0', 'failure-reason': '' })
    expect(comments(gh)[0]!.body).toBe(forged)
  })

  it('refuses a record edited after the plan, with a warning that says so', async () => {
    const { sim, gh, report, plan, apply, write } = await setup(HEAD1)
    const rep = report()
    expect((await plan(yaml([{ id: rep.id, kind: 'usage_daily' }]), HEAD1)).code).toBe(0)
    const [ours] = comments(gh)
    // Someone who can edit the comment (a maintainer, or a step with the same token) changes the record.
    await write(TOKEN, ours!.body.replace('"usage_daily"', '"usage_current"'), ours!.id)
    const r = await apply(yaml([{ id: rep.id, kind: 'usage_current' }]))
    expect(r.outputs).toMatchObject({ changed: '0', held: '1', 'failure-reason': 'plan-changed' })
    expect(puts(sim)).toHaveLength(0)
    expect(r.annotations.find((a) => a.level === 'warning')?.message).toBe(
      `reviewed plan: the plan comment of pull request #${PR}: the recorded plan does not verify (not written by this action with this client secret, or edited since); counted as no reviewed plan`,
    )
  })

  it("does not count a record of an earlier push: only the merged pull request's final head", async () => {
    const { sim, report, plan, apply } = await setup(HEAD2)
    const rep = report()
    const config = yaml([{ id: rep.id, kind: 'usage_daily' }])
    expect((await plan(config, HEAD1)).code).toBe(0) // HEAD2 was pushed and merged without a plan
    const r = await apply(config)
    expect(r.outputs).toMatchObject({ changed: '0', held: '1', 'failure-reason': 'plan-changed' })
    expect(puts(sim)).toHaveLength(0)
    expect(r.summary).toContain(
      "the recorded plan is of commit 1111111, not of the pull request's final head 2222222",
    )
  })

  it('of two plan comments, takes the one of the final head, not the earliest', async () => {
    const { sim, gh, report, plan, apply } = await setup(HEAD2)
    const rep = report()
    expect((await plan(yaml([{ id: rep.id, kind: 'usage_current' }]), HEAD1)).code).toBe(0)
    // A second comment of the action (a listing cut short posts one): a copy of the first, at HEAD1.
    gh.seedComments(OWNER, REPO, PR, [{ body: comments(gh)[0]!.body, user: 'github-actions[bot]' }])
    // The push of HEAD2 is planned: the newest of the action's comments is edited.
    expect((await plan(yaml([{ id: rep.id, kind: 'usage_daily' }]), HEAD2)).code).toBe(0)
    const [first, second] = comments(gh)
    expect(first!.body).toContain(HEAD1)
    expect(second!.body).toContain(HEAD2)
    const r = await apply(yaml([{ id: rep.id, kind: 'usage_daily' }]))
    expect(r.outputs).toMatchObject({ changed: '1', held: '0', 'failure-reason': '' })
    expect(puts(sim)).toHaveLength(1)
    expect(r.summary).toContain('reviewed at 2222222')
  })

  it('with a given token: an unsigned record, trusted only from the account GITHUB_TOKEN acts as', async () => {
    const { sim, gh, report, plan, apply, write } = await setup(HEAD1)
    const rep = report()
    const given = { 'client-id': '', 'client-secret': '', token: sim.issueToken() }
    expect((await plan(yaml([{ id: rep.id, kind: 'usage_daily' }]), HEAD1, given)).code).toBe(0)
    const [ours] = comments(gh)
    expect(ours!.body).toMatch(/ unsigned -->/)
    // Another app copies the record with a change of its own, after the plan: not the action's account.
    await write(RENOVATE, ours!.body.replace('"usage_daily"', '"usage_current"'))
    const forged = await apply(yaml([{ id: rep.id, kind: 'usage_current' }]), given)
    expect(forged.outputs).toMatchObject({ changed: '0', held: '1', 'failure-reason': 'plan-changed' })
    expect(puts(sim)).toHaveLength(0)
    const ok = await apply(yaml([{ id: rep.id, kind: 'usage_daily' }]), given)
    expect(ok.outputs).toMatchObject({ changed: '1', held: '0', 'failure-reason': '' })
  })
})
