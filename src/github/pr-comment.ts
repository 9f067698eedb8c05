import { readFile } from 'node:fs/promises'
import { GitHubApi, type IssueComment } from './api.js'
import { GitHubError } from './errors.js'

/** The repository and run this job belongs to, from the runner's environment. */
export interface RepositoryContext {
  apiUrl: string
  repository: string
  runUrl?: string
}

/** The pull request this run plans for, from the runner's environment and event payload. */
export interface PullRequestContext extends RepositoryContext {
  number: number
  commit?: string
}

/** GITHUB_API_URL, GITHUB_REPOSITORY and the run's URL; undefined outside a runner. */
export function repositoryContext(env: NodeJS.ProcessEnv): RepositoryContext | undefined {
  if (!env.GITHUB_REPOSITORY) return undefined
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  return {
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    repository: env.GITHUB_REPOSITORY,
    runUrl: env.GITHUB_RUN_ID
      ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined,
  }
}

/** Reads GITHUB_EVENT_PATH; undefined when the event is not about a pull request. */
export async function pullRequestContext(env: NodeJS.ProcessEnv): Promise<PullRequestContext | undefined> {
  const repo = repositoryContext(env)
  if (!env.GITHUB_EVENT_PATH || !repo) return undefined
  let payload: { pull_request?: { number?: number; head?: { sha?: string } }; number?: number }
  try {
    payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as typeof payload
  } catch {
    return undefined
  }
  const number = payload.pull_request?.number ?? payload.number
  if (typeof number !== 'number') return undefined
  return { ...repo, number, commit: payload.pull_request?.head?.sha ?? env.GITHUB_SHA }
}

interface CommentResult {
  action: 'created' | 'updated'
  id: number
  url?: string
  /** Set when the conversation was longer than the listing reads: a new comment was posted. */
  incomplete?: boolean
}

/**
 * Creates the plan comment, or edits the action's own one that carries `marker`. Every page of the
 * PR's comments is searched (long PRs have hundreds), so a rerun never adds a second comment.
 */
export async function upsertComment(
  api: GitHubApi,
  pr: PullRequestContext,
  body: string,
  own: { wanted: (c: IssueComment) => boolean; strict: boolean },
): Promise<CommentResult> {
  const found = await api.findOwnComment(pr.repository, pr.number, own.wanted, own.strict)
  const saved = found.comment
    ? await api.editComment(pr.repository, found.comment.id, body)
    : await api.createComment(pr.repository, pr.number, body)
  return {
    action: found.comment ? 'updated' : 'created',
    id: saved.id,
    url: saved.html_url,
    incomplete: !found.complete || undefined,
  }
}

/** Fork PRs get a read-only token: say how to fix it, but the plan itself stands. */
export function commentHint(e: GitHubError): string {
  if (e.status === 403 || e.status === 404) {
    return `${e.describe()}. The token cannot comment on this pull request (a fork's read-only token?); grant "permissions: pull-requests: write", or set pr-comment: false.`
  }
  return e.describe()
}
