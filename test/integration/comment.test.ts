import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../src/acronis/errors.js'
import { nextLink, upsertComment, type PullRequestContext } from '../../src/github/pr-comment.js'
import { startGitHubStub, type GitHubStub } from '../github/server.js'

const TOKEN = 'ghs_integrationToken000000000000000001'
let gh: GitHubStub | undefined
afterEach(async () => {
  await gh?.close()
  gh = undefined
})

async function setup() {
  gh = await startGitHubStub()
  gh.addToken(TOKEN, 'write')
  const pr: PullRequestContext = { apiUrl: gh.url, repository: 'acme/billing', number: 7 }
  return { gh, pr }
}

describe('upsertComment', () => {
  it('does not retry a create that may have arrived (502), so a comment is never posted twice', async () => {
    const { gh, pr } = await setup()
    gh.inject({ method: 'POST', path: /comments$/, status: 502 })
    const e = await upsertComment(pr, TOKEN, '<!-- m -->', 'body', 5000).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).status).toBe(502)
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('retries a create refused with 429, and the list and edit calls on 5xx', async () => {
    const { gh, pr } = await setup()
    gh.inject({ method: 'POST', status: 429, headers: { 'retry-after': '0' } })
    expect((await upsertComment(pr, TOKEN, '<!-- m -->', '<!-- m --> one', 5000)).action).toBe('created')
    gh.inject({ method: 'GET', status: 503, headers: { 'retry-after': '0' } })
    gh.inject({ method: 'PATCH', status: 500, headers: { 'retry-after': '0' } })
    expect((await upsertComment(pr, TOKEN, '<!-- m -->', '<!-- m --> two', 5000)).action).toBe('updated')
    expect(gh.comments('acme', 'billing', 7).map((c) => c.body)).toEqual(['<!-- m --> two'])
  })

  it('scrubs the token from an error that echoes it', async () => {
    const { gh, pr } = await setup()
    gh.inject({ method: 'GET', status: 403, body: { message: `token ${TOKEN} has no access` } })
    const e = (await upsertComment(pr, TOKEN, '<!-- m -->', 'x', 5000).catch((x: unknown) => x)) as ApiError
    expect(e.message).toContain('***')
    expect(e.message).not.toContain(TOKEN)
  })

  it('reads the next page from a Link header', () => {
    const link =
      '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"'
    expect(nextLink(link)?.searchParams.get('page')).toBe('2')
    expect(nextLink('<https://api.github.com/x?page=1>; rel="prev"')).toBeUndefined()
  })
})
