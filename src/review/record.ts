import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { isObject } from '../util/is-object.js'
import validRecord, { type Recorded } from './record-validator.js'
import {
  reviewKey,
  type Change,
  type ChangeField,
  type Outcome,
  type RecordBinding,
  type RecordKeys,
  type ReviewedPlan,
  type Shown,
} from '../model.js'

// What you review is what is applied: the plan a pull request showed is recorded in its comment, and
// the apply after the merge checks its fresh plan against it. The record's one home: the comment's
// markers, the hidden block (JSON, keys, MAC, schema) and an apply's heading, written and read here.

/** Hidden marker that finds our comment again; the config path keeps two configs' comments apart. */
export function commentMarker(config: string): string {
  return `<!-- acronis-report-sync: ${config.replace(/--/g, '-')} -->`
}

/** Where the plan part of the comment starts: an apply's outcome goes above it, the plan stays. */
export const PLAN_START = '<!-- acronis-report-sync:plan -->'

/** The plan part of a plan comment, kept below the outcome an apply writes above it. */
export function planPart(body: string, config: string): string {
  const start = body.indexOf(PLAN_START)
  return start >= 0 ? body.slice(start) : body.replace(commentMarker(config), '').trimStart()
}

/** The heading of an apply's outcome, which recordsCompletedApply reads back: "Applied in run 5: …". */
export function appliedHeading(
  applied: boolean,
  at: { run: string; with?: number; commit?: string },
  words: readonly string[],
  c: { held: number; failed: number },
): string {
  const where = `${at.with !== undefined ? ` with #${at.with}` : ''} in ${at.run}${at.commit ? ` at ${at.commit.slice(0, 7)}` : ''}`
  return `### ${applied ? 'Applied' : 'Nothing applied'}${where}: ${words.join(', ')}, ${c.held} held, ${c.failed} failed`
}

const APPLIED =
  /^### Applied (?:with #\d+ )?in .*: \d+ updated, (?:\d+ created, )?(?:\d+ deleted, )?\d+ held, (\d+) failed$/m

/**
 * Whether a plan comment records a completed apply: the outcome an apply wrote at its top says it
 * applied (not that max-changes stopped it) and that no report failed. Held reports do not count
 * against it: applying them takes a new review, not another run.
 */
export function recordsCompletedApply(body: string): boolean {
  const start = body.indexOf(PLAN_START)
  const m = APPLIED.exec(start >= 0 ? body.slice(0, start) : body)
  return m !== null && m[1] === '0'
}

/** A change as recorded: [field, from, to], and for recipients shown by name the UUIDs behind both sides. */
export type Row = [ChangeField, Shown, Shown] | [ChangeField, Shown, Shown, string[], string[]]

const rowOf = (c: Change): Row =>
  c.ids ? [c.field, c.from, c.to, c.ids.from, c.ids.to] : [c.field, c.from, c.to]
export const changeOf = ([field, from, to, idsFrom, idsTo]: Row): Change =>
  idsFrom && idsTo ? { field, from, to, ids: { from: idsFrom, to: idsTo } } : { field, from, to }

export function recordKeys(clientSecret: string): RecordKeys {
  const derive = (label: string) =>
    Buffer.from(
      hkdfSync('sha256', clientSecret, 'acronis-report-sync', `reviewed plan record v2: ${label}`, 32),
    )
  return { mac: derive('mac'), digest: derive('change digest') }
}

/** The keys of a run with client credentials; undefined with a given token (no secret to derive them from). */
export function recordKeysOf(
  credentials: { clientSecret: string } | { token: string },
): RecordKeys | undefined {
  return 'clientSecret' in credentials ? recordKeys(credentials.clientSecret) : undefined
}

/** The reviewed plan as recorded for the apply: a hidden block for the plan comment. */
export interface Recording {
  block: string
  /** Changes that did not fit even as digests: the apply will hold them. */
  unrecorded: number
}

/** What a reviewed plan records: the writes a merge would make. */
const WRITES: readonly Outcome['status'][] = ['would-update', 'create', 'delete']

const BLOCK_START = '<!-- acronis-report-sync:reviewed '
/** The record's JSON, then its MAC (base64url HMAC-SHA256), or `unsigned` when the run had no client secret. */
const BLOCK = /<!-- acronis-report-sync:reviewed (\{.*?\}) ([\w-]{43}|unsigned) -->/g
/** Domain separation: this MAC is of a reviewed-plan record and nothing else. */
const MAC_LABEL = 'acronis-report-sync reviewed plan record v2\n'
/**
 * A digest is 16 base64url characters (96 bits), keyed with a key only the action holds; even unkeyed
 * (a run with a given token), matching one of 10,000 by trying live values offline takes ~2^83 tries.
 */
export const DIGEST_CHARS = 16

const macOf = (key: Buffer, json: string) =>
  createHmac('sha256', key)
    .update(MAC_LABEL + json)
    .digest('base64url')

/** A report's id and changes as one string: what a digest is made of, and how two plans are compared. */
export const canonical = (id: string, changes: readonly Change[]) =>
  JSON.stringify([id.toLowerCase(), changes.map(rowOf)])

/**
 * A truncated HMAC-SHA256 of a report's id and its changes (a plain SHA-256 without a key): tells
 * whether the changes moved, in a few bytes, and cannot be matched by someone without the key.
 */
export function changeDigest(
  id: string,
  changes: readonly Change[],
  length: number,
  key?: Uint8Array,
): string {
  const hash = key ? createHmac('sha256', key) : createHash('sha256')
  return hash.update(canonical(id, changes)).digest('base64url').slice(0, length)
}

