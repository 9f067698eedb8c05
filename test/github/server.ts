/**
 * A local stand-in for the GitHub REST API issue-comment endpoints, served over real HTTP on 127.0.0.1 so the
 * action's own HTTP client (URL building, headers, pagination, error handling) is exercised unchanged.
 *
 * Only the slice of api.github.com the sticky plan comment needs is modelled, but that slice follows GitHub's
 * documented behaviour closely (status codes, error bodies, `Link` pagination), because a stub that is more
 * forgiving than GitHub would let real bugs through.
 */
import { randomUUID } from 'node:crypto'
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface GitHubUser {
  login: string
  id: number
  node_id: string
  type: 'User' | 'Bot'
  site_admin: boolean
  url: string
  html_url: string
  avatar_url: string
}

/** An issue comment as GitHub returns it (the subset of fields an API client plausibly reads). */
export interface IssueComment {
  id: number
  node_id: string
  url: string
  html_url: string
  issue_url: string
  body: string
  user: GitHubUser
  created_at: string
  updated_at: string
  author_association: string
}

export interface LoggedRequest {
  method: string
  /** The path without the query string. */
  path: string
  query: Record<string, string>
  /** Lowercase header names. */
  headers: Record<string, string>
  /** The parsed JSON body; the raw text when it is not valid JSON; undefined when the body is empty. */
  body: unknown
  rawBody: string
  /** The status the stub answered with (0 until the response is written). */
  status: number
}

export interface Fault {
  /** Matches any method when absent. */
  method?: string
  /** Tested against the path without the query string; matches any path when absent. */
  path?: RegExp
  status: number
  /** How many matching requests to fail before the fault disappears. Defaults to 1; Infinity is allowed. */
  times?: number
  /** JSON response body; defaults to `{"message": <status text>}`. */
  body?: unknown
  /** Extra response headers, e.g. `retry-after` or `x-ratelimit-remaining` for a rate-limit fault. */
  headers?: Record<string, string>
}

export interface GitHubStubOptions {
  /** The largest `per_page` honoured; larger values are clamped, as GitHub clamps to 100. */
  perPageMax?: number
  /** Clock for `created_at` / `updated_at`, so tests can make timestamps deterministic. */
  now?: () => Date
}

