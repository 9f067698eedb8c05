import { describe, expect, it } from 'vitest'
import { COMMENT_LIMIT } from '../../src/report/comment-body.js'
import { commentMarker } from '../../src/review/record.js'
import { startGitHubStub, type GitHubStub } from '../github/server.js'
import { worlds, yaml } from './fixture.js'
import { IN_PROCESS, runAction } from './harness.js'

const OWNER = 'acme'
const REPO = 'billing'
const PR = 17
const WRITE = 'ghs_writeTokenForTheComment0123456789'
const READ = 'ghs_readOnlyTokenFromAFork0123456789'

const servers = worlds()

async function setup() {
  const w = await servers.world()
  const gh = await startGitHubStub()
  gh.addToken(WRITE, 'write')
  gh.addToken(READ, 'read')
  servers.track(gh)
  return { ...w, gh }
}

/** A pull_request run in auto mode, as a workflow on `pull_request` does it. */
function prRun(node: string | undefined, gh: GitHubStub, inputs: Record<string, string>, config: string) {
  return runAction({
    node,
    config,
    inputs,
    eventName: 'pull_request',
    event: {
      number: PR,
      pull_request: { number: PR, head: { sha: 'feedfacecafebeef0000000000000000deadbeef' } },
    },
    env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: `${OWNER}/${REPO}` },
  })
}

const ours = (gh: GitHubStub) =>
  gh.comments(OWNER, REPO, PR).filter((c) => c.body.includes(commentMarker('reports.yaml')))