/**
 * The reviewed plan as a hidden block of at most `budget` characters: every report that would be
 * updated, with its full changes while they fit (a held report can then show what was reviewed), and
 * a digest for each of the others. `unrecorded` counts what did not fit even as a digest.
 */
export function recordReviewedPlan(
  outcomes: readonly Outcome[],
  binding: RecordBinding,
  keys: RecordKeys | undefined,
  budget: number,
): Recording {
  // Creates are keyed by their entry (they have no id yet), deletes by id with the live values they remove.
  const pending = outcomes.filter((o) => WRITES.includes(o.status))
  const data: Recorded = {
    v: 2,
    repo: binding.repository,
    pr: binding.pullRequest,
    sha: binding.head,
    config: binding.config,
    full: {},
    digests: '',
    digestLength: DIGEST_CHARS,
    unrecorded: 0,
  }
  // The keys, the binding, the MAC and the closing.
  const room = budget - BLOCK_START.length - 300 - binding.repository.length - binding.config.length
  let used = 0
  let i = 0
  for (; i < pending.length; i++) {
    const o = pending[i]!
    const size = canonical(reviewKey(o), o.changes).length
    // In full only while the digests of every report after this one still fit.
    if (used + size + (pending.length - i - 1) * DIGEST_CHARS > room) break
    data.full[reviewKey(o)] = o.changes.map(rowOf)
    used += size
  }
  const rest = pending.slice(i)
  if (rest.length) {
    const fit = Math.min(rest.length, Math.max(0, Math.floor((room - used) / DIGEST_CHARS)))
    data.digests = rest
      .slice(0, fit)
      .map((o) => changeDigest(reviewKey(o), o.changes, DIGEST_CHARS, keys?.digest))
      .join('')
    data.unrecorded = rest.length - fit
  }
  // JSON with < and > escaped: nothing in it can end the HTML comment that hides it.
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e')
  const mac = keys ? macOf(keys.mac, json) : 'unsigned'
  return { block: `${BLOCK_START}${json} ${mac} -->`, unrecorded: data.unrecorded }
}

/**
 * Whether a comment's body holds exactly one record whose MAC verifies with `keys`: a record this
 * action wrote (for any head), so the comment is its own to edit. Without keys, nothing verifies.
 */
export function holdsOwnRecord(body: string, keys: RecordKeys | undefined): boolean {
  const blocks = [...body.matchAll(BLOCK)]
  if (!keys || blocks.length !== 1) return false
  const [, json, mac] = blocks[0] as unknown as [string, string, string]
  const want = Buffer.from(macOf(keys.mac, json))
  return mac.length === want.length && timingSafeEqual(Buffer.from(mac), want)
}

/** Why a record whose MAC does not verify is no reviewed plan. */
export const UNVERIFIED =
  'the recorded plan does not verify (not written by this action with this client secret, or edited since)'

/** A reviewed plan that cannot be read: the apply then counts it as not found, with this reason. */
export class ReviewedPlanError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReviewedPlanError'
  }
}

/**
 * The reviewed plan recorded in a plan comment's body for `binding`; undefined when it carries none.
 * With `keys` (a run with the client secret) its MAC must verify: a record anyone else wrote or
 * edited, or one for another repository, pull request, head or config, is a ReviewedPlanError. Without
 * keys (a given token) the caller trusts it as far as the comment's author. Two records: refused.
 */
export function readReviewedPlan(
  body: string,
  binding: RecordBinding,
  keys: RecordKeys | undefined,
): ReviewedPlan | undefined {
  const blocks = [...body.matchAll(BLOCK)]
  if (!blocks.length) {
    if (body.includes(BLOCK_START)) throw new ReviewedPlanError('the recorded plan is malformed')
    return undefined
  }
  if (blocks.length > 1) throw new ReviewedPlanError('the comment holds more than one recorded plan')
  const [, json] = blocks[0] as unknown as [string, string]
  if (keys && !holdsOwnRecord(body, keys)) throw new ReviewedPlanError(UNVERIFIED)
  let d: unknown
  try {
    d = JSON.parse(json)
  } catch {
    throw new ReviewedPlanError('the recorded plan is not JSON')
  }
  if (!isObject(d) || d.v !== 2) throw new ReviewedPlanError('the recorded plan has an unknown version')
  // The shape, checked whole by the validator scripts/build.mjs compiles from schema/reviewed-record.json.
  if (!validRecord(d)) throw new ReviewedPlanError('the recorded plan is malformed')
  const { sha, full, digests, digestLength: length, unrecorded } = d
  if (
    d.repo.toLowerCase() !== binding.repository.toLowerCase() ||
    d.pr !== binding.pullRequest ||
    d.config !== binding.config
  )
    throw new ReviewedPlanError('the recorded plan is for another repository, pull request or config')
  if (sha.toLowerCase() !== binding.head.toLowerCase())
    throw new ReviewedPlanError(
      `the recorded plan is of commit ${sha.slice(0, 7)}, not of the pull request's final head ${binding.head.slice(0, 7)} (a later push was not planned)`,
    )
  const changes = new Map<string, Change[]>()
  for (const [id, rows] of Object.entries(full)) changes.set(id.toLowerCase(), rows.map(changeOf))
  const set = new Set<string>()
  for (let i = 0; i < digests.length; i += length) set.add(digests.slice(i, i + length))
  return {
    changes,
    digests: set,
    digestLength: length,
    complete: set.size === 0 && unrecorded === 0,
    sha,
    digestKey: keys?.digest,
  }
}
