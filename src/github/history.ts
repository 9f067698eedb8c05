import type { GitHubApi, PullRequest } from './api.js'
import { GitHubBoundError, describeGitHubError } from './errors.js'

// No merge is ever lost: GitHub keeps one pending run per concurrency group and cancels the older
// pending one, and an apply can fail or be cancelled. So an apply does not stop at its own pull
// request: it walks back along the first parents of its commit to the last pull request whose plan
// comment records a completed apply, and checks against every reviewed plan in between.

/** How far back an apply looks: commits walked, pull requests read, GitHub requests made. */
export const HISTORY_BOUNDS = { commits: 50, pulls: 20, requests: 150 } as const
/** Commits asked for at once: a straight history is one request. */
const PAGE = 50

/** What a pull request's plan comment gave: the record, or why there is none, and whether it was applied. */
export interface PullLookup<R> {
  /** The verified record of the pull request's reviewed plan. */
  record?: R
  /** Why there is no record ("pull request #12 has no plan comment of this action"). */
  missing?: string
  /** Its plan comment records a completed apply (see recordsCompletedApply). */
  applied: boolean
}

/** The reviewed plans since the last apply, and what came in between without one. */
export interface Unapplied<R> {
  /** The records of the pull requests not yet applied, oldest first. */
  records: { pull: PullRequest; record: R }[]
  /** The pull request merged as the commit applied, when one was. */
  head?: PullRequest
  /** Commits no pull request brought and pull requests with no record, newest first: why each. */
  unreviewed: string[]
  /** Why the walk stopped before an applied pull request or the start of history, when it did. */
  stopped?: string
  /** The walk failed before it read anything: GitHub's answer. */
  failed?: string
}

/**
 * Walks first-parent history back from `sha` (`GET /repos/{repo}/commits?sha=`), finds the pull
 * request merged as each commit (`GET /repos/{repo}/commits/{sha}/pulls`) and looks up its record
 * with `lookup`, until a pull request whose comment records a completed apply (the one merged as
 * `sha` itself always counts), the start of history, or a bound. A pull request merged by rebase
 * brings several commits: those before its merge commit are its own, not direct pushes. A GitHub
 * failure ends the walk there, with what was found so far (`warn` says why).
 */
export async function unappliedSince<R>(
  api: GitHubApi,
  repo: string,
  sha: string,
  lookup: (pull: PullRequest) => Promise<PullLookup<R>>,
  warn: (line: string) => void,
): Promise<Unapplied<R>> {
  const found: Unapplied<R> = { records: [], unreviewed: [] }
  const firstParent = new Map<string, string | undefined>()
  const mergeCommits = new Set<string>()
  let [commits, pulls] = [0, 0]
  let at: string | undefined = sha.toLowerCase()
  try {
    while (at) {
      if (commits === HISTORY_BOUNDS.commits) {
        found.stopped = `Stopped looking back after ${commits} commits without finding an applied pull request`
        break
      }
      if (!firstParent.has(at)) {
        for (const c of await api.commits(repo, at, PAGE))
          firstParent.set(c.sha.toLowerCase(), c.parents[0]?.sha.toLowerCase())
        if (!firstParent.has(at)) throw new Error(`GitHub did not list commit ${at.slice(0, 7)}`)
      }
      commits++
      const merged = (await api.pullsOfCommit(repo, at)).filter((p) => p.merged_at && p.merge_commit_sha)
      const pull = merged.find((p) => p.merge_commit_sha!.toLowerCase() === at)
      if (pull) {
        if (pulls === HISTORY_BOUNDS.pulls) {
          found.stopped = `Stopped looking back after ${pulls} pull requests without finding an applied one`
          break
        }
        pulls++
        mergeCommits.add(at)
        const got = await lookup(pull)
        if (at !== sha.toLowerCase() && got.applied) break
        if (at === sha.toLowerCase()) found.head = pull
        if (got.record !== undefined) found.records.unshift({ pull, record: got.record })
        else found.unreviewed.push(got.missing ?? `pull request #${pull.number} records no plan`)
      } else if (!merged.some((p) => mergeCommits.has(p.merge_commit_sha!.toLowerCase()))) {
        found.unreviewed.push(`no pull request was merged as ${at.slice(0, 7)}`)
      }
      at = firstParent.get(at)
    }
  } catch (e) {
    if (e instanceof GitHubBoundError) {
      found.stopped = `Stopped looking back after ${e.maxRequests} GitHub requests without finding an applied pull request`
    } else {
      const why = describeGitHubError(e)
      if (commits <= 1 && !found.records.length && !found.unreviewed.length) {
        warn(`reviewed plan: ${why}; counted as no reviewed plan found`)
        return { ...found, failed: why }
      }
      warn(`reviewed plan: ${why}; stopped looking back there`)
      found.stopped = `Stopped looking back at ${at?.slice(0, 7) ?? 'the start'}: ${why}`
    }
  }
  return found
}