describe.each(IN_PROCESS)('the plan comment under $name', ({ bin: node }) => {
  it('is created on the first run and edited in place on the next', async () => {
    const { sim, gh, report, inputs } = await setup()
    const rep = report({ parameters: { kind: 'usage_summary' } })
    const first = await prRun(
      node,
      gh,
      inputs({ 'github-token': WRITE }),
      yaml([{ id: rep.id, kind: 'usage_daily' }]),
    )
    expect(first.code, first.stdout).toBe(0)
    expect(ours(gh)).toHaveLength(1)
    const body = ours(gh)[0]!.body
    expect(body).toContain('kind: usage_summary → usage_daily')
    expect(body).toContain('commit feedfac')
    expect(body).toContain('https://github.com/acme/billing/actions/runs/4242')
    expect(sim.requests.filter((r) => r.method === 'PUT')).toHaveLength(0)

    gh.clearLog()
    const second = await prRun(
      node,
      gh,
      inputs({ 'github-token': WRITE }),
      yaml([{ id: rep.id, kind: 'usage_current' }]),
    )
    expect(second.code).toBe(0)
    expect(ours(gh)).toHaveLength(1)
    expect(ours(gh)[0]!.body).toContain('kind: usage_summary → usage_current')
    expect(gh.requests.map((r) => r.method)).toEqual(['GET', 'PATCH'])
    expect(gh.requests[1]!.headers.authorization).toBe(`Bearer ${WRITE}`)
  })

  it('finds its comment past the first page of a long conversation', async () => {
    const { gh, report, inputs } = await setup()
    const rep = report()
    const config = yaml([{ id: rep.id, level: 'itself' }])
    gh.seedComments(
      OWNER,
      REPO,
      PR,
      Array.from({ length: 150 }, (_, i) => ({ body: `review comment ${i}` })),
    )
    await prRun(node, gh, inputs({ 'github-token': WRITE }), config)
    gh.seedComments(
      OWNER,
      REPO,
      PR,
      Array.from({ length: 120 }, (_, i) => ({ body: `later comment ${i}` })),
    )
    gh.clearLog()
    const r = await prRun(node, gh, inputs({ 'github-token': WRITE }), config)
    expect(r.code).toBe(0)
    expect(ours(gh)).toHaveLength(1)
    expect(gh.requests.filter((q) => q.method === 'GET').length).toBeGreaterThanOrEqual(2)
    expect(gh.requests.filter((q) => q.method === 'POST')).toHaveLength(0)
    expect(gh.requests.filter((q) => q.method === 'PATCH')).toHaveLength(1)
  })

  it('warns with a hint on a read-only token and still passes the plan', async () => {
    const { gh, report, inputs } = await setup()
    const rep = report()
    const r = await prRun(node, gh, inputs({ 'github-token': READ }), yaml([{ id: rep.id, show_skus: true }]))
    expect(r.code, r.stdout).toBe(0)
    const warning = r.annotations.find((a) => a.level === 'warning')
    expect(warning?.message).toContain('403')
    expect(warning?.message).toContain('pull-requests: write')
    expect(ours(gh)).toHaveLength(0)
    expect(r.outputs.changed).toBe('1')
    expect(r.stdout).toContain(`::add-mask::${READ}`)
    expect(r.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(READ)
  })

  it('keeps a 3,000-report plan within the comment and summary limits', async () => {
    const { gh, report, inputs } = await setup()
    const ids = Array.from({ length: 3000 }, () => report({ parameters: { kind: 'usage_summary' } }).id)
    const config = yaml(
      ids.map((id, i) => ({ id, name: `Customer ${i} monthly usage report`, kind: 'usage_daily' })),
    )
    const r = await prRun(node, gh, inputs({ 'github-token': WRITE, concurrency: '32' }), config)
    expect(r.code, r.stdout.slice(-2000)).toBe(0)
    const body = ours(gh)[0]!.body
    expect([...body].length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(body).toMatch(/\d+ more reports omitted/)
    expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024)
    expect(JSON.parse(r.outputs.plan!)).toHaveLength(3000)
    expect(r.outputs.changed).toBe('3000')
  })

  it('does not comment when pr-comment is false or the event is not a pull request', async () => {
    const { gh, report, inputs } = await setup()
    const config = yaml([{ id: report().id, show_skus: true }])
    await prRun(node, gh, inputs({ 'github-token': WRITE, 'pr-comment': 'false' }), config)
    await runAction({
      node,
      config,
      inputs: inputs({ 'github-token': WRITE, mode: 'plan' }),
      env: { GITHUB_API_URL: gh.url },
    })
    expect(gh.requests).toHaveLength(0)
  })
})

// Whose comment it is does not depend on the Node version: these run once.
async function planTwice(gh: GitHubStub, inputs: Record<string, string>, config: string) {
  for (let run = 0; run < 2; run++) {
    const r = await prRun(process.execPath, gh, inputs, config)
    expect(r.code, r.stdout).toBe(0)
  }
}

describe('the plan comment is only ever the action’s own', () => {
  it("never edits someone else's comment that carries the marker", async () => {
    const { gh, report, inputs } = await setup()
    const config = yaml([{ id: report().id, show_skus: true }])
    const [forged] = gh.seedComments(OWNER, REPO, PR, [
      { body: `${commentMarker('reports.yaml')}\nI wrote this`, user: 'mallory' },
    ])
    await planTwice(gh, inputs({ 'github-token': WRITE }), config)
    const comments = gh.comments(OWNER, REPO, PR)
    expect(comments.map((c) => c.user.login)).toEqual(['mallory', 'github-actions[bot]'])
    expect(comments[0]!.body).toBe(forged!.body)
    expect(gh.requests.filter((q) => q.method === 'PATCH').map((q) => q.path)).toEqual([
      `/repos/${OWNER}/${REPO}/issues/comments/${comments[1]!.id}`,
    ])
  })

  it('with a personal token, owns the comments of the user GET /user names, and no bot’s', async () => {
    const { gh, report, inputs } = await setup()
    const personal = 'ghp_monasPersonalToken0123456789abcdef'
    gh.addToken(personal, 'write', 'mona')
    const config = yaml([{ id: report().id, show_skus: true }])
    gh.seedComments(OWNER, REPO, PR, [
      { body: `${commentMarker('reports.yaml')}\nfrom an app`, user: 'some-app[bot]' },
    ])
    await planTwice(gh, inputs({ 'github-token': personal }), config)
    const comments = gh.comments(OWNER, REPO, PR)
    expect(comments.map((c) => c.user.login)).toEqual(['some-app[bot]', 'mona'])
    expect(comments[0]!.body).toContain('from an app')
    // Asked once the second run finds a comment holding a record of its own; the app's holds none.
    expect(gh.requests.filter((q) => q.path === '/user')).toHaveLength(1)
    expect(gh.requests.filter((q) => q.method === 'PATCH')).toHaveLength(1)
  })

  it('an installation token that does not say so is told apart by GET /user failing', async () => {
    const { gh, report, inputs } = await setup()
    const legacy = '0123456789abcdef0123456789abcdef01234567' // no ghs_ prefix (an older GitHub Enterprise)
    gh.addToken(legacy, 'write')
    const config = yaml([{ id: report().id, show_skus: true }])
    await planTwice(gh, inputs({ 'github-token': legacy }), config)
    expect(ours(gh)).toHaveLength(1)
    expect(gh.requests.filter((q) => q.path === '/user').map((q) => q.status)).toEqual([403])
  })

  it('reads at most 100 pages of a Link chain that never ends, then posts a new comment and warns', async () => {
    const { gh, report, inputs } = await setup()
    const list = `/repos/${OWNER}/${REPO}/issues/${PR}/comments`
    gh.inject({
      method: 'GET',
      path: new RegExp(`^${list}$`),
      status: 200,
      body: [],
      headers: { link: `<${gh.url}${list}?per_page=100&page=2>; rel="next"` },
      times: Infinity,
    })
    const r = await prRun(
      process.execPath,
      gh,
      inputs({ 'github-token': WRITE }),
      yaml([{ id: report().id }]),
    )
    expect(r.code, r.stdout).toBe(0)
    expect(gh.requests.filter((q) => q.method === 'GET')).toHaveLength(100)
    expect(gh.requests.filter((q) => q.method === 'POST')).toHaveLength(1)
    const warning = r.annotations.find((a) => a.level === 'warning')
    expect(warning?.message).toMatch(/more than 100 pages/)
  })
})
