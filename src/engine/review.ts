import { createHash } from 'node:crypto'
import { isObject } from '../util/is-object.js'
import {
  FIELDS,
  type Change,
  type Field,
  type Outcome,
  type ReviewCheck,
  type ReviewedPlan,
  type Shown,
} from '../model.js'

// What you review is what is applied: the plan a pull request showed is recorded in its comment, and
// the apply after the merge checks its fresh plan against it, report by report, field by field.

/** A change as recorded: [field, from, to], and for recipients shown by name the UUIDs behind both sides. */
type Row = [Field, Shown, Shown] | [Field, Shown, Shown, string[], string[]]

const rowOf = (c: Change): Row =>
  c.ids ? [c.field, c.from, c.to, c.ids.from, c.ids.to] : [c.field, c.from, c.to]
const changeOf = ([field, from, to, idsFrom, idsTo]: Row): Change =>
  idsFrom && idsTo ? { field, from, to, ids: { from: idsFrom, to: idsTo } } : { field, from, to }

/** The record hidden in the plan comment (an HTML comment, invisible to readers). */
interface Recorded {
  v: 1
  /** The head commit that was planned. */
  sha?: string
  /** Report id (lower case) → its changes as [field, from, to], for the reports whose changes fit. */
  full: Record<string, Row[]>
  /** The digests of the other reports, `digestLength` characters each, one after another. */
  digests: string
  digestLength: number
  /** Reports that would change but could not be recorded at all (tens of thousands): held at the apply. */
  unrecorded: number
}

const BLOCK_START = '<!-- acronis-report-sync:reviewed '
const BLOCK = /<!-- acronis-report-sync:reviewed (\{.*\}) -->/
/**
 * A digest is 12 base64url characters (72 bits) while they fit, fewer for larger plans, never fewer
 * than 5 (30 bits: with 10,000 digests kept, a report whose changes moved still matches one of them
 * with a chance of 1 in 100,000).
 */
const DIGEST_CHARS = 12
const MIN_DIGEST_CHARS = 5

const canonical = (id: string, changes: readonly Change[]) =>
  JSON.stringify([id.toLowerCase(), changes.map(rowOf)])

/** A truncated SHA-256 of a report's id and its changes: tells whether the changes moved, in a few bytes. */
export function changeDigest(id: string, changes: readonly Change[], length: number): string {
  return createHash('sha256').update(canonical(id, changes)).digest('base64url').slice(0, length)
}

/**
 * The reviewed plan as a hidden block of at most `budget` characters: every report that would be
 * updated, with its full changes while they fit (a held report can then show what was reviewed), and
 * a digest for each of the others. `unrecorded` counts what did not fit even as a digest.
 */
export function recordReviewedPlan(
  outcomes: readonly Outcome[],
  sha: string | undefined,
  budget: number,
): { block: string; unrecorded: number } {
  const pending = outcomes.filter((o) => o.status === 'would-update')
  const data: Recorded = { v: 1, sha, full: {}, digests: '', digestLength: DIGEST_CHARS, unrecorded: 0 }
  const room = budget - BLOCK_START.length - 200 // the keys, the sha and the closing
  let used = 0
  let i = 0
  for (; i < pending.length; i++) {
    const o = pending[i]!
    const size = canonical(o.id, o.changes).length
    // In full only while the digests of every report after this one still fit.
    if (used + size + (pending.length - i - 1) * DIGEST_CHARS > room) break
    data.full[o.id.toLowerCase()] = o.changes.map(rowOf)
    used += size
  }
  const rest = pending.slice(i)
  if (rest.length) {
    const length = Math.floor((room - used) / rest.length)
    data.digestLength = Math.max(MIN_DIGEST_CHARS, Math.min(DIGEST_CHARS, length))
    const fit = Math.min(rest.length, Math.floor((room - used) / data.digestLength))
    data.digests = rest
      .slice(0, fit)
      .map((o) => changeDigest(o.id, o.changes, data.digestLength))
      .join('')
    data.unrecorded = rest.length - fit
  }
  // JSON with < and > escaped: nothing in it can end the HTML comment that hides it.
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e')
  return { block: `${BLOCK_START}${json} -->`, unrecorded: data.unrecorded }
}

/** A reviewed plan that cannot be read: the apply then counts it as not found, with this reason. */
export class ReviewedPlanError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReviewedPlanError'
  }
}

