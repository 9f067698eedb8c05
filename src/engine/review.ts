import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { isObject } from '../util/is-object.js'
import validRecord from './record-validator.js'
import {
  FIELDS,
  IMMUTABLE_FIELDS,
  reviewKey,
  type Change,
  type ChangeField,
  type Outcome,
  type ReviewCheck,
  type ReviewedPlan,
  type Shown,
} from '../model.js'

// What you review is what is applied: the plan a pull request showed is recorded in its comment, and
// the apply after the merge checks its fresh plan against it, report by report, field by field.

/** A change as recorded: [field, from, to], and for recipients shown by name the UUIDs behind both sides. */
export type Row = [ChangeField, Shown, Shown] | [ChangeField, Shown, Shown, string[], string[]]

const rowOf = (c: Change): Row =>
  c.ids ? [c.field, c.from, c.to, c.ids.from, c.ids.to] : [c.field, c.from, c.to]
const changeOf = ([field, from, to, idsFrom, idsTo]: Row): Change =>
  idsFrom && idsTo ? { field, from, to, ids: { from: idsFrom, to: idsTo } } : { field, from, to }

/**
 * Keys derived from the API client secret (HKDF-SHA256, one label each: never the secret itself), so
 * only a run of this action that holds the secret can write a record an apply trusts, or a digest
 * that matches: the MAC over the record, and the key of each report's digest.
 */
export interface RecordKeys {
  mac: Buffer
  digest: Buffer
}

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

/** What a record is for: it is the reviewed plan of this pull request at this head, and of no other. */
export interface RecordBinding {
  /** owner/name, as GITHUB_REPOSITORY says it. */
  repository: string
  pullRequest: number
  /** The head commit that was planned (at apply: the merged pull request's final head). */
  head: string
  /** The config path, as the comment's marker has it. */
  config: string
}

/** The record hidden in the plan comment (an HTML comment, invisible to readers). */
interface Recorded {
  v: 2
  repo: string
  pr: number
  /** The head commit that was planned. */
  sha: string
  config: string
  /** Report id (lower case) → its changes as [field, from, to], for the reports whose changes fit. */
  full: Record<string, Row[]>
  /** The digests of the other reports, `digestLength` characters each, one after another. */
  digests: string
  digestLength: number
  /** Reports that would change but could not be recorded at all (tens of thousands): held at the apply. */
  unrecorded: number
}

/** What a reviewed plan records: the writes a merge would make. */
const WRITES: readonly Outcome['status'][] = ['would-update', 'create', 'delete']

const BLOCK_START = '<!-- acronis-report-sync:reviewed '
/** The record's JSON, then its MAC (base64url HMAC-SHA256), or `unsigned` when the run had no client secret. */
const BLOCK = /<!-- acronis-report-sync:reviewed (\{.*?\}) ([\w-]{43}|unsigned) -->/g
const UNSIGNED = 'unsigned'
/** Domain separation: this MAC is of a reviewed-plan record and nothing else. */
const MAC_LABEL = 'acronis-report-sync reviewed plan record v2\n'
/**
 * A digest is 16 base64url characters (96 bits), keyed with a key only the action holds. Without the
 * key no digest can be computed at all; and even unkeyed (a run with a given token), matching one of
 * 10,000 digests by trying live values offline takes about 2^83 tries.
 */
const DIGEST_CHARS = 16

const macOf = (key: Buffer, json: string) =>
  createHmac('sha256', key)
    .update(MAC_LABEL + json)
    .digest('base64url')

const canonical = (id: string, changes: readonly Change[]) =>
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
): { block: string; unrecorded: number } {
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
  const mac = keys ? macOf(keys.mac, json) : UNSIGNED
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
 * With `keys` (a run with the client secret) the record must carry a MAC that verifies: a record
 * anyone else wrote, or edited, or one made for another repository, pull request, head or config, is
 * a ReviewedPlanError that says so. Without keys (a given token) the MAC cannot be checked: the
 * caller trusts the record only as far as it trusts the comment's author. One block only: a comment
 * with two records is refused (one of them was pasted in).
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
    if (e.status !== 'update' && e.status !== 'create' && e.status !== 'delete') return
    const key = reviewKey({ id: e.id as string, entry: typeof e.entry === 'number' ? e.entry : undefined })
    const rows = (e.changes as unknown[]).map((c) =>
      !isObject(c)
        ? undefined
        : isObject(c.ids)
          ? [c.field, c.from, c.to, c.ids.from, c.ids.to]
          : [c.field, c.from, c.to],
    )
    if (!rows.every(isRow)) throw new ReviewedPlanError(`entry ${i}: a change is not {field, from, to}`)
    changes.set(key, rows.map(changeOf))
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
      if (
        plan.digests.size &&
        plan.digests.has(changeDigest(key, changes, plan.digestLength, plan.digestKey))
      )
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
    ([...FIELDS, ...IMMUTABLE_FIELDS] as readonly unknown[]).includes(v[0]) &&
    isShown(v[1]) &&
    isShown(v[2])
  )
}
