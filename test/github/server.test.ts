import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startGitHubStub, type GitHubStub, type IssueComment } from './server.js'

const WRITE = 'ghs_write_token'
const READ = 'ghs_read_token'

let stub: GitHubStub

beforeEach(async () => {
  stub = await startGitHubStub()
  stub.addToken(WRITE, 'write')
  stub.addToken(READ, 'read')
})

afterEach(async () => {
  await stub.close()
})

function api(
  path: string,
  init: { method?: string; token?: string | null; body?: unknown; raw?: string } = {},
) {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' }
  const token = init.token === undefined ? WRITE : init.token
  if (token !== null) headers.authorization = `Bearer ${token}`
  let body: string | undefined = init.raw
  if (init.body !== undefined) {
    body = JSON.stringify(init.body)
    headers['content-type'] = 'application/json'
  }
  return fetch(`${stub.url}${path}`, { method: init.method ?? 'GET', headers, body })
}

/** Parses `<url>; rel="x", ...` strictly, so a malformed header fails the test instead of parsing loosely. */
function parseLink(header: string | null): Record<string, string> {
  if (header === null) return {}
  const rels: Record<string, string> = {}
  for (const part of header.split(', ')) {
    const match = /^<([^>]+)>; rel="(\w+)"$/.exec(part)
    if (!match) throw new Error(`malformed Link part: ${part}`)
    rels[match[2]] = match[1]
  }
  return rels
}

const LIST = '/repos/acme/reports/issues/7/comments'

describe('listing comments', () => {
  it('pages through 250 comments by following Link to the end, seeing each exactly once', async () => {
    const seeded = stub.seedComments(
      'acme',
      'reports',
      7,
      Array.from({ length: 250 }, (_, i) => ({ body: `comment ${i}` })),
    )
    const seen: IssueComment[] = []
    let next: string | undefined = `${stub.url}${LIST}?per_page=100`
    let pages = 0
    while (next) {
      const res: Response = await fetch(next, { headers: { authorization: `token ${WRITE}` } })
      expect(res.status).toBe(200)
      seen.push(...((await res.json()) as IssueComment[]))
      next = parseLink(res.headers.get('link')).next
      pages++
    }
    expect(pages).toBe(3)
    expect(seen.map((c) => c.id)).toEqual(seeded.map((c) => c.id))
    expect(new Set(seen.map((c) => c.id)).size).toBe(250)
    expect(seen.at(-1)?.body).toBe('comment 249')
  })

  it("writes Link in GitHub's exact format, with prev/first from the second page on", async () => {
    stub.seedComments(
      'acme',
      'reports',
      7,
      Array.from({ length: 250 }, (_, i) => ({ body: `c${i}` })),
    )
    const base = `${stub.url}${LIST}`

    const first = await api(`${LIST}?per_page=100`)
    expect(first.headers.get('link')).toBe(
      `<${base}?per_page=100&page=2>; rel="next", <${base}?per_page=100&page=3>; rel="last"`,
    )

    const middle = await api(`${LIST}?page=2&per_page=100`)
    expect(middle.headers.get('link')).toBe(
      `<${base}?page=1&per_page=100>; rel="prev", <${base}?page=3&per_page=100>; rel="next", ` +
        `<${base}?page=3&per_page=100>; rel="last", <${base}?page=1&per_page=100>; rel="first"`,
    )

    const last = await api(`${LIST}?per_page=100&page=3`)
    expect(((await last.json()) as unknown[]).length).toBe(50)
    expect(last.headers.get('link')).toBe(
      `<${base}?per_page=100&page=2>; rel="prev", <${base}?per_page=100&page=1>; rel="first"`,
    )
  })

  it('defaults to 30 per page and clamps per_page to the maximum', async () => {
    stub.seedComments(
      'acme',
      'reports',
      7,
      Array.from({ length: 250 }, (_, i) => ({ body: `c${i}` })),
    )

    const byDefault = await api(LIST)
    expect(((await byDefault.json()) as unknown[]).length).toBe(30)
    expect(parseLink(byDefault.headers.get('link')).last).toBe(`${stub.url}${LIST}?page=9`)

    const clamped = await api(`${LIST}?per_page=500`)
    expect(((await clamped.json()) as unknown[]).length).toBe(100)
    // GitHub echoes per_page as sent; only the page size is clamped.
    expect(parseLink(clamped.headers.get('link')).last).toBe(`${stub.url}${LIST}?per_page=500&page=3`)
  })

  it('honours a smaller perPageMax option', async () => {
    const small = await startGitHubStub({ perPageMax: 10 })
    try {
      small.addToken(WRITE, 'write')
      small.seedComments(
        'o',
        'r',
        1,
        Array.from({ length: 25 }, (_, i) => ({ body: `c${i}` })),
      )
      const res = await fetch(`${small.url}/repos/o/r/issues/1/comments?per_page=100`, {
        headers: { authorization: `Bearer ${WRITE}` },
      })
      expect(((await res.json()) as unknown[]).length).toBe(10)
      expect(parseLink(res.headers.get('link')).last).toMatch(/[?&]page=3$/)
    } finally {
      await small.close()
    }
  })

  it('returns an empty list without a Link header for an issue that was never seeded', async () => {
    const res = await api('/repos/acme/reports/issues/12345/comments')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([])
    expect(res.headers.get('link')).toBeNull()
  })

  it('keeps issues and repositories apart but resolves owner/repo case-insensitively', async () => {
    stub.seedComments('acme', 'reports', 1, [{ body: 'on 1' }])
    stub.seedComments('acme', 'other', 2, [{ body: 'elsewhere' }])
    const res = await api('/repos/ACME/Reports/issues/1/comments')
    expect(((await res.json()) as IssueComment[]).map((c) => c.body)).toEqual(['on 1'])
    expect(stub.comments('acme', 'reports', 2)).toEqual([])
  })

  it('filters by since on updated_at', async () => {
    let clock = Date.parse('2024-01-01T00:00:00Z')
    const timed = await startGitHubStub({ now: () => new Date(clock) })
    try {
      timed.addToken(WRITE, 'write')
      timed.seedComments('o', 'r', 1, [{ body: 'old' }])
      clock = Date.parse('2024-06-01T00:00:00Z')
      timed.seedComments('o', 'r', 1, [{ body: 'new' }])
      const res = await fetch(`${timed.url}/repos/o/r/issues/1/comments?since=2024-03-01T00:00:00Z`, {
        headers: { authorization: `Bearer ${WRITE}` },
      })
      const bodies = ((await res.json()) as IssueComment[]).map((c) => [c.body, c.created_at])
      expect(bodies).toEqual([['new', '2024-06-01T00:00:00Z']])
    } finally {
      await timed.close()
    }
  })
})

