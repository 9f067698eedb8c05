import type { ReviewInput } from '../engine/execute.js'
import {
  commentMarker,
  holdsOwnRecord,
  readReviewedPlan,
  recordsCompletedApply,
  ReviewedPlanError,
  UNVERIFIED,
} from '../review/record.js'
import type { RecordKeys, ReviewedPlan, ReviewPolicy, RunResult } from '../model.js'
import { renderAppliedComment } from '../report/comment-body.js'
import type { GitHubSettings } from '../settings/action-inputs.js'
import { GitHubApi, MAX_PAGES, type IssueComment, type PullRequest } from './api.js'
import { HISTORY_BOUNDS, unappliedSince, type PullLookup } from './history.js'
import { describeGitHubError } from './errors.js'
import { redact } from './log.js'
import { repositoryContext, type RepositoryContext } from './pr-comment.js'

/** Where the log goes: warnings for a lookup that failed, notices for one not made. */
export interface ReviewIO {
  info(line: string): void
  notice(line: string): void
  warning(line: string): void
}

/** A plan comment an apply read: it gets the outcome afterwards. */
interface ReadComment {
  repo: RepositoryContext
  id: number
  body: string
  /** The pull request it is on. */
  pull: number
}

/** The reviewed plans an apply found, and the comments they came from (edited with the outcome afterwards). */
export interface Reviewed extends ReviewInput {
  comments: ReadComment[]
  /** The pull request merged as the commit applied, when one was: "applied with #12" on the others. */
  head?: number
}

/** What the verified record of one pull request is: its comment and the plan recorded in it. */
interface PullRecord {
  comment: IssueComment
  plan: ReviewedPlan
}

/**
 * The verified record of pull request `pull`: the action's own plan comment on it (the marker of
 * this config; with `keys`, a record whose MAC verifies; without, written by the exact account the
 * token acts as) and the reviewed plan recorded in it, for the pull request's final head. Of several
 * such comments the newest whose record is of that head counts. `missing` says why there is none; a
 * record that does not verify or read is a warning as well. Whether the comment records a completed
 * apply is read either way. A GitHub failure throws.
 */
export async function recordOfPull(
  api: GitHubApi,
  repository: string,
  pull: PullRequest,
  config: string,
  io: ReviewIO,
  keys: RecordKeys | undefined,
): Promise<PullLookup<PullRecord>> {
  const marker = commentMarker(config)
  const mine = (c: IssueComment) => c.body.includes(marker)
  const found = await api.findOwnComment(repository, pull.number, mine, !keys)
  // A comment by the right account whose record does not verify: someone else's record, or an edit.
  const forged = keys ? found.comments.filter((c) => !holdsOwnRecord(c.body, keys)) : []
  const signed = keys ? found.comments.filter((c) => holdsOwnRecord(c.body, keys)) : found.comments
  if (forged.length && !signed.length) {
    const missing = `the plan comment of pull request #${pull.number}: ${UNVERIFIED}`
    io.warning(`reviewed plan: ${missing}; counted as no reviewed plan`)
    return { missing, applied: false }
  }
  const head = pull.head?.sha
  if (signed.length && !head)
    return { missing: `GitHub did not say the head of pull request #${pull.number}`, applied: false }
  const binding = { repository, pullRequest: pull.number, head: head ?? '', config }
  let newest: { comment: IssueComment; error: unknown } | undefined
  for (const comment of [...signed].reverse()) {
    try {
      const plan = readReviewedPlan(comment.body, binding, keys)
      if (plan) return { record: { comment, plan }, applied: recordsCompletedApply(comment.body) }
    } catch (e) {
      if (!(e instanceof ReviewedPlanError)) throw e
      newest ??= { comment, error: e }
    }
  }
  if (newest) {
    const missing = `the plan comment of pull request #${pull.number}: ${(newest.error as Error).message}`
    io.warning(`reviewed plan: ${missing}; counted as no reviewed plan`)
    return { missing, applied: recordsCompletedApply(newest.comment.body) }
  }
  if (!signed.length) {
    const where = found.complete ? '' : ` in its first ${MAX_PAGES} pages of comments`
    return {
      missing: `pull request #${pull.number} has no plan comment of this action${where}`,
      applied: false,
    }
  }
  const last = signed.at(-1)!
  return {
    missing: `the plan comment of pull request #${pull.number} records no plan`,
    applied: recordsCompletedApply(last.body),
  }
}