export interface GitHubStub {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`; use it as GITHUB_API_URL. */
  readonly url: string
  close(): Promise<void>
  /** Registers a token. The comments it creates are authored by `user` (default `github-actions[bot]`). */
  addToken(token: string, access: 'write' | 'read', user?: string): void
  /** Adds comments directly (no auth, no validation) and returns them as the API would. Default author: octocat. */
  seedComments(
    owner: string,
    repo: string,
    issue: number,
    comments: Array<{ body: string; user?: string }>,
  ): IssueComment[]
  /** The issue's current comments in ascending id order (copies; mutating them does not affect the stub). */
  comments(owner: string, repo: string, issue: number): IssueComment[]
  /** Every request received, in arrival order, including ones answered by an injected fault. */
  readonly requests: readonly LoggedRequest[]
  clearLog(): void
  /** Makes the next matching request(s) fail with `status` before any other handling (auth included). */
  inject(fault: Fault): void
}

// GitHub's documented body limit for issue comments.
const MAX_BODY_CHARS = 65_536
const DEFAULT_PER_PAGE = 30
const DOCS = {
  root: 'https://docs.github.com/rest',
  list: 'https://docs.github.com/rest/issues/comments#list-issue-comments',
  get: 'https://docs.github.com/rest/issues/comments#get-an-issue-comment',
  create: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
  update: 'https://docs.github.com/rest/issues/comments#update-an-issue-comment',
  delete: 'https://docs.github.com/rest/issues/comments#delete-an-issue-comment',
}
// Real comment ids have long since passed 2^31; starting above it catches code that squeezes ids into int32
// (or compares them as strings of equal length), while staying far below Number.MAX_SAFE_INTEGER.
const FIRST_COMMENT_ID = 2_500_000_000
// The real id of github-actions[bot], so fixtures that hard-code it keep matching.
const KNOWN_USER_IDS: Record<string, number> = { 'github-actions[bot]': 41898282, octocat: 583231 }

const LIST_ROUTE = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/
const COMMENT_ROUTE = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/

interface StoredComment {
  /** Lowercased `owner/repo`, because GitHub resolves repository names case-insensitively. */
  repoKey: string
  owner: string
  repo: string
  issue: number
  comment: IssueComment
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly payload: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(payload.message))
  }
}

/** GitHub's error bodies carry the status as a string since 2024, next to the message and a docs link. */
function apiError(
  status: number,
  message: string,
  documentationUrl: string,
  extra: Record<string, unknown> = {},
) {
  return new HttpError(status, {
    message,
    ...extra,
    documentation_url: documentationUrl,
    status: String(status),
  })
}

/** GitHub timestamps are ISO 8601 in UTC with whole seconds: `2011-04-14T16:00:49Z`. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function positiveInt(text: string | null): number | undefined {
  if (text === null || !/^\d+$/.test(text)) return undefined
  const n = Number(text)
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined
}

function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase()
}

export async function startGitHubStub(options: GitHubStubOptions = {}): Promise<GitHubStub> {
  const perPageMax = options.perPageMax ?? 100
  const now = options.now ?? (() => new Date())
  const tokens = new Map<string, { access: 'write' | 'read'; user: string }>()
  // Kept in creation order, which is also ascending id order: the order GitHub lists issue comments in.
  const store: StoredComment[] = []
  const requests: LoggedRequest[] = []
  let faults: Array<Fault & { remaining: number }> = []
  let nextCommentId = FIRST_COMMENT_ID
  let nextUserId = 1_000_000
  const userIds = new Map<string, number>(Object.entries(KNOWN_USER_IDS))
  let baseUrl = ''

  function user(login: string): GitHubUser {
    let id = userIds.get(login)
    if (id === undefined) {
      id = nextUserId++
      userIds.set(login, id)
    }
    const isBot = login.endsWith('[bot]')
    return {
      login,
      id,
      node_id: Buffer.from(`04:User${id}`).toString('base64'),
      type: isBot ? 'Bot' : 'User',
      site_admin: false,
      url: `${baseUrl}/users/${encodeURIComponent(login)}`,
      html_url: isBot
        ? `https://github.com/apps/${login.slice(0, -'[bot]'.length)}`
        : `https://github.com/${login}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    }
  }

  function addComment(owner: string, repo: string, issue: number, body: string, login: string): IssueComment {
    const id = nextCommentId++
    const at = timestamp(now())
    const repoPath = `${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`
    const comment: IssueComment = {
      id,
      node_id: `IC_${Buffer.from(String(id)).toString('base64url')}`,
      url: `${baseUrl}/repos/${repoPath}/issues/comments/${id}`,
      // Every issue number is treated as a pull request, whose comments GitHub links under /pull/.
      html_url: `https://github.com/${repoPath}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${baseUrl}/repos/${repoPath}/issues/${issue}`,
      body,
      user: user(login),
      created_at: at,
      updated_at: at,
      author_association: 'NONE',
    }
    store.push({ repoKey: repoKey(owner, repo), owner, repo, issue, comment })
    return structuredClone(comment)
  }

  function issueComments(owner: string, repo: string, issue: number): IssueComment[] {
    const key = repoKey(owner, repo)
    return store.filter((s) => s.repoKey === key && s.issue === issue).map((s) => s.comment)
  }

  /**
   * Resolves the caller. A token GitHub does not recognise is rejected on every path, before routing, whereas a
   * request without credentials is only refused once it reaches an endpoint that needs them.
   */
  function authenticate(header: string | undefined): { access: 'write' | 'read'; user: string } | undefined {
    if (header === undefined || header.trim() === '') return undefined
    const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header.trim())
    const entry = match ? tokens.get(match[1]) : undefined
    if (!entry) throw apiError(401, 'Bad credentials', DOCS.root)
    return entry
  }

  function parseJson(raw: string, docs: string): Record<string, unknown> {
    // GitHub treats an absent body as no parameters, which then fails validation rather than parsing.
    if (raw.trim() === '') return {}
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      throw apiError(400, 'Problems parsing JSON', docs)
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw apiError(
        422,
        `Invalid request.\n\nFor 'links/0/schema', ${JSON.stringify(value)} is not an object.`,
        docs,
      )
    }
    return value as Record<string, unknown>
  }

  function commentBody(params: Record<string, unknown>, docs: string): string {
    if (!('body' in params)) throw apiError(422, 'Invalid request.\n\n"body" wasn\'t supplied.', docs)
    const body = params.body
    if (typeof body !== 'string') {
      throw apiError(
        422,
        `Invalid request.\n\nFor 'properties/body', ${JSON.stringify(body)} is not a string.`,
        docs,
      )
    }
    if (body === '') {
      throw apiError(422, 'Validation Failed', docs, {
        errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
      })
    }
    // GitHub (Ruby) counts characters, i.e. code points, not UTF-16 units: an emoji counts once.
    if ([...body].length > MAX_BODY_CHARS) {
      throw apiError(422, 'Validation Failed', docs, {
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${MAX_BODY_CHARS} characters)`,
          },
        ],
      })
    }
    return body
  }

  function linkHeader(url: URL, page: number, lastPage: number): string | undefined {
    const link = (p: number, rel: string) => {
      const params = new URLSearchParams(url.search)
      // `set` keeps the parameter where the caller put it (or appends it), so other parameters survive as sent.
      params.set('page', String(p))
      return `<${baseUrl}${url.pathname}?${params}>; rel="${rel}"`
    }
    // GitHub's order is prev, next, last, first, and rels that do not apply are omitted.
    const parts: string[] = []
    if (page > 1) parts.push(link(page - 1, 'prev'))
    if (page < lastPage) parts.push(link(page + 1, 'next'), link(lastPage, 'last'))
    if (page > 1) parts.push(link(1, 'first'))
    return parts.length > 0 ? parts.join(', ') : undefined
  }

  interface Reply {
    status: number
    body?: unknown
    headers?: Record<string, string>
  }

  function route(method: string, url: URL, raw: string, authorization: string | undefined): Reply {
    const caller = authenticate(authorization)
    const requireCaller = (docs: string) => {
      if (!caller) throw apiError(401, 'Requires authentication', docs)
      return caller
    }
    const requireWrite = (docs: string) => {
      const c = requireCaller(docs)
      if (c.access !== 'write') {
        // What a fork pull request's read-only GITHUB_TOKEN gets back when it tries to comment.
        throw new HttpError(
          403,
          { message: 'Resource not accessible by integration', documentation_url: docs, status: '403' },
          { 'x-accepted-github-permissions': 'issues=write; pull_requests=write' },
        )
      }
      return c
    }

    const list = LIST_ROUTE.exec(url.pathname)
    const issue = list ? positiveInt(list[3]) : undefined
    if (list && issue !== undefined) {
      const owner = decodeURIComponent(list[1])
      const repo = decodeURIComponent(list[2])
      if (method === 'GET') {
        requireCaller(DOCS.list)
        // GitHub falls back to the default for a missing or unusable per_page and clamps large ones.
        const perPage = Math.min(
          positiveInt(url.searchParams.get('per_page')) ?? DEFAULT_PER_PAGE,
          perPageMax,
        )
        const page = positiveInt(url.searchParams.get('page')) ?? 1
        let all = issueComments(owner, repo, issue)
        const since = url.searchParams.get('since')
        if (since !== null && !Number.isNaN(Date.parse(since))) {
          all = all.filter((c) => Date.parse(c.updated_at) >= Date.parse(since))
        }
        const lastPage = Math.max(1, Math.ceil(all.length / perPage))
        const link = linkHeader(url, page, lastPage)
        return {
          status: 200,
          body: all.slice((page - 1) * perPage, page * perPage),
          headers: link ? { link } : {},
        }
      }
      if (method === 'POST') {
        const c = requireWrite(DOCS.create)
        const body = commentBody(parseJson(raw, DOCS.create), DOCS.create)
        const created = addComment(owner, repo, issue, body, c.user)
        return { status: 201, body: created, headers: { location: created.url } }
      }
    }

    const single = COMMENT_ROUTE.exec(url.pathname)
    const commentId = single ? positiveInt(single[3]) : undefined
    if (single && commentId !== undefined && ['GET', 'PATCH', 'DELETE'].includes(method)) {
      const docs = method === 'GET' ? DOCS.get : method === 'PATCH' ? DOCS.update : DOCS.delete
      requireCaller(docs)
      // The id is global, but GitHub only finds it through the repository it belongs to.
      const key = repoKey(decodeURIComponent(single[1]), decodeURIComponent(single[2]))
      const index = store.findIndex((s) => s.comment.id === commentId && s.repoKey === key)
      if (index < 0) throw apiError(404, 'Not Found', docs)
      const stored = store[index]
      if (method === 'GET') return { status: 200, body: stored.comment }
      requireWrite(docs)
      if (method === 'DELETE') {
        store.splice(index, 1)
        return { status: 204 }
      }
      stored.comment.body = commentBody(parseJson(raw, docs), docs)
      stored.comment.updated_at = timestamp(now())
      return { status: 200, body: stored.comment }
    }

    throw apiError(404, 'Not Found', DOCS.root)
  }

  function takeFault(method: string, path: string): Fault | undefined {
    const fault = faults.find(
      (f) => (f.method === undefined || f.method.toUpperCase() === method) && (f.path?.test(path) ?? true),
    )
    if (!fault) return undefined
    fault.remaining -= 1
    if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault)
    return fault
  }

  function send(res: ServerResponse, entry: LoggedRequest, reply: Reply): void {
    entry.status = reply.status
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': randomUUID().toUpperCase(),
      ...reply.headers,
    }
    if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status, headers).end()
      return
    }
    headers['content-type'] = 'application/json; charset=utf-8'
    res.writeHead(reply.status, headers).end(JSON.stringify(reply.body))
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
    }
    // Logged on arrival so the log keeps arrival order even if responses finish out of order.
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: undefined,
      rawBody: '',
      status: 0,
    }
    requests.push(entry)

    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    entry.rawBody = raw
    if (raw !== '') {
      try {
        entry.body = JSON.parse(raw)
      } catch {
        entry.body = raw
      }
    }

    const fault = takeFault(method, url.pathname)
    if (fault) {
      send(res, entry, {
        status: fault.status,
        body: fault.body ?? { message: STATUS_CODES[fault.status] ?? 'Error' },
        headers: fault.headers ?? {},
      })
      return
    }

    try {
      send(res, entry, route(method, url, raw, req.headers.authorization))
    } catch (error) {
      if (error instanceof HttpError) {
        send(res, entry, { status: error.status, body: error.payload, headers: error.headers })
      } else {
        // A bug in the stub itself: answer like GitHub's own 500, and keep the cause visible in the test output.
        console.error('GitHub stub failed:', error)
        send(res, entry, { status: 500, body: { message: 'Server Error' } })
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('GitHub stub failed:', error)
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  let closing: Promise<void> | undefined
  return {
    url: baseUrl,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // server.close() drops idle keep-alive connections, but a request still in flight (say, a test that gave
        // up on a hung fetch) would otherwise hold close() open until it timed out.
        server.closeAllConnections()
      })
      return closing
    },
    addToken(token, access, login = 'github-actions[bot]') {
      tokens.set(token, { access, user: login })
    },
    seedComments(owner, repo, issue, comments) {
      return comments.map((c) => addComment(owner, repo, issue, c.body, c.user ?? 'octocat'))
    },
    comments(owner, repo, issue) {
      return structuredClone(issueComments(owner, repo, issue))
    },
    get requests() {
      return requests
    },
    clearLog() {
      // Emptied in place so a reference a test took to `requests` stays live.
      requests.length = 0
    },
    inject(fault) {
      faults.push({ ...fault, remaining: fault.times ?? 1 })
    },
  }
}