describe('creating and updating comments', () => {
  it('creates a comment authored by the token user and returns 201', async () => {
    const res = await api(LIST, { method: 'POST', body: { body: '### Plan\nno changes' } })
    expect(res.status).toBe(201)
    const created = (await res.json()) as IssueComment
    expect(created.body).toBe('### Plan\nno changes')
    expect(created.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot', id: 41898282 })
    expect(created.html_url).toBe(`https://github.com/acme/reports/pull/7#issuecomment-${created.id}`)
    expect(created.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(res.headers.get('location')).toBe(`${stub.url}/repos/acme/reports/issues/comments/${created.id}`)
    expect(stub.comments('acme', 'reports', 7)).toEqual([created])
  })

  it('attributes comments to the user the token was registered for', async () => {
    stub.addToken('ghp_human', 'write', 'mona')
    const res = await api(LIST, { method: 'POST', token: 'ghp_human', body: { body: 'hi' } })
    expect(((await res.json()) as IssueComment).user).toMatchObject({ login: 'mona', type: 'User' })
  })

  it('gives comment ids that increase across repositories and stay above 2^31', async () => {
    const [a] = stub.seedComments('acme', 'one', 1, [{ body: 'a' }])
    const [b] = stub.seedComments('acme', 'two', 1, [{ body: 'b' }])
    expect(b.id).toBeGreaterThan(a.id)
    expect(a.id).toBeGreaterThan(2 ** 31)
  })

  it('updates a comment in place and bumps updated_at', async () => {
    let clock = Date.parse('2024-01-01T00:00:00Z')
    await stub.close()
    stub = await startGitHubStub({ now: () => new Date(clock) })
    stub.addToken(WRITE, 'write')
    const [old, sticky] = stub.seedComments('acme', 'reports', 7, [
      { body: 'unrelated', user: 'mona' },
      { body: '<!-- sticky -->v1', user: 'github-actions[bot]' },
    ])
    expect(sticky.user.type).toBe('Bot')
    clock += 60_000

    const res = await api(`/repos/acme/reports/issues/comments/${sticky.id}`, {
      method: 'PATCH',
      body: { body: '<!-- sticky -->v2' },
    })
    expect(res.status).toBe(200)
    const updated = (await res.json()) as IssueComment
    expect(updated).toMatchObject({
      id: sticky.id,
      body: '<!-- sticky -->v2',
      created_at: '2024-01-01T00:00:00Z',
    })
    expect(updated.updated_at).toBe('2024-01-01T00:01:00Z')
    expect(stub.comments('acme', 'reports', 7).map((c) => c.body)).toEqual([old.body, '<!-- sticky -->v2'])
  })

  it('answers 404 when patching an unknown comment or one from another repository', async () => {
    const [elsewhere] = stub.seedComments('acme', 'other', 1, [{ body: 'keep' }])
    for (const path of [
      '/repos/acme/reports/issues/comments/999',
      `/repos/acme/reports/issues/comments/${elsewhere.id}`,
    ]) {
      const res = await api(path, { method: 'PATCH', body: { body: 'x' } })
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ message: 'Not Found' })
    }
    expect(stub.comments('acme', 'other', 1)[0].body).toBe('keep')
  })

  it('returns copies from comments() so tests cannot corrupt the stub', () => {
    stub.seedComments('acme', 'reports', 7, [{ body: 'original' }])
    stub.comments('acme', 'reports', 7)[0].body = 'mutated'
    expect(stub.comments('acme', 'reports', 7)[0].body).toBe('original')
  })
})

