/**
 * A local stand-in for the slice of the GitHub REST API the action uses, over real HTTP on 127.0.0.1, so
 * the action's own client (URLs, headers, pagination, errors) runs unchanged: who the token is
 * (`GET /user`), a pull request's comments (list with `Link` pages, create, edit), the pull
 * requests of a commit, and the commits reachable from one (`GET /repos/{o}/{r}/commits?sha=`). Status codes and error bodies are GitHub's, since a more forgiving stub would
 * let real bugs through.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An issue comment, as GitHub returns it (the fields a client plausibly reads). */
export interface IssueComment {
  id: number
  html_url: string
  body: string
  user: { login: string; id: number; type: 'User' | 'Bot' }
}

/** A pull request as `GET /repos/{o}/{r}/commits/{sha}/pulls` lists it. */
export interface PullRequest {
  number: number
  state: 'open' | 'closed'
  html_url: string
  head: { sha: string }
  merged_at: string | null
  merge_commit_sha: string | null
}

/** A commit as `GET /repos/{o}/{r}/commits` lists it (the fields a client plausibly reads). */
export interface Commit {
  sha: string
  html_url: string
  commit: { message: string }
  parents: { sha: string; html_url: string }[]
}

export interface LoggedRequest {
  method: string
  /** The path without the query string. */
  path: string
  query: Record<string, string>
  /** Lowercase header names. */
  headers: Record<string, string>
  /** The parsed JSON body, or undefined. */
  body: unknown
  /** The status the stub answered with. */
  status: number
}

export interface Fault {
  /** Matches any method when absent. */
  method?: string
  /** Tested against the path without the query string; any path when absent. */
  path?: RegExp
  status: number
  /** How many matching requests fail before the fault is gone (default 1; Infinity allowed). */
  times?: number
  /** JSON body; default `{"message": <status text>}`. */
  body?: unknown
  headers?: Record<string, string>
}

export interface GitHubStub {
  /** Base URL without a trailing slash: the GITHUB_API_URL of a test. */
  readonly url: string
  close(): Promise<void>
  /**
   * Registers a token acting as `user`. A login ending in `[bot]` (default `github-actions[bot]`) is an
   * app's installation token, which `GET /user` refuses with 403, as GitHub does; any other is a user's.
   */
  addToken(token: string, access: 'write' | 'read', user?: string): void
  /** Adds comments directly (default author: octocat, a user) and returns them. */
  seedComments(
    owner: string,
    repo: string,
    issue: number,
    comments: { body: string; user?: string }[],
  ): IssueComment[]
  /** The issue's comments in ascending id order (copies). */
  comments(owner: string, repo: string, issue: number): IssueComment[]
  /**
   * A pull request: listed for its head commit, and once merged, for its merge commit and for
   * `commits` (the commits a rebase merge put on the branch, or a merge brought).
   */
  addPull(
    owner: string,
    repo: string,
    pull: { number: number; head: string; mergeCommit?: string; commits?: string[] },
  ): void
  /**
   * A commit with its parents (first parent first), newer than every commit added before it: the
   * listing answers newest first, as GitHub's date order does for a history made in order.
   */
  addCommit(owner: string, repo: string, commit: { sha: string; parents?: string[]; message?: string }): void
  /** Every request received, in arrival order, including ones answered by a fault. */
  readonly requests: readonly LoggedRequest[]
  clearLog(): void
  /** Makes the next matching request(s) fail with `status`, before any other handling. */
  inject(fault: Fault): void
}

const MAX_BODY_CHARS = 65_536 // GitHub's limit for a comment body, in characters (code points)
const DEFAULT_PER_PAGE = 30
// Real comment ids are past 2^31: code that squeezes them into int32 fails here too.
const FIRST_COMMENT_ID = 2_500_000_000
const DOCS = 'https://docs.github.com/rest'

const LIST = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/
const EDIT = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/
const PULLS = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/pulls$/
const COMMITS = /^\/repos\/([^/]+)\/([^/]+)\/commits$/

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
  get payload() {
    return { message: this.message, ...this.extra, documentation_url: DOCS, status: String(this.status) }
  }
}

interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

// GitHub resolves owner/repo case-insensitively.
const key = (owner: string, repo: string, n: number | string = '') =>
  `${decodeURIComponent(owner)}/${decodeURIComponent(repo)}#${n}`.toLowerCase()

