import type { ReviewInput } from '../engine/engine.js'
import { readReviewedPlan } from '../engine/review.js'
import type { ReviewPolicy, RunResult } from '../model.js'
import { commentMarker, renderAppliedComment } from '../report/comment-body.js'
import type { GitHubSettings } from '../settings/action-inputs.js'
import { GitHubApi, MAX_PAGES, type IssueComment } from './api.js'
import { describeGitHubError } from './errors.js'
import { redact } from './log.js'
import { repositoryContext, type RepositoryContext } from './pr-comment.js'

/** Where the log goes: warnings for a lookup that failed, notices for one not made. */
export interface ReviewIO {
  info(line: string): void
  notice(line: string): void
  warning(line: string): void
}

/** The reviewed plan an apply found, and the comment it came from (edited with the outcome afterwards). */
export interface Reviewed extends ReviewInput {
  comment?: { repo: RepositoryContext; id: number; body: string }
}

/**
 * Finds the plan reviewed for this commit: the merged pull request whose merge commit is GITHUB_SHA
 * (`GET /repos/{repo}/commits/{sha}/pulls`), then the action's own plan comment on it. A lookup that
 * fails is a warning and counts as "no reviewed plan found"; undefined with reviewed-plan: off.
 */
export async function findReviewedPlan(
  github: GitHubSettings,
  config: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
  io: ReviewIO,
): Promise<Reviewed | undefined> {
  if (github.reviewedPlan === 'off') return undefined
  const policy: ReviewPolicy = github.reviewedPlan
  const none = (missing: string): Reviewed => ({ review: { policy, missing } })
  if (!github.token) {
    io.notice('github-token is empty: no reviewed plan was looked up')
    return none('github-token is empty')
  }
  const repo = repositoryContext(env)
  const sha = env.GITHUB_SHA
  if (!repo || !sha) return none('GITHUB_REPOSITORY or GITHUB_SHA is not set')
  const api = new GitHubApi(repo.apiUrl, github.token, timeoutMs)
  try {
    const pulls = await api.pullsOfCommit(repo.repository, sha)
    const pr = pulls.find((p) => p.merged_at && p.merge_commit_sha === sha)
    if (!pr) return none(`no pull request was merged as ${sha.slice(0, 7)}`)
    const marker = commentMarker(config)
    const found = await api.findOwnComment(repo.repository, pr.number, (c) => c.body.includes(marker))
    if (!found.comment) {
      const where = found.complete ? '' : ` in its first ${MAX_PAGES} pages of comments`
      return none(`pull request #${pr.number} has no plan comment of this action${where}`)
    }
    const plan = readReviewedPlan(found.comment.body)
    if (!plan) return none(`the plan comment of pull request #${pr.number} records no plan`)
    io.info(`reviewed plan: pull request #${pr.number}${plan.sha ? `, reviewed at ${plan.sha}` : ''}`)
    return {
      review: { policy, source: `pull request #${pr.number}`, url: link(found.comment), sha: plan.sha },
      plan,
      comment: { repo, id: found.comment.id, body: found.comment.body },
    }
  } catch (e) {
    const why = describeGitHubError(e)
    io.warning(`reviewed plan: ${why}; counted as no reviewed plan found`)
    return none(`the lookup failed: ${why}`)
  } finally {
    api.close()
  }
}

/**
 * Edits the merged pull request's plan comment: the apply's outcome at the top, the reviewed plan
 * below. A comment GitHub will not let us edit (403, 404) is a warning: the apply itself stands.
 */
export async function reportOnPullRequest(
  reviewed: Reviewed,
  run: RunResult,
  token: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
  io: ReviewIO,
): Promise<void> {
  const comment = reviewed.comment
  if (!comment) return
  const api = new GitHubApi(comment.repo.apiUrl, token, timeoutMs)
  try {
    const body = renderAppliedComment(run, comment.body, {
      runUrl: comment.repo.runUrl,
      run: env.GITHUB_RUN_NUMBER ?? env.GITHUB_RUN_ID,
    })
    const saved = await api.editComment(comment.repo.repository, comment.id, redact(body))
    io.info(`plan comment updated with the outcome: ${saved.html_url ?? saved.id}`)
  } catch (e) {
    io.warning(`the plan comment was not updated with the outcome: ${describeGitHubError(e)}`)
  } finally {
    api.close()
  }
}

function link(c: IssueComment): string | undefined {
  return c.html_url?.startsWith('https://') ? c.html_url : undefined
}