/**
 * Finds the plans reviewed for this commit and not yet applied: the pull request merged as
 * GITHUB_SHA, and every one merged before it since the last that was applied (src/github/history.ts),
 * each with its verified record. A lookup that fails is a warning; what was found until then counts.
 * Undefined with reviewed-plan: off.
 */
export async function findReviewedPlan(
  github: GitHubSettings,
  config: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
  io: ReviewIO,
  keys: RecordKeys | undefined,
): Promise<Reviewed | undefined> {
  if (github.reviewedPlan === 'off') return undefined
  const policy: ReviewPolicy = github.reviewedPlan
  const none = (missing: string): Reviewed => ({ review: { policy, missing }, comments: [] })
  if (!github.token) {
    io.notice('github-token is empty: no reviewed plan was looked up')
    return none('github-token is empty')
  }
  const repo = repositoryContext(env)
  const sha = env.GITHUB_SHA
  if (!repo || !sha) return none('GITHUB_REPOSITORY or GITHUB_SHA is not set')
  const api = new GitHubApi(repo.apiUrl, github.token, timeoutMs, HISTORY_BOUNDS.requests)
  try {
    const found = await unappliedSince(
      api,
      repo.repository,
      sha,
      (pull) => recordOfPull(api, repo.repository, pull, config, io, keys),
      (line) => io.warning(line),
    )
    if (found.failed) return none(`the lookup failed: ${found.failed}`)
    if (found.stopped) io.info(`reviewed plan: ${found.stopped}`)
    if (!found.records.length) return none(found.unreviewed[0] ?? found.stopped ?? 'none was found')
    const sources = found.records.map(({ pull, record }) => ({
      source: `pull request #${pull.number}`,
      url: link(record.comment),
      sha: record.plan.sha,
    }))
    for (const s of sources) io.info(`reviewed plan: ${s.source}${s.sha ? `, reviewed at ${s.sha}` : ''}`)
    const numbers = found.records.map(({ pull }) => `#${pull.number}`)
    const one = sources.length === 1 ? sources[0] : undefined
    return {
      review: {
        policy,
        source: one?.source ?? `pull requests ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`,
        url: one?.url,
        sha: one?.sha,
        ...(one ? {} : { sources }),
        ...(found.unreviewed.length ? { unreviewed: found.unreviewed } : {}),
        ...(found.stopped ? { stopped: found.stopped } : {}),
      },
      plans: found.records.map(({ record }) => record.plan),
      comments: found.records.map(({ pull, record }) => ({
        repo,
        id: record.comment.id,
        body: record.comment.body,
        pull: pull.number,
      })),
      head: found.head?.number,
    }
  } finally {
    api.close()
  }
}

/**
 * Edits the plan comment of every pull request whose reviewed plan was applied: the apply's outcome
 * at the top, naming the run and the commit (and, on the others, the pull request merged as it), the
 * reviewed plan below. A comment GitHub will not let us edit (403, 404) is a warning: the apply stands.
 */
export async function reportOnPullRequest(
  reviewed: Reviewed,
  run: RunResult,
  token: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
  io: ReviewIO,
): Promise<void> {
  for (const comment of reviewed.comments) {
    const api = new GitHubApi(comment.repo.apiUrl, token, timeoutMs)
    try {
      const body = renderAppliedComment(run, comment.body, {
        runUrl: comment.repo.runUrl,
        run: env.GITHUB_RUN_NUMBER ?? env.GITHUB_RUN_ID,
        commit: env.GITHUB_SHA,
        with: reviewed.head !== undefined && reviewed.head !== comment.pull ? reviewed.head : undefined,
      })
      const saved = await api.editComment(comment.repo.repository, comment.id, redact(body))
      io.info(
        `plan comment of pull request #${comment.pull} updated with the outcome: ${saved.html_url ?? saved.id}`,
      )
    } catch (e) {
      io.warning(
        `the plan comment of pull request #${comment.pull} was not updated with the outcome: ${describeGitHubError(e)}`,
      )
    } finally {
      api.close()
    }
  }
}

function link(c: IssueComment): string | undefined {
  return c.html_url?.startsWith('https://') ? c.html_url : undefined
}