export async function startGitHubStub(): Promise<GitHubStub> {
  const tokens = new Map<string, { access: 'write' | 'read'; user: string }>()
  const threads = new Map<string, IssueComment[]>() // key(owner, repo, issue) → comments in id order
  const pulls = new Map<string, (PullRequest & { commits: string[] })[]>() // key(owner, repo) → pull requests
  const histories = new Map<string, Commit[]>() // key(owner, repo) → commits, oldest first
  const requests: LoggedRequest[] = []
  let faults: (Fault & { remaining: number })[] = []
  let nextId = FIRST_COMMENT_ID
  let baseUrl = ''

  const isBot = (login: string) => login.endsWith('[bot]')
  const user = (login: string): IssueComment['user'] => ({
    login,
    id: login === 'github-actions[bot]' ? 41898282 : 1_000_000 + login.length,
    type: isBot(login) ? 'Bot' : 'User',
  })

  function addComment(owner: string, repo: string, issue: number, body: string, login: string) {
    const id = nextId++
    const comment: IssueComment = {
      id,
      html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${id}`,
      body,
      user: user(login),
    }
    const k = key(owner, repo, issue)
    threads.set(k, [...(threads.get(k) ?? []), comment])
    return structuredClone(comment)
  }

  function caller(header: string | undefined) {
    const m = /^(?:bearer|token)\s+(\S+)$/i.exec(header?.trim() ?? '')
    const entry = m ? tokens.get(m[1]!) : undefined
    if (!entry) throw new HttpError(401, 'Bad credentials')
    return entry
  }

  function writer(c: { access: 'write' | 'read' }) {
    // What a fork pull request's read-only GITHUB_TOKEN gets when it tries to comment.
    if (c.access !== 'write') throw new HttpError(403, 'Resource not accessible by integration')
  }

  function commentBody(raw: string): string {
    let body: unknown
    try {
      body = (JSON.parse(raw) as { body?: unknown }).body
    } catch {
      throw new HttpError(400, 'Problems parsing JSON')
    }
    if (typeof body !== 'string' || body === '') throw new HttpError(422, 'Validation Failed')
    if ([...body].length > MAX_BODY_CHARS) {
      throw new HttpError(422, 'Validation Failed', {
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

  /** GitHub's Link header: prev, next, last, first, each only where it applies. */
  function linkHeader(url: URL, page: number, last: number): Record<string, string> {
    const link = (p: number, rel: string) => {
      const params = new URLSearchParams(url.search)
      params.set('page', String(p))
      return `<${baseUrl}${url.pathname}?${params}>; rel="${rel}"`
    }
    const parts: string[] = []
    if (page > 1) parts.push(link(page - 1, 'prev'))
    if (page < last) parts.push(link(page + 1, 'next'), link(last, 'last'))
    if (page > 1) parts.push(link(1, 'first'))
    return parts.length ? { link: parts.join(', ') } : {}
  }

  function route(method: string, url: URL, raw: string, authorization?: string): Reply {
    const who = caller(authorization)
    const path = url.pathname
    if (method === 'GET' && path === '/user') {
      // An installation token is no user: GitHub refuses it here.
      if (isBot(who.user)) throw new HttpError(403, 'Resource not accessible by integration')
      return { status: 200, body: user(who.user) }
    }
    const list = LIST.exec(path)
    if (list && Number(list[3]) > 0) {
      const [, owner, repo, issue] = list as unknown as [string, string, string, string]
      if (method === 'GET') {
        const perPage = Math.min(Number(url.searchParams.get('per_page')) || DEFAULT_PER_PAGE, 100)
        const page = Math.max(1, Number(url.searchParams.get('page')) || 1)
        const all = threads.get(key(owner, repo, issue)) ?? []
        const last = Math.max(1, Math.ceil(all.length / perPage))
        const body = all.slice((page - 1) * perPage, page * perPage)
        return { status: 200, body, headers: linkHeader(url, page, last) }
      }
      if (method === 'POST') {
        writer(who)
        return { status: 201, body: addComment(owner, repo, Number(issue), commentBody(raw), who.user) }
      }
    }
    const edit = EDIT.exec(path)
    if (edit && method === 'PATCH') {
      const [, owner, repo, id] = edit as unknown as [string, string, string, string]
      const prefix = key(owner, repo)
      const found = [...threads]
        .filter(([k]) => k.startsWith(prefix))
        .flatMap(([, cs]) => cs)
        .find((c) => c.id === Number(id))
      if (!found) throw new HttpError(404, 'Not Found')
      writer(who)
      // An app edits only its own comments (a person with write access may edit anyone's).
      if (isBot(who.user) && found.user.login !== who.user)
        throw new HttpError(403, 'Resource not accessible by integration')
      found.body = commentBody(raw)
      return { status: 200, body: found }
    }
    const commit = PULLS.exec(path)
    if (commit && method === 'GET') {
      const [, owner, repo, sha] = commit as unknown as [string, string, string, string]
      const listed = (pulls.get(key(owner, repo)) ?? []).filter(
        (p) => p.head.sha === sha || p.merge_commit_sha === sha || p.commits.includes(sha),
      )
      return { status: 200, body: listed.map(({ commits: _, ...p }) => p) }
    }
    const commits = COMMITS.exec(path)
    if (commits && method === 'GET') {
      const [, owner, repo] = commits as unknown as [string, string, string]
      const all = histories.get(key(owner, repo)) ?? []
      const from = url.searchParams.get('sha')
      const start = from ? all.findIndex((c) => c.sha === from) : all.length - 1
      if (start < 0) throw new HttpError(404, `No commit found for SHA: ${from}`)
      // Every ancestor of the starting commit, newest first.
      const reachable = new Set([all[start]!.sha])
      const listed: Commit[] = []
      for (let i = start; i >= 0; i--) {
        const c = all[i]!
        if (!reachable.has(c.sha)) continue
        listed.push(c)
        for (const p of c.parents) reachable.add(p.sha)
      }
      const perPage = Math.min(Number(url.searchParams.get('per_page')) || DEFAULT_PER_PAGE, 100)
      const page = Math.max(1, Number(url.searchParams.get('page')) || 1)
      const last = Math.max(1, Math.ceil(listed.length / perPage))
      const body = listed.slice((page - 1) * perPage, page * perPage)
      return { status: 200, body, headers: linkHeader(url, page, last) }
    }
    throw new HttpError(404, 'Not Found')
  }

  function takeFault(method: string, path: string): Fault | undefined {
    const fault = faults.find((f) => (f.method ?? method) === method && (f.path?.test(path) ?? true))
    if (fault && --fault.remaining <= 0) faults = faults.filter((f) => f !== fault)
    return fault
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    )
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: undefined,
      status: 0,
    }
    requests.push(entry)
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    try {
      entry.body = raw ? JSON.parse(raw) : undefined
    } catch {
      entry.body = raw
    }
    let reply: Reply
    const fault = takeFault(method, url.pathname)
    if (fault) {
      reply = {
        status: fault.status,
        body: fault.body ?? { message: STATUS_CODES[fault.status] ?? 'Error' },
        headers: fault.headers,
      }
    } else {
      try {
        reply = route(method, url, raw, req.headers.authorization)
      } catch (e) {
        if (!(e instanceof HttpError)) throw e
        reply = { status: e.status, body: e.payload }
      }
    }
    entry.status = reply.status
    res
      .writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers })
      .end(JSON.stringify(reply.body))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('GitHub stub failed:', error)
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
    addToken(token, access, login = 'github-actions[bot]') {
      tokens.set(token, { access, user: login })
    },
    seedComments(owner, repo, issue, comments) {
      return comments.map((c) => addComment(owner, repo, issue, c.body, c.user ?? 'octocat'))
    },
    comments(owner, repo, issue) {
      return structuredClone(threads.get(key(owner, repo, issue)) ?? [])
    },
    addPull(owner, repo, p) {
      const k = key(owner, repo)
      pulls.set(k, [
        ...(pulls.get(k) ?? []),
        {
          number: p.number,
          state: p.mergeCommit ? 'closed' : 'open',
          html_url: `https://github.com/${owner}/${repo}/pull/${p.number}`,
          head: { sha: p.head },
          merged_at: p.mergeCommit ? '2025-01-01T00:00:00Z' : null,
          merge_commit_sha: p.mergeCommit ?? null,
          commits: p.commits ?? [],
        },
      ])
    },
    addCommit(owner, repo, c) {
      const k = key(owner, repo)
      const link = (sha: string) => `https://github.com/${owner}/${repo}/commit/${sha}`
      histories.set(k, [
        ...(histories.get(k) ?? []),
        {
          sha: c.sha,
          html_url: link(c.sha),
          commit: { message: c.message ?? `commit ${c.sha.slice(0, 7)}` },
          parents: (c.parents ?? []).map((sha) => ({ sha, html_url: link(sha) })),
        },
      ])
    },
    get requests() {
      return requests
    },
    clearLog() {
      requests.length = 0
    },
    inject(fault) {
      faults.push({ ...fault, remaining: fault.times ?? 1 })
    },
  }
}