describe('authentication and authorisation', () => {
  it('accepts both Bearer and token schemes', async () => {
    const bearer = await fetch(`${stub.url}${LIST}`, { headers: { authorization: `Bearer ${READ}` } })
    const token = await fetch(`${stub.url}${LIST}`, { headers: { authorization: `token ${READ}` } })
    expect([bearer.status, token.status]).toEqual([200, 200])
  })

  it('answers 401 Bad credentials for an unknown token, even on an unknown route', async () => {
    for (const path of [LIST, '/nope']) {
      const res = await api(path, { token: 'ghs_unknown' })
      expect(res.status).toBe(401)
      const body = (await res.json()) as Record<string, unknown>
      expect(body.message).toBe('Bad credentials')
      expect(body.documentation_url).toMatch(/^https:\/\/docs\.github\.com\//)
    }
  })

  it('answers 401 without credentials and creates nothing', async () => {
    const get = await api(LIST, { token: null })
    const post = await api(LIST, { method: 'POST', token: null, body: { body: 'x' } })
    expect([get.status, post.status]).toEqual([401, 401])
    expect(await post.json()).toMatchObject({ message: 'Requires authentication' })
    expect(stub.comments('acme', 'reports', 7)).toEqual([])
  })

  it('answers 403 Resource not accessible by integration to a read-only token that writes', async () => {
    const [comment] = stub.seedComments('acme', 'reports', 7, [{ body: 'before' }])
    const post = await api(LIST, { method: 'POST', token: READ, body: { body: 'x' } })
    const patch = await api(`/repos/acme/reports/issues/comments/${comment.id}`, {
      method: 'PATCH',
      token: READ,
      body: { body: 'after' },
    })
    for (const res of [post, patch]) {
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ message: 'Resource not accessible by integration' })
    }
    expect(stub.comments('acme', 'reports', 7).map((c) => c.body)).toEqual(['before'])
  })
})

