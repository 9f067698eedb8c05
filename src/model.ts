import { printable } from './util/log-safe.js'

// The domain every stage shares: what a plan is made of and what a run concluded. Stages import
// these types from here, never from each other's modules, so data flows one way.

/** The fields reports.yaml manages, in the order plans list them. */
export const FIELDS = ['kind', 'level', 'recipients', 'enabled', 'hide_zero_usage', 'show_skus'] as const
export type Field = (typeof FIELDS)[number]

/** Fields an update cannot change: compared on a report, set only when one is created. */
export const IMMUTABLE_FIELDS = ['tenant', 'result_action', 'formats'] as const
/** A field a change can name: a managed one, or one a create sets once. */
export type ChangeField = Field | (typeof IMMUTABLE_FIELDS)[number] | 'id'

/** A value as people read it in a plan; `null` stands for "absent from the live report". */
export type Shown = string | boolean | string[] | null

/** One field that differs: what the API has, what the file wants. */
export interface Change {
  field: ChangeField
  from: Shown
  to: Shown
  /**
   * Recipients shown by the names the file uses: the user UUIDs behind both sides, so that a name which
   * now stands for another user is another change (a reviewed plan compares these, not the names).
   */
  ids?: { from: string[]; to: string[] }
}

/** A value as a plan shows it; control characters from the API appear escaped (`\n`), never raw. */
export function showValue(v: Shown): string {
  if (v === null) return '(unset)'
  if (Array.isArray(v)) return `[${v.map((s) => printable(s)).join(', ')}]`
  return typeof v === 'string' ? printable(v) : String(v)
}

/** `kind: usage_summary → usage_current`: the one way every log, message and renderer spells a change. */
export function showChange(c: Change): string {
  return `${c.field}: ${showValue(c.from)} → ${showValue(c.to)}`
}

/** Several changes on one line, as log lines and messages show them. */
export function showChanges(changes: readonly Change[]): string {
  return changes.map(showChange).join('; ')
}

/** Where something is in a file; line and column are 1-based, as GitHub annotations expect. */
export interface SourceRef {
  file: string
  line: number
  column: number
  endLine?: number
  endColumn?: number
}

/**
 * What happened to one declared report. Each report has its own; nothing collapses them into a flag.
 * `held`: an apply did not write it, because its changes differ from the reviewed plan. `create` and
 * `delete` are what a plan (or a stopped apply) would do; `created` and `deleted` what an apply did.
 */
export type Status =
  | 'unchanged'
  | 'updated'
  | 'would-update'
  | 'create'
  | 'created'
  | 'delete'
  | 'deleted'
  | 'held'
  | 'failed'

export interface Outcome {
  /** The report's id; empty for a report not created (yet). */
  id: string
  name?: string
  /** The entry's position in the file's list (what a reviewed plan keys a report to create by). */
  entry?: number
  /** Something a person should know: a report found but not yet recorded, one already gone. */
  note?: string
  status: Status
  changes: Change[]
  /**
   * Why it failed (the API's error, a change the API cannot make, a write that did not stick), or why
   * it was held (its changes differ from the reviewed plan, or there was none to check against).
   */
  error?: string
  at: SourceRef
  /**
   * A held report's reviewed changes: `[]` when it was reviewed as unchanged, null when only a digest
   * of them was kept; absent when there was no reviewed plan.
   */
  reviewed?: Change[] | null
}

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

/** Which run produced a report: the renderers say it in their headings. */
type RunMode = 'plan' | 'apply' | 'pull'

/** Everything the renderers need; they read only this, so every view shows the same plan. */
export interface RunResult {
  mode: RunMode
  config: string
  outcomes: Outcome[]
  /** Set when max-changes stopped an apply. */
  overMaxChanges?: { count: number; limit: number }
  /** Set when max-deletes stopped an apply. */
  overMaxDeletes?: { count: number; limit: number }
  /** Reports of the tenant that the file does not declare: listed, never changed. */
  unmanaged?: { tenantId: string; ids: string[] }
  /** Set when an apply was checked against a reviewed plan (reviewed-plan: check or require). */
  review?: Review
  /** Set when the run's time limit (run-timeout-seconds) ended reports: the limit, and how many it ended. */
  runTimeout?: { seconds: number; stopped: number }
}

/** A held report counts in `held` only: neither changed nor failed. Creates and deletes count apart. */
export interface Counts {
  changed: number
  unchanged: number
  failed: number
  held: number
  created: number
  deleted: number
}

export function countOutcomes(outcomes: readonly Outcome[]): Counts {
  const c: Counts = { changed: 0, unchanged: 0, failed: 0, held: 0, created: 0, deleted: 0 }
  for (const o of outcomes) {
    if (o.status === 'failed') c.failed++
    else if (o.status === 'unchanged') c.unchanged++
    else if (o.status === 'held') c.held++
    else if (o.status === 'create' || o.status === 'created') c.created++
    else if (o.status === 'delete' || o.status === 'deleted') c.deleted++
    else c.changed++
  }
  return c
}

/** Whether a run changes (or would change) anything: updates, creates and deletes. */
export function changesAnything(c: Counts): boolean {
  return c.changed + c.created + c.deleted > 0
}

/** How a reviewed plan names a report: its id, or for one to create (no id yet) its entry. */
export function reviewKey(o: Pick<Outcome, 'id' | 'entry'>): string {
  return o.id ? o.id.toLowerCase() : `new:${o.entry ?? -1}`
}

/** Something pull lists for a person to look at: a live value it left out of the file, or a name it replaced. */
export interface Note {
  id: string
  field: Field
  message: string
  /** Whether the file holds the live value after all (a replaced name) or kept its own. */
  written: boolean
  at: SourceRef
}

/** Reports of the tenant that the file did not declare, with --add-undeclared. */
export interface Undeclared {
  /** Appended to the file. */
  appended: string[]
  /** One-time reports: the API cannot update them, so they are not added (export lists them as comments). */
  oneTime: string[]
  /** Undeclared reports that could not be read (the run then fails). */
  unread: { id: string; error: string }[]
  /** Why nothing could be appended, if so. */
  refused?: string
  /** Undeclared reports no entry can hold as they are (too many recipients): listed, not added. */
  unwritable?: { id: string; reason: string }[]
}

/** One replacement of `text[start, end)`, offsets in the text before any edit; an insertion when start equals end. */
export interface TextEdit {
  start: number
  end: number
  text: string
}

/**
 * What a pull found, and the file before and after. Its outcomes are the entries': `updated` (pulled;
 * `would-update` when not written), `unchanged`, or `failed` (unreadable); each change goes from the
 * file's value to the live one.
 */
export interface PullResult extends RunResult {
  mode: 'pull'
  before: string
  after: string
  /** The edits that turn `before` into `after` (for the diff). */
  edits: TextEdit[]
  /** Live values left out of the file, and names replaced: listed for a person to look at. */
  notes: Note[]
  undeclared?: Undeclared
  written: boolean
}

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

/** Why a run failed, as the `failure-reason` output names it (empty on success). */
export type FailureReason =
  | 'config'
  | 'auth'
  | 'network'
  | 'api'
  | 'run-timeout'
  | 'failed-reports'
  | 'max-changes'
  | 'max-deletes'
  | 'drift'
  | 'plan-changed'

/** A failed run (src/engine/verdict.ts decides it): the reason a workflow can branch on, and the message a person reads. */
export interface Failure {
  reason: FailureReason
  message: string
}
