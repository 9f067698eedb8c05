import { HttpClient } from '../http/client.js'
import type { Reply } from '../http/transport.js'
import { Redactor, type Redact } from '../util/redact.js'
import { GitHubBoundError, GitHubError, gitHubErrorFrom } from './errors.js'
import { isObject } from '../util/is-object.js'

/** An issue comment, the fields this action reads; GitHub's answers are checked against this shape. */
export interface IssueComment {
  id: number
  body: string
  user: { login: string; type: string } | null
  html_url?: string
}

/** A pull request as `GET /repos/{repo}/commits/{sha}/pulls` lists it. */
export interface PullRequest {
  number: number
  /** The pull request's head: once merged, the last commit pushed to it. */
  head?: { sha: string }
  merged_at: string | null
  merge_commit_sha: string | null
  html_url?: string
}

/** A commit as `GET /repos/{repo}/commits` lists it: the fields a history walk reads. */
export interface Commit {
  sha: string
  parents: { sha: string }[]
}

/** The account the token acts as: an app (GITHUB_TOKEN is github-actions[bot]) or a user (a personal token). */
type Identity = { kind: 'app' } | { kind: 'user'; login: string }

/** A conversation is read at most this far (100 comments a page): a `Link` chain that never ends stops here. */
export const MAX_PAGES = 100

/** What looking through a conversation found: the comment, or whether every page was read. */
interface Search {
  comment?: IssueComment
  /** Every comment found, oldest first. */
  comments: IssueComment[]
  /** false when the listing stopped at MAX_PAGES with pages left. */
  complete: boolean
}

