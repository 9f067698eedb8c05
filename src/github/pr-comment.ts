import { readFile } from 'node:fs/promises'
import { apiErrorFrom, type ApiError } from '../acronis/errors.js'
import { HttpClient } from '../http/client.js'

/** The pull request this run plans for, from the runner's environment and event payload. */
export interface PullRequestContext {
  apiUrl: string
  repository: string
  number: number
  commit?: string
  runUrl?: string
}

/** Reads GITHUB_EVENT_PATH; undefined when the event is not about a pull request. */
export async function pullRequestContext(env: NodeJS.ProcessEnv): Promise<PullRequestContext | undefined> {
  if (!env.GITHUB_EVENT_PATH || !env.GITHUB_REPOSITORY) return undefined
  let payload: { pull_request?: { number?: number; head?: { sha?: string } }; number?: number }
  try {
    payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as typeof payload
  } catch {
    return undefined
  }
  const number = payload.pull_request?.number ?? payload.number
  if (typeof number !== 'number') return undefined
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  return {
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    repository: env.GITHUB_REPOSITORY,
    number,
    commit: payload.pull_request?.head?.sha ?? env.GITHUB_SHA,
    runUrl: env.GITHUB_RUN_ID
      ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined,
  }
}

export type CommentResult = { action: 'created' | 'updated'; id: number; url?: string }

interface Comment {
  id: number
  body?: string
  html_url?: string
}

/**
 * Creates the plan comment, or edits the one that carries `marker`. Every page of the PR's comments
 * is searched (long PRs have hundreds), so a rerun never adds a second comment.
 */
export async function upsertComment(
  pr: PullRequestContext,
  token: string,
  marker: string,
  body: string,
  timeoutMs: number,
): Promise<CommentResult> {
  const http = new HttpClient({ concurrency: 1, timeoutMs, userAgent: 'acronis-report-sync' })
  const headers = {
    authorization: `Bearer ${token}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  }
  const call = async (method: string, url: URL, payload?: unknown) => {
    const reply = await http.send({
      method,
      url,
      headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    })
    if (reply.status >= 300) throw apiErrorFrom(method, url.pathname, reply.status, reply.body, [token])
    return reply
  }
  try {
    const base = `${pr.apiUrl}/repos/${pr.repository}/issues`
    let next: URL | undefined = new URL(`${base}/${pr.number}/comments?per_page=100`)
    let found: Comment | undefined
    while (next && !found) {
      const reply = await call('GET', next)
      found = (JSON.parse(reply.body) as Comment[]).find((c) => c.body?.includes(marker))
      next = nextLink(reply.headers.link)
      // The token follows the Link header: only ever to the API host it was given for.
      if (next && next.origin !== new URL(pr.apiUrl).origin) next = undefined
    }
    const reply = found
      ? await call('PATCH', new URL(`${base}/comments/${found.id}`), { body })
      : await call('POST', new URL(`${base}/${pr.number}/comments`), { body })
    const saved = JSON.parse(reply.body) as Comment
    return { action: found ? 'updated' : 'created', id: saved.id, url: saved.html_url }
  } finally {
    http.close()
  }
}

/** The rel="next" URL of a GitHub `Link` header. */
export function nextLink(link: string | string[] | undefined): URL | undefined {
  const header = Array.isArray(link) ? link.join(', ') : link
  const m = header ? /<([^>]+)>\s*;\s*rel="next"/.exec(header) : null
  return m ? new URL(m[1]!) : undefined
}

/** Fork PRs get a read-only token: say how to fix it, but the plan itself stands. */
export function commentHint(e: ApiError): string {
  if (e.status === 403 || e.status === 404) {
    return `${e.describe()}. The token cannot comment on this pull request (a fork's read-only token?); grant "permissions: pull-requests: write", or set pr-comment: false.`
  }
  return e.describe()
}
