import type { Change } from './change.js'

// The reviewed plan as the stages share it: what was reviewed, how an apply was checked, the record's keys.

/**
 * The plan a pull request's reviewers saw, as an apply checks its fresh plan against it: each report's
 * changes, or only a digest of them where the full changes did not fit in the comment.
 */
export interface ReviewedPlan {
  /** Report id (lower case) → the changes that were reviewed. */
  changes: ReadonlyMap<string, readonly Change[]>
  /** Digests (changeDigest) of the reports kept only as a digest. */
  digests: ReadonlySet<string>
  digestLength: number
  /** Every report that would change was kept in full: a report not listed was reviewed as unchanged. */
  complete: boolean
  /** The head commit that was planned (the merged pull request's final head). */
  sha?: string
  /** The key its digests were made with (derived from the client secret); absent: plain SHA-256. */
  digestKey?: Uint8Array
}

/**
 * Whether an apply wrote only what was reviewed: `check` finds a reviewed plan if there is one, `require`
 * insists (the action's `reviewed-plan` input; the CLI's `--reviewed-plan FILE` is `require`, from that file).
 */
export type ReviewPolicy = 'check' | 'require'

/** Where one reviewed plan came from: "pull request #12" or a file, a link to it, the commit reviewed. */
export interface ReviewSource {
  source: string
  /** A link to it (the plan comment). */
  url?: string
  /** The head commit that was reviewed. */
  sha?: string
}

/** How an apply was checked against the reviewed plan, for the renderers; absent when nothing was checked. */
export interface Review {
  policy: ReviewPolicy
  /**
   * Where the reviewed plans came from ("pull request #12", "pull requests #11 and #12", a file);
   * undefined when none was found.
   */
  source?: string
  /** A link to it, when there was one (the plan comment). */
  url?: string
  /** The head commit reviewed, when there was one plan. */
  sha?: string
  /** An apply that caught up on more than one pull request: each, oldest first. */
  sources?: ReviewSource[]
  /** What came in between with no reviewed plan ("no pull request was merged as abc1234"): its changes are held. */
  unreviewed?: string[]
  /** Why looking back through history stopped before an applied pull request, when it did. */
  stopped?: string
  /** Why no reviewed plan was found. */
  missing?: string
}

/** Why a report is held, and what was reviewed for it (see Outcome.reviewed). */
export interface Hold {
  error: string
  reviewed?: Change[] | null
}

/** Decides, for a report about to be written, whether its changes are the reviewed ones; undefined: write it. */
export type ReviewCheck = (id: string, changes: readonly Change[]) => Hold | undefined

/**
 * Keys derived from the API client secret (HKDF-SHA256, one label each: never the secret itself), so
 * only a run of this action that holds the secret can write a record an apply trusts, or a digest
 * that matches: the MAC over the record, and the key of each report's digest.
 */
export interface RecordKeys {
  mac: Buffer
  digest: Buffer
}

/** What a reviewed-plan record is for: the plan of this pull request at this head, and of no other. */
export interface RecordBinding {
  /** owner/name, as GITHUB_REPOSITORY says it. */
  repository: string
  pullRequest: number
  /** The head commit that was planned (at apply: the merged pull request's final head). */
  head: string
  /** The config path, as the comment's marker has it. */
  config: string
}
