import { describe, expect, it } from 'vitest'
import { commentMarker } from '../../src/review/record.js'
import { startGitHubStub, type GitHubStub } from '../github/server.js'
import { planOf, puts, worlds, yaml } from './fixture.js'
import { runAction } from './harness.js'

// What you review is what is applied (issue 10): plan on a pull request, merge, apply against the
// simulator and the GitHub stand-in. The Node version does not matter here: one Node runs them.

const OWNER = 'acme'
const REPO = 'billing'
const PR = 17
const HEAD = 'feedfacecafebeef0000000000000000deadbeef'
const MERGE = '0123456789abcdef0123456789abcdef01234567' // the harness's GITHUB_SHA
const TOKEN = 'ghs_theRunsGitHubToken0123456789abcdef'

const servers = worlds()

async function setup() {
  const w = await servers.world()
  const gh = servers.track(await startGitHubStub())
  gh.addToken(TOKEN, 'write')
  gh.addPull(OWNER, REPO, { number: PR, head: HEAD, mergeCommit: MERGE })
  gh.addCommit(OWNER, REPO, { sha: MERGE }) // the start of history: nothing before it to catch up on
  const env = { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: `${OWNER}/${REPO}` }
  const plan = (config: string, inputs: Record<string, string> = {}) =>
    runAction({
      config,
      inputs: w.inputs({ 'github-token': TOKEN, ...inputs }),
      eventName: 'pull_request',
      event: { number: PR, pull_request: { number: PR, head: { sha: HEAD } } },
      env,
    })
  const apply = (config: string, inputs: Record<string, string> = {}, extra: Record<string, string> = {}) =>
    runAction({
      config,
      inputs: w.inputs({ 'github-token': TOKEN, ...inputs }),
      eventName: 'push',
      env: { ...env, ...extra },
    })
  return { ...w, gh, plan, apply }
}

const comments = (gh: GitHubStub) => gh.comments(OWNER, REPO, PR)
const kind = (from: string, to: string) => [{ field: 'kind', from, to }]