/** The slice of the GitHub REST API this action uses, with the token, over the project's one HTTP client. */
export class GitHubApi {
  private readonly http: HttpClient
  private identity?: Promise<Identity>
  private readonly origin: string
  /** Scrubs the token, in every form, from what GitHub's errors say. */
  private readonly redact: Redact
  /** Requests sent so far: each counts toward `maxRequests`. */
  private sent = 0

  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    timeoutMs: number,
    /** Past this many requests every call throws a GitHubBoundError instead of being sent. */
    private readonly maxRequests = Infinity,
  ) {
    this.http = new HttpClient({ concurrency: 1, timeoutMs, userAgent: 'acronis-report-sync' })
    this.origin = new URL(apiUrl).origin
    this.redact = Redactor.of(token).redact
  }

  /** Who the token acts as, asked once. GET /user answers only user tokens; an app's token gets 403. */
  whoAmI(): Promise<Identity> {
    this.identity ??= (async (): Promise<Identity> => {
      // GitHub's installation tokens (GITHUB_TOKEN and every GitHub App's) start with ghs_: no need to ask.
      if (this.token.startsWith('ghs_')) return { kind: 'app' }
      try {
        const url = this.url('/user')
        const { value } = await this.read('GET', url)
        if (!isObject(value) || typeof value.login !== 'string') throw unexpected('GET', url, 'no login')
        return { kind: 'user', login: value.login }
      } catch (e) {
        if (e instanceof GitHubError && e.status === 403) return { kind: 'app' }
        throw e
      }
    })()
    return this.identity
  }

  /**
   * Whether the account the token acts as wrote the comment: only then is it the action's own.
   * Someone else's comment may carry the same marker; it is never edited nor trusted.
   */
  async isOwn(c: IssueComment, strict = false): Promise<boolean> {
    if (!c.user) return false
    const me = await this.whoAmI()
    // An app's token cannot ask who it is: any Bot, unless `strict` asks for the one GITHUB_TOKEN acts as.
    if (me.kind === 'app') return c.user.type === 'Bot' && (!strict || c.user.login === 'github-actions[bot]')
    return c.user.type === 'User' && c.user.login.toLowerCase() === me.login.toLowerCase()
  }

  /**
   * The comments of the issue that `wanted` picks and the token's account wrote (see isOwn), oldest
   * first, within MAX_PAGES; `comment` is the newest of them.
   */
  async findOwnComment(
    repo: string,
    issue: number,
    wanted: (c: IssueComment) => boolean,
    strict = false,
  ): Promise<Search> {
    const found: IssueComment[] = []
    const result = (complete: boolean): Search => ({ comment: found.at(-1), comments: found, complete })
    let next: URL | undefined = this.url(`/repos/${repo}/issues/${issue}/comments?per_page=100`)
    for (let page = 1; next; page++) {
      if (page > MAX_PAGES) return result(false)
      const { value, headers } = await this.read('GET', next)
      if (!Array.isArray(value)) throw unexpected('GET', next, 'not a list')
      for (const c of value.filter(isComment)) {
        if (wanted(c) && (await this.isOwn(c, strict))) found.push(c)
      }
      next = nextLink(headers.link)
      // The token follows the Link header only to the API host it was given for.
      if (next && next.origin !== this.origin) next = undefined
    }
    return result(true)
  }

  createComment(repo: string, issue: number, body: string): Promise<IssueComment> {
    return this.saved('POST', `/repos/${repo}/issues/${issue}/comments`, body)
  }

  editComment(repo: string, id: number, body: string): Promise<IssueComment> {
    return this.saved('PATCH', `/repos/${repo}/issues/comments/${id}`, body)
  }

  /** Pull requests that contain the commit: open ones, and the merged one whose merge commit it is. */
  async pullsOfCommit(repo: string, sha: string): Promise<PullRequest[]> {
    const url = this.url(`/repos/${repo}/commits/${encodeURIComponent(sha)}/pulls`)
    const { value } = await this.read('GET', url)
    if (!Array.isArray(value)) throw unexpected('GET', url, 'not a list')
    return value.filter(isPullRequest)
  }

  /**
   * Commits reachable from `sha`, newest first (`GET /repos/{repo}/commits?sha=`): one page of
   * `perPage`. A history walk follows `parents[0]` and asks again from where the page ends.
   */
  async commits(repo: string, sha: string, perPage: number): Promise<Commit[]> {
    const url = this.url(`/repos/${repo}/commits?sha=${encodeURIComponent(sha)}&per_page=${perPage}`)
    const { value } = await this.read('GET', url)
    if (!Array.isArray(value) || !value.every(isCommit)) throw unexpected('GET', url, 'not a list of commits')
    return value
  }

  close(): void {
    this.http.close()
  }

  private url(path: string): URL {
    return new URL(`${this.apiUrl}${path}`)
  }

  /** One call whose answer is JSON; an answer that is not is an error, never printed. */
  private async read(method: string, url: URL, payload?: unknown) {
    const reply = await this.send(method, url, payload)
    try {
      return { value: JSON.parse(reply.body) as unknown, headers: reply.headers }
    } catch {
      throw unexpected(method, url, 'not JSON')
    }
  }

  private async saved(method: string, path: string, body: string): Promise<IssueComment> {
    const url = this.url(path)
    const { value } = await this.read(method, url, { body })
    if (!isComment(value)) throw unexpected(method, url, 'not a comment')
    return value
  }

  private async send(method: string, url: URL, payload?: unknown): Promise<Reply> {
    if (++this.sent > this.maxRequests) throw new GitHubBoundError(this.maxRequests)
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
    }
    if (payload !== undefined) headers['content-type'] = 'application/json'
    const reply = await this.http.send({
      method,
      url,
      headers,
      body: payload === undefined ? undefined : JSON.stringify(payload),
    })
    if (reply.status >= 300)
      throw gitHubErrorFrom(method, url.pathname, reply.status, reply.body, this.redact)
    return reply
  }
}

function unexpected(method: string, url: URL, what: string): GitHubError {
  return new GitHubError(method, url.pathname, 200, `unexpected answer: ${what}`)
}

function isComment(v: unknown): v is IssueComment {
  if (!isObject(v) || typeof v.id !== 'number' || typeof v.body !== 'string') return false
  const u = v.user
  return u === null || (isObject(u) && typeof u.login === 'string' && typeof u.type === 'string')
}

function isPullRequest(v: unknown): v is PullRequest {
  return (
    isObject(v) &&
    typeof v.number === 'number' &&
    (v.merged_at === null || typeof v.merged_at === 'string') &&
    (v.merge_commit_sha === null || typeof v.merge_commit_sha === 'string') &&
    (v.head === undefined || (isObject(v.head) && typeof v.head.sha === 'string'))
  )
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i

function isCommit(v: unknown): v is Commit {
  return (
    isObject(v) &&
    typeof v.sha === 'string' &&
    SHA.test(v.sha) &&
    Array.isArray(v.parents) &&
    v.parents.every((p) => isObject(p) && typeof p.sha === 'string' && SHA.test(p.sha))
  )
}

/** The rel="next" URL of a GitHub `Link` header. */
export function nextLink(link: string | string[] | undefined): URL | undefined {
  const header = Array.isArray(link) ? link.join(', ') : link
  const m = header ? /<([^>]+)>\s*;\s*rel="next"/.exec(header) : null
  if (!m) return undefined
  try {
    return new URL(m[1]!)
  } catch {
    return undefined
  }
}
