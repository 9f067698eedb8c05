import { afterEach, describe, expect, it } from 'vitest'
import { GitHubApi, nextLink } from '../../src/github/api.js'
import { GitHubError } from '../../src/github/errors.js'
import { upsertComment, type PullRequestContext } from '../../src/github/pr-comment.js'
import { startGitHubStub, type GitHubStub } from '../github/server.js'

const TOKEN = 'ghs_integrationToken000000000000000001'
let gh: GitHubStub | undefined
let api: GitHubApi | undefined
afterEach(async () => {
  api?.close()
  await gh?.close()
  gh = api = undefined
})

async function setup() {
  gh = await startGitHubStub()
  gh.addToken(TOKEN, 'write')
  const pr: PullRequestContext = { apiUrl: gh.url, repository: 'acme/billing', number: 7 }
  api = new GitHubApi(gh.url, TOKEN, 5000)
  const upsert = (body: string) =>
    upsertComment(api!, pr, body, { wanted: (c) => c.body.includes('<!-- m -->'), strict: false })
  return { gh, upsert }
}

describe('upsertComment', () => {
  it('does not retry a create that may have arrived (502), so a comment is never posted twice', async () => {
    const { gh, upsert } = await setup()
    gh.inject({ method: 'POST', path: /comments$/, status: 502 })
    const e = await upsert('body').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(GitHubError)
    expect((e as GitHubError).status).toBe(502)
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('retries a create refused with 429, and the list and edit calls on 5xx', async () => {
    const { gh, upsert } = await setup()
    gh.inject({ method: 'POST', status: 429, headers: { 'retry-after': '0' } })
    expect((await upsert('<!-- m --> one')).action).toBe('created')
    gh.inject({ method: 'GET', status: 503, headers: { 'retry-after': '0' } })
    gh.inject({ method: 'PATCH', status: 500, headers: { 'retry-after': '0' } })
    expect((await upsert('<!-- m --> two')).action).toBe('updated')
    expect(gh.comments('acme', 'billing', 7).map((c) => c.body)).toEqual(['<!-- m --> two'])
  })

  it('scrubs the token from an error that echoes it', async () => {
    const { gh, upsert } = await setup()
    gh.inject({ method: 'GET', status: 403, body: { message: `token ${TOKEN} has no access` } })
    const e = (await upsert('x').catch((x: unknown) => x)) as GitHubError
    expect(e.message).toContain('***')
    expect(e.message).not.toContain(TOKEN)
  })

  it("speaks of GitHub and the github-token, never of the Acronis API client's rights", async () => {
    const { gh, upsert } = await setup()
    gh.inject({ method: 'GET', status: 403, body: '<html>forbidden</html>' })
    const e = (await upsert('x').catch((x: unknown) => x)) as GitHubError
    expect(e.describe()).toMatch(
      /^GitHub GET \/repos\/acme\/billing\/issues\/7\/comments → 403: forbidden: github-token/,
    )
    expect(e.describe()).not.toContain('API client')
    gh.inject({
      method: 'GET',
      status: 422,
      body: { message: 'Validation Failed', errors: [{ field: 'body', code: 'missing_field' }] },
    })
    expect(((await upsert('x').catch((x: unknown) => x)) as GitHubError).message).toBe(
      'Validation Failed: body missing_field',
    )
  })

  it('reads the next page from a Link header', () => {
    const link =
      '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"'
    expect(nextLink(link)?.searchParams.get('page')).toBe('2')
    expect(nextLink('<https://api.github.com/x?page=1>; rel="prev"')).toBeUndefined()
  })
})
