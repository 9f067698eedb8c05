import { isObject } from '../util/is-object.js'
import {
  FIELDS,
  IMMUTABLE_FIELDS,
  reviewKey,
  type Change,
  type ReviewCheck,
  type ReviewedPlan,
  type Shown,
} from '../model.js'
import { canonical, changeDigest, changeOf, DIGEST_CHARS, ReviewedPlanError, type Row } from './record.js'

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
