import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startGitHubStub, type GitHubStub, type IssueComment } from './server.js'

// The stand-in answers as GitHub does where the action depends on it; these tests pin that down.
const BOT = 'ghs_installationToken'
const READ = 'ghs_readOnlyToken'
const USER = 'ghp_personalToken'
const LIST = '/repos/acme/reports/issues/7/comments'

let stub: GitHubStub
beforeEach(async () => {
  stub = await startGitHubStub()
  stub.addToken(BOT, 'write')
  stub.addToken(READ, 'read')
  stub.addToken(USER, 'write', 'mona')
})
afterEach(() => stub.close())

function api(path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  return fetch(path.startsWith('http') ? path : `${stub.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.token ?? BOT}` },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
}

describe('the GitHub stand-in', () => {
  it("pages comments with GitHub's Link header, 100 at most a page, each comment once", async () => {
    stub.seedComments(
      'acme',
      'reports',
      7,
      Array.from({ length: 250 }, (_, i) => ({ body: `c${i}` })),
    )
    const first = await api(`${LIST}?per_page=100`)
    const base = `${stub.url}${LIST}`
    expect(first.headers.get('link')).toBe(
      `<${base}?per_page=100&page=2>; rel="next", <${base}?per_page=100&page=3>; rel="last"`,
    )
    const seen: IssueComment[] = []
    let next: string | undefined = `${LIST}?per_page=500`
    while (next) {
      const res = await api(next)
      seen.push(...((await res.json()) as IssueComment[]))
      next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1]
    }
    expect(seen.map((c) => c.body)).toEqual(Array.from({ length: 250 }, (_, i) => `c${i}`))
    expect(seen[0]!.id).toBeGreaterThan(2 ** 31)
  })

  it('creates and edits comments as the token acts: a bot for installation tokens, a user for personal ones', async () => {
    const bot = (await (await api(LIST, { method: 'POST', body: { body: 'one' } })).json()) as IssueComment
    const mona = (await (
      await api(LIST, { method: 'POST', token: USER, body: { body: 'two' } })
    ).json()) as IssueComment
    expect(bot.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' })
    expect(mona.user).toMatchObject({ login: 'mona', type: 'User' })
    const edited = await api(`/repos/acme/reports/issues/comments/${bot.id}`, {
      method: 'PATCH',
      body: { body: 'one, edited' },
    })
    expect(edited.status).toBe(200)
    expect(stub.comments('acme', 'reports', 7).map((c) => c.body)).toEqual(['one, edited', 'two'])
  })

  it('answers GET /user for a personal token and 403 for an installation token', async () => {
    expect(await (await api('/user', { token: USER })).json()).toMatchObject({ login: 'mona', type: 'User' })
    const app = await api('/user')
    expect(app.status).toBe(403)
    expect(await app.json()).toMatchObject({ message: 'Resource not accessible by integration' })
  })

  it('lists the pull requests of a commit: by head, and by merge commit once merged', async () => {
    stub.addPull('acme', 'reports', { number: 3, head: 'aaa' })
    stub.addPull('acme', 'reports', { number: 4, head: 'bbb', mergeCommit: 'ccc' })
    const of = async (sha: string) =>
      ((await (await api(`/repos/acme/reports/commits/${sha}/pulls`)).json()) as { number: number }[]).map(
        (p) => p.number,
      )
    expect(await of('aaa')).toEqual([3])
    expect(await of('ccc')).toEqual([4])
    expect(await of('ddd')).toEqual([])
    stub.addPull('acme', 'reports', { number: 5, head: 'eee', mergeCommit: 'fff', commits: ['e1', 'e2'] })
    expect(await of('e1')).toEqual([5]) // a rebase merge: each commit it put on the branch
  })

  it('lists the ancestors of a commit, newest first, in pages; an unknown commit is 404', async () => {
    // main: a ← b ← m (merges side s, whose parent is a) ← c
    stub.addCommit('acme', 'reports', { sha: 'a' })
    stub.addCommit('acme', 'reports', { sha: 'b', parents: ['a'] })
    stub.addCommit('acme', 'reports', { sha: 's', parents: ['a'] })
    stub.addCommit('acme', 'reports', { sha: 'm', parents: ['b', 's'], message: 'Merge pull request #9' })
    stub.addCommit('acme', 'reports', { sha: 'c', parents: ['m'] })
    stub.addCommit('acme', 'reports', { sha: 'x', parents: ['c'] }) // newer, not an ancestor of c
    const list = async (query: string) => {
      const r = await api(`/repos/acme/reports/commits?${query}`)
      const body = (await r.json()) as { sha: string; parents: { sha: string }[] }[]
      return { status: r.status, shas: body.map?.((c) => c.sha), body, link: r.headers.get('link') }
    }
    const all = await list('sha=c')
    expect(all.shas).toEqual(['c', 'm', 's', 'b', 'a'])
    expect(all.body[1]!.parents.map((p) => p.sha)).toEqual(['b', 's'])
    const first = await list('sha=m&per_page=2')
    expect(first.shas).toEqual(['m', 's'])
    expect(first.link).toContain('page=2>; rel="next"')
    expect((await list('sha=m&per_page=2&page=2')).shas).toEqual(['b', 'a'])
    expect((await list('sha=nope')).status).toBe(404)
  })

  it('refuses what GitHub refuses: a bad token, a read-only write, an overlong body, an unknown route', async () => {
    expect((await api(LIST, { token: 'ghs_unknown' })).status).toBe(401)
    expect((await api(LIST, { method: 'POST', token: READ, body: { body: 'x' } })).status).toBe(403)
    expect((await api(LIST, { method: 'POST', body: { body: 'a'.repeat(65_536) } })).status).toBe(201)
    const long = await api(LIST, { method: 'POST', body: { body: 'a'.repeat(65_537) } })
    expect(long.status).toBe(422)
    expect(await long.json()).toMatchObject({
      errors: [{ message: 'body is too long (maximum is 65536 characters)' }],
    })
    expect(
      (await api('/repos/acme/reports/issues/comments/1', { method: 'PATCH', body: { body: 'x' } })).status,
    ).toBe(404)
    expect((await api('/repos/acme/reports/pulls/7')).status).toBe(404)
    expect(stub.comments('acme', 'reports', 7)).toHaveLength(1)
  })

  it('fails injected requests first, as many times as asked, and logs every request', async () => {
    stub.inject({ method: 'POST', status: 502, times: 2, headers: { 'retry-after': '0' } })
    const statuses = []
    for (let i = 0; i < 3; i++)
      statuses.push((await api(LIST, { method: 'POST', body: { body: 'x' } })).status)
    expect(statuses).toEqual([502, 502, 201])
    expect(stub.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', LIST, 502],
      ['POST', LIST, 502],
      ['POST', LIST, 201],
    ])
    expect(stub.requests[0]!.body).toEqual({ body: 'x' })
    stub.clearLog()
    expect(stub.requests).toHaveLength(0)
  })
})