describe('validation', () => {
  it('accepts exactly 65,536 characters and rejects one more with 422', async () => {
    const ok = await api(LIST, { method: 'POST', body: { body: 'a'.repeat(65_536) } })
    expect(ok.status).toBe(201)

    const tooLong = await api(LIST, { method: 'POST', body: { body: 'a'.repeat(65_537) } })
    expect(tooLong.status).toBe(422)
    expect(await tooLong.json()).toMatchObject({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: 'body is too long (maximum is 65536 characters)',
        },
      ],
    })
    expect(stub.comments('acme', 'reports', 7)).toHaveLength(1)
  })

  it('counts characters as code points, so 65,536 emoji fit', async () => {
    const res = await api(LIST, { method: 'POST', body: { body: '🚀'.repeat(65_536) } })
    expect(res.status).toBe(201)
  })

  it('applies the length limit to PATCH too', async () => {
    const [comment] = stub.seedComments('acme', 'reports', 7, [{ body: 'short' }])
    const res = await api(`/repos/acme/reports/issues/comments/${comment.id}`, {
      method: 'PATCH',
      body: { body: 'b'.repeat(70_000) },
    })
    expect(res.status).toBe(422)
    expect(stub.comments('acme', 'reports', 7)[0].body).toBe('short')
  })

  it('answers 400 to malformed JSON and 422 to a missing, empty or non-string body', async () => {
    const malformed = await api(LIST, { method: 'POST', raw: '{"body": ' })
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toMatchObject({ message: 'Problems parsing JSON' })

    const cases: Array<{ raw?: string; body?: unknown }> = [
      { raw: '' },
      { body: {} },
      { body: { body: '' } },
      { body: { body: 42 } },
    ]
    for (const c of cases) {
      const res = await api(LIST, { method: 'POST', ...c })
      expect(res.status, JSON.stringify(c)).toBe(422)
    }
    expect(stub.comments('acme', 'reports', 7)).toEqual([])
  })
})

describe('routing', () => {
  it('answers 404 Not Found to unknown routes and methods', async () => {
    for (const [method, path] of [
      ['GET', '/repos/acme/reports/pulls/7'],
      ['PUT', LIST],
      ['GET', '/repos/acme/reports/issues/abc/comments'],
      ['POST', '/repos/acme/reports/issues/0/comments'],
    ]) {
      const res = await api(path, { method, body: method === 'GET' ? undefined : { body: 'x' } })
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(await res.json()).toMatchObject({ message: 'Not Found' })
    }
  })
})

describe('fault injection and the request log', () => {
  it('fails the next matching request once, then behaves normally', async () => {
    stub.inject({ method: 'POST', path: /\/issues\/7\/comments$/, status: 500 })

    const listed = await api(LIST)
    expect(listed.status).toBe(200) // the method filter spares GETs

    const failed = await api(LIST, { method: 'POST', body: { body: 'x' } })
    expect(failed.status).toBe(500)
    expect(stub.comments('acme', 'reports', 7)).toEqual([])

    const retried = await api(LIST, { method: 'POST', body: { body: 'x' } })
    expect(retried.status).toBe(201)
    expect(stub.requests.map((r) => r.status)).toEqual([200, 500, 201])
  })

  it('honours times, a custom body and headers, and preempts auth', async () => {
    stub.inject({
      status: 403,
      times: 2,
      body: { message: 'API rate limit exceeded' },
      headers: { 'x-ratelimit-remaining': '0' },
    })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await api(LIST, { token: 'ghs_unknown' })
      statuses.push(res.status)
      if (i === 0) {
        expect(res.headers.get('x-ratelimit-remaining')).toBe('0')
        expect(await res.json()).toEqual({ message: 'API rate limit exceeded' })
      }
    }
    expect(statuses).toEqual([403, 403, 401])
  })

  it('logs method, path, query, lowercase headers and parsed body; clearLog empties it', async () => {
    const log = stub.requests
    await fetch(`${stub.url}${LIST}?per_page=5`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${WRITE}`, 'X-Custom': 'yes' },
      body: JSON.stringify({ body: 'logged' }),
    })
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({
      method: 'POST',
      path: LIST,
      query: { per_page: '5' },
      body: { body: 'logged' },
      status: 201,
    })
    expect(log[0].headers['x-custom']).toBe('yes')
    expect(log[0].headers.authorization).toBe(`Bearer ${WRITE}`)

    stub.clearLog()
    expect(log).toHaveLength(0)
  })
})

describe('lifecycle', () => {
  it('stops accepting connections after close()', async () => {
    await api(LIST) // leaves a keep-alive connection open, which close() must not wait on
    await stub.close()
    await expect(fetch(`${stub.url}${LIST}`)).rejects.toThrow()
  })
})