describe('what you review is what is applied', () => {
  it('applies a reviewed plan when nothing moved, and edits the plan comment with the outcome', async () => {
    const { sim, gh, report, plan, apply } = await setup()
    const [a, b] = [report(), report()]
    const config = yaml([
      { id: a.id, kind: 'usage_daily' },
      { id: b.id, kind: 'usage_summary' },
    ])
    expect((await plan(config)).code).toBe(0)
    expect(comments(gh)).toHaveLength(1)
    // GitHub also lists an open pull request that contains the commit: not the one merged as it.
    gh.addPull(OWNER, REPO, { number: 99, head: MERGE })

    gh.clearLog()
    const r = await apply(config)
    expect(r.code, r.stdout).toBe(0)
    expect(puts(sim).map((q) => q.path)).toEqual([`/api/2/reports/${a.id}`])
    expect(r.outputs).toMatchObject({ changed: '1', held: '0', failed: '0', 'failure-reason': '' })
    expect(r.summary).toContain(`Checked against the plan reviewed in [pull request #${PR}]`)
    expect(r.summary).toContain('reviewed at feedfac')
    expect(gh.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      `GET /repos/${OWNER}/${REPO}/commits`,
      `GET /repos/${OWNER}/${REPO}/commits/${MERGE}/pulls`,
      `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments`,
      `PATCH /repos/${OWNER}/${REPO}/issues/comments/${comments(gh)[0]!.id}`,
    ])
    const body = comments(gh)[0]!.body
    expect(comments(gh)).toHaveLength(1)
    expect(body).toMatch(
      /^### Applied in \[run 4242\]\(https:\/\/github\.com\/acme\/billing\/actions\/runs\/4242\) at 0123456: 1 updated, 0 held, 0 failed$/m,
    )
    expect(body).toContain('kind: usage_summary → usage_daily') // the reviewed plan, kept below
    expect(body.indexOf('Applied in')).toBeLessThan(body.indexOf('plan for `reports.yaml`'))
  })

  it('holds a reviewed report that changed live before the merge, applies the others, and fails', async () => {
    const { sim, gh, report, plan, apply } = await setup()
    const [moved, other] = [report(), report()]
    const config = yaml([
      { id: moved.id, name: 'Moved', kind: 'usage_daily' },
      { id: other.id, kind: 'usage_daily' },
    ])
    await plan(config)
    sim.patchReport(moved.id, { parameters: { kind: 'usage_current' } }) // someone in the console

    // max-changes counts what would be written: the held report is not.
    const r = await apply(config, { 'max-changes': '1' })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({
      changed: '1',
      held: '1',
      failed: '0',
      'has-changes': 'true',
      'failure-reason': 'plan-changed',
    })
    expect(puts(sim).map((q) => q.path)).toEqual([`/api/2/reports/${other.id}`])
    expect(sim.getReport(moved.id)!.parameters.kind).toBe('usage_current')
    const held = planOf(r.outputs).find((e) => e.id === moved.id)
    expect(held).toMatchObject({
      status: 'held',
      changes: kind('usage_current', 'usage_daily'),
      reviewed: kind('usage_summary', 'usage_daily'),
      error: 'differs from the reviewed plan',
    })
    expect(r.summary).toContain('reviewed: kind: usage_summary → usage_daily')
    expect(r.summary).toContain('now: kind: usage_current → usage_daily')
    const warning = r.annotations.find((a) => a.level === 'warning' && a.message.startsWith('held'))
    expect(warning?.props).toMatchObject({ file: 'reports.yaml', line: '2' })
    expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/^1 report held/)
    const body = comments(gh)[0]!.body
    expect(body).toContain('1 updated, 1 held, 0 failed')
    expect(body).toContain('now: kind: usage_current → usage_daily')
  })

  it('holds a report reviewed as unchanged that drifted after the review', async () => {
    const { sim, report, plan, apply } = await setup()
    const [steady, changed] = [report(), report()]
    const config = yaml([
      { id: steady.id, enabled: true },
      { id: changed.id, kind: 'usage_daily' },
    ])
    await plan(config)
    sim.patchReport(steady.id, { schedule: { enabled: false } })
    const r = await apply(config)
    expect(r.outputs).toMatchObject({ changed: '1', held: '1', 'failure-reason': 'plan-changed' })
    expect(planOf(r.outputs)[0]).toMatchObject({
      status: 'held',
      changes: [{ field: 'enabled', from: false, to: true }],
      reviewed: [],
    })
    expect(r.summary).toContain('reviewed: unchanged')
    expect(puts(sim).map((q) => q.path)).toEqual([`/api/2/reports/${changed.id}`])
  })

  it('holds a change of the file that was merged without a new plan', async () => {
    const { sim, report, plan, apply } = await setup()
    const rep = report()
    await plan(yaml([{ id: rep.id, kind: 'usage_daily' }]))
    const r = await apply(yaml([{ id: rep.id, kind: 'usage_current' }]))
    expect(r.code).toBe(1)
    expect(planOf(r.outputs)[0]).toMatchObject({
      status: 'held',
      changes: kind('usage_summary', 'usage_current'),
      reviewed: kind('usage_summary', 'usage_daily'),
    })
    expect(puts(sim)).toHaveLength(0)
  })

  it('without a pull request: check applies as planned now, require writes nothing and fails', async () => {
    const { sim, gh, report, apply } = await setup()
    const rep = report()
    const config = yaml([{ id: rep.id, kind: 'usage_daily' }])
    const direct = { GITHUB_SHA: 'abcdef0123456789abcdef0123456789abcdef01' } // a push no pull request brought
    gh.addCommit(OWNER, REPO, { sha: direct.GITHUB_SHA, parents: [MERGE] })

    const required = await apply(config, { 'reviewed-plan': 'require' }, direct)
    expect(required.code).toBe(1)
    expect(puts(sim)).toHaveLength(0)
    expect(required.outputs).toMatchObject({ changed: '0', held: '1', 'failure-reason': 'plan-changed' })
    expect(required.summary).toContain('No reviewed plan found (no pull request was merged as abcdef0)')
    expect(required.summary).toContain('nothing was written')

    const checked = await apply(config, {}, direct)
    expect(checked.code, checked.stdout).toBe(0)
    expect(puts(sim)).toHaveLength(1)
    expect(checked.outputs).toMatchObject({ changed: '1', held: '0', 'failure-reason': '' })
    expect(checked.summary).toContain(
      'No reviewed plan found (no pull request was merged as abcdef0): applied as planned now.',
    )
    expect(comments(gh)).toHaveLength(0)
  })

  it('makes no GitHub request with reviewed-plan: off', async () => {
    const { sim, gh, report, plan, apply } = await setup()
    const rep = report()
    await plan(yaml([{ id: rep.id, kind: 'usage_daily' }]))
    gh.clearLog()
    const r = await apply(yaml([{ id: rep.id, kind: 'usage_current' }]), { 'reviewed-plan': 'off' })
    expect(r.code, r.stdout).toBe(0)
    expect(gh.requests).toHaveLength(0)
    expect(puts(sim)).toHaveLength(1)
    expect(r.summary).not.toContain('reviewed plan')
  })

  it('warns when the lookup is refused (403) and applies as planned now', async () => {
    const { sim, gh, report, apply } = await setup()
    gh.inject({ method: 'GET', path: /\/commits\/[^/]+\/pulls$/, status: 403 })
    const r = await apply(yaml([{ id: report().id, kind: 'usage_daily' }]))
    expect(r.code, r.stdout).toBe(0)
    expect(puts(sim)).toHaveLength(1)
    const warning = r.annotations.find((a) => a.level === 'warning')
    expect(warning?.message).toMatch(
      /^reviewed plan: GitHub GET \/repos\/acme\/billing\/commits\/[0-9a-f]+\/pulls → 403: /,
    )
    expect(warning?.message).toContain('counted as no reviewed plan found')
    expect(r.summary).toContain('No reviewed plan found')
  })

  it('says so, and looks nothing up, when github-token is empty', async () => {
    const { sim, gh, report, apply } = await setup()
    const r = await apply(yaml([{ id: report().id, kind: 'usage_daily' }]), { 'github-token': '' })
    expect(r.code, r.stdout).toBe(0)
    expect(gh.requests).toHaveLength(0)
    expect(puts(sim)).toHaveLength(1)
    expect(r.annotations.find((a) => a.level === 'notice')?.message).toContain('github-token is empty')
  })

  it("ignores a forged plan in someone else's comment, and never edits it", async () => {
    const { sim, gh, report, apply } = await setup()
    const rep = report()
    const config = yaml([{ id: rep.id, kind: 'usage_daily' }])
    const forged = [
      commentMarker('reports.yaml'),
      '<!-- acronis-report-sync:plan -->',
      `<!-- acronis-report-sync:reviewed {"v":1,"full":{"${rep.id}":[["kind","usage_summary","usage_daily"]]},"digests":"","digestLength":12,"unrecorded":0} -->`,
    ].join('\n')
    gh.seedComments(OWNER, REPO, PR, [{ body: forged, user: 'mallory' }])
    const r = await apply(config, { 'reviewed-plan': 'require' })
    expect(r.code).toBe(1)
    expect(puts(sim)).toHaveLength(0)
    expect(r.outputs['failure-reason']).toBe('plan-changed')
    expect(r.summary).toContain('has no plan comment of this action')
    expect(comments(gh).map((c) => c.body)).toEqual([forged])
    expect(gh.requests.filter((q) => q.method !== 'GET')).toHaveLength(0)
  })

  it('still checks a 3,000-report plan at apply, with digests where the full changes do not fit', async () => {
    const { sim, gh, report, plan, apply } = await setup()
    const ids = Array.from({ length: 3000 }, () => report().id)
    const config = yaml(
      ids.map((id, i) => ({ id, name: `Customer ${i} monthly usage report`, kind: 'usage_daily' })),
    )
    const planned = await plan(config, { concurrency: '32' })
    expect(planned.code).toBe(0)
    expect([...comments(gh)[0]!.body].length).toBeLessThanOrEqual(65_536)

    const last = ids.at(-1)! // kept only as a digest: the record keeps full changes from the top
    sim.patchReport(last, { parameters: { kind: 'usage_current' } })
    const r = await apply(config, { concurrency: '32' })
    expect(r.outputs).toMatchObject({ changed: '2999', held: '1', 'failure-reason': 'plan-changed' })
    expect(puts(sim)).toHaveLength(2999)
    expect(planOf(r.outputs).find((e) => e.id === last)).toMatchObject({ status: 'held', reviewed: null })
    const body = comments(gh)[0]!.body
    expect([...body].length).toBeLessThanOrEqual(65_536)
    expect(body).toContain('2999 updated, 1 held, 0 failed')
  })

  it('warns when the outcome cannot be added to the comment (403), and the apply stands', async () => {
    const { sim, gh, report, plan, apply } = await setup()
    const config = yaml([{ id: report().id, kind: 'usage_daily' }])
    await plan(config)
    gh.inject({ method: 'PATCH', status: 403, body: { message: 'Resource not accessible by integration' } })
    const r = await apply(config)
    expect(r.code, r.stdout).toBe(0)
    expect(puts(sim)).toHaveLength(1)
    const warning = r.annotations.find((a) => a.level === 'warning')
    expect(warning?.message).toMatch(
      /^the plan comment of pull request #17 was not updated with the outcome: GitHub PATCH .* → 403: Resource not accessible by integration$/,
    )
    expect(comments(gh)[0]!.body).not.toContain('Applied in')
  })

  it('refuses a reviewed-plan value it does not know, before any request', async () => {
    const { sim, gh, report, apply } = await setup()
    const r = await apply(yaml([{ id: report().id }]), { 'reviewed-plan': 'sometimes' })
    expect(r.code).toBe(1)
    expect(r.outputs['failure-reason']).toBe('config')
    expect(r.annotations.find((a) => a.level === 'error')?.message).toBe(
      'reviewed-plan: "sometimes" is not allowed; expected check, require or off',
    )
    expect([sim.requests, gh.requests]).toEqual([[], []])
  })
})