/** The reviewed plan recorded in a plan comment's body; undefined when it carries none. */
export function readReviewedPlan(body: string): ReviewedPlan | undefined {
  const m = BLOCK.exec(body)
  if (!m) return undefined
  let d: unknown
  try {
    d = JSON.parse(m[1]!)
  } catch {
    throw new ReviewedPlanError('the recorded plan is not JSON')
  }
  if (!isObject(d) || d.v !== 1) throw new ReviewedPlanError('the recorded plan has an unknown version')
  const { sha, full, digests, digestLength: n, unrecorded } = d
  const ok =
    (sha === undefined || (typeof sha === 'string' && /^[0-9a-f]{7,64}$/i.test(sha))) &&
    isObject(full) &&
    typeof digests === 'string' &&
    /^[\w-]*$/.test(digests) &&
    Number.isInteger(n) &&
    (n as number) >= MIN_DIGEST_CHARS &&
    digests.length % (n as number) === 0 &&
    Number.isInteger(unrecorded) &&
    (unrecorded as number) >= 0
  if (!ok) throw new ReviewedPlanError('the recorded plan is malformed')
  const changes = new Map<string, Change[]>()
  for (const [id, rows] of Object.entries(full)) {
    if (!Array.isArray(rows) || !rows.every(isRow))
      throw new ReviewedPlanError(`the changes of ${id} are malformed`)
    changes.set(id.toLowerCase(), rows.map(changeOf))
  }
  const length = n as number
  const set = new Set<string>()
  for (let i = 0; i < digests.length; i += length) set.add(digests.slice(i, i + length))
  return {
    changes,
    digests: set,
    digestLength: length,
    complete: set.size === 0 && unrecorded === 0,
    sha,
  }
}

/**
 * A reviewed plan from the `plan` output of the action or `plan --json`: a JSON array of entries
 * `{id, status, changes}`; those with status `update` are what was reviewed.
 */
export function reviewedFromEntries(value: unknown): ReviewedPlan {
  if (!Array.isArray(value)) throw new ReviewedPlanError('expected a JSON array of {id, status, changes}')
  const changes = new Map<string, Change[]>()
  value.forEach((e: unknown, i) => {
    const ok =
      isObject(e) && typeof e.id === 'string' && typeof e.status === 'string' && Array.isArray(e.changes)
    if (!ok) throw new ReviewedPlanError(`entry ${i}: expected {id, status, changes}`)
    if (e.status !== 'update') return
    const rows = (e.changes as unknown[]).map((c) =>
      !isObject(c)
        ? undefined
        : isObject(c.ids)
          ? [c.field, c.from, c.to, c.ids.from, c.ids.to]
          : [c.field, c.from, c.to],
    )
    if (!rows.every(isRow)) throw new ReviewedPlanError(`entry ${i}: a change is not {field, from, to}`)
    changes.set((e.id as string).toLowerCase(), rows.map(changeOf))
  })
  return { changes, digests: new Set(), digestLength: DIGEST_CHARS, complete: true }
}

/**
 * The check an apply makes before each write, against the reviewed plans not yet applied, oldest
 * first: the newest plan that lists the report decides (the same changes are written, others held
 * with what it reviewed); a plan that kept only digests says yes when one matches and otherwise
 * leaves the report to older plans; a report none lists was reviewed as unchanged, and is held.
 * Without a reviewed plan (reviewed-plan: require and none found) every write is held.
 */
const DIFFERS = 'differs from the reviewed plan'
const NONE = 'no reviewed plan was found, and reviewed-plan is require'

export function reviewCheck(plans: readonly ReviewedPlan[] | undefined): ReviewCheck {
  const newestFirst = [...(plans ?? [])].reverse()
  return (id, changes) => {
    if (!newestFirst.length) return { error: NONE }
    const key = id.toLowerCase()
    for (const plan of newestFirst) {
      const reviewed = plan.changes.get(key)
      if (reviewed) {
        const same = canonical(key, reviewed) === canonical(key, changes)
        return same ? undefined : { error: DIFFERS, reviewed: [...reviewed] }
      }
      if (plan.digests.size && plan.digests.has(changeDigest(key, changes, plan.digestLength)))
        return undefined
    }
    return { error: DIFFERS, reviewed: newestFirst.every((p) => p.complete) ? [] : null }
  }
}

function isShown(v: unknown): v is Shown {
  return (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    (Array.isArray(v) && v.every((x) => typeof x === 'string'))
  )
}

const isIds = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string')

function isRow(v: unknown): v is Row {
  return (
    Array.isArray(v) &&
    (v.length === 3 || (v.length === 5 && v[0] === 'recipients' && isIds(v[3]) && isIds(v[4]))) &&
    (FIELDS as readonly unknown[]).includes(v[0]) &&
    isShown(v[1]) &&
    isShown(v[2])
  )
}
