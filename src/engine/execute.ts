import { reconcile } from './apply.js'
import { RunTimeoutError } from '../http/deadline.js'
import {
  reviewKey,
  type Outcome,
  type Review,
  type ReviewCheck,
  type ReviewedPlan,
  type RunResult,
} from '../model.js'
import { mapLimit } from '../util/map-limit.js'
import { Candidates, newBase, planCreate, sendCreate, type CreateStep } from './creates.js'
import { base, deleteChanges, planDeletes, sendDelete, type DeleteStep } from './deletes.js'
import type { DesiredConfig } from '../config/validate.js'
import { resolveRecipients, type ResolvedNewReport, type ResolvedReport } from './recipients.js'
import type { OnlineSettings } from '../settings/settings.js'
import { undeclared } from './tenant.js'
import { describeError } from '../acronis/errors.js'
import { reviewCheck } from '../review/check.js'
import { withSession, type EngineIO, type Session } from './session.js'

/**
 * What an apply is checked against: how the reviewed plan was looked for, and the plans found, oldest
 * first (one, or every pull request's not yet applied).
 */
export interface ReviewInput {
  review: Review
  plans?: ReviewedPlan[]
}

/**
 * desired config → live state → plan → apply: everything but showing the result. With `reviewed`, an
 * apply holds every write that differs from the reviewed plan (all of them when `require` found none).
 */
export async function execute(
  settings: OnlineSettings,
  config: DesiredConfig,
  io: EngineIO,
  reviewed?: ReviewInput,
): Promise<RunResult> {
  const checked = reviewed && (reviewed.plans?.length || reviewed.review.policy === 'require')
  const review = checked ? reviewCheck(reviewed.plans) : undefined
  let begun = false
  try {
    return await withSession(settings, io, async (session) => {
      const resolved = await resolveRecipients(config, session.client, session.tenant, settings.concurrency)
      begun = true
      return await planAndApply(session, config, resolved, reviewed, review)
    })
  } catch (e) {
    // The token or the recipients took the whole time limit: no report was attempted.
    if (!begun && e instanceof RunTimeoutError) return unattempted(settings, config, e.seconds)
    throw e
  }
}

/** Plans every entry in the session, then (in apply mode) writes what max-changes, max-deletes and the review let through. */
async function planAndApply(
  { settings, io, client, tenant }: Session,
  config: DesiredConfig,
  { reports, creates }: { reports: ResolvedReport[]; creates: ResolvedNewReport[] },
  reviewed: ReviewInput | undefined,
  review: ReviewCheck | undefined,
): Promise<RunResult> {
  // The file's tenant, when it names one, is the tenant whose undeclared reports are counted.
  const fileTenant = config.tenant ? () => Promise.resolve(config.tenant) : tenant
  const declared = [...config.reports, ...config.deletes].map((r) => r.id)
  const write = settings.mode === 'apply'
  // Creates and deletes are planned before anything is written: max-changes and max-deletes count them.
  const candidates = new Candidates(client, new Set(declared), settings.concurrency)
  const [deletes, made] = await Promise.all([
    planDeletes(config.deletes, client, settings.concurrency),
    mapLimit(creates, settings.concurrency, async (r) =>
      planCreate(r, r.tenant ?? config.tenant ?? (await tenant().catch(() => undefined)), candidates),
    ),
  ])
  const toDelete = writable(deletes, write, review)
  const toCreate = writable(made, write, review)
  const maxDeletes = limitFor(settings.maxDeletes, declared.length, write)
  const overMaxDeletes =
    maxDeletes !== undefined && toDelete.send.length > maxDeletes
      ? { count: toDelete.send.length, limit: maxDeletes }
      : undefined
  const maxChanges = limitFor(settings.maxChanges, declared.length, write)
  // allSettled, not all: a failed reconcile must not end the run while the listing is still in flight.
  const [reconciled, listed] = await Promise.allSettled([
    reconcile(reports, client, {
      write: write && !overMaxDeletes,
      concurrency: settings.concurrency,
      maxChanges,
      otherChanges: toDelete.send.length + toCreate.send.length,
      review,
      onOutcome: io.onOutcome,
    }),
    // Drift by omission is worth a line, not a failed run: a lookup that fails is a warning.
    fileTenant()
      .then((id) => (id ? undeclared(client, id, declared) : undefined))
      .catch((e: unknown) => {
        io.warning(`could not list the tenant's undeclared reports: ${describeError(e)}`)
        return undefined
      }),
  ])
  if (reconciled.status === 'rejected') throw reconciled.reason
  const result = reconciled.value
  const stopped = !!overMaxDeletes || !!result.overMaxChanges
  // Deletes before creates: a replacement (a new entry, `state: absent` on the old) never has both at once.
  const deleted = await mapLimit(toDelete.send, settings.concurrency, (s) =>
    stopped ? Promise.resolve(planned(s)) : sendDelete(s.r, s.live, client),
  )
  const created: Outcome[] = []
  // One at a time: a create that lost its answer lists the tenant again, and must not find a sibling's.
  for (const s of toCreate.send) {
    const o = stopped ? planned(s) : await sendCreate(s, client, candidates)
    if (o.id) candidates.claim(o.id)
    created.push(o)
  }
  const outcomes = [...result.outcomes, ...toDelete.done, ...deleted, ...toCreate.done, ...created]
  // Every outcome where its entry is in the file.
  outcomes.sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column)
  let unmanaged = listed.status === 'fulfilled' ? listed.value : undefined
  if (unmanaged) {
    // Reports found or created for entries without id are the file's, even before the id is written.
    const mine = new Set(outcomes.filter((o) => o.entry !== undefined && o.id).map((o) => o.id.toLowerCase()))
    unmanaged = { ...unmanaged, ids: unmanaged.ids.filter((id) => !mine.has(id.toLowerCase())) }
  }
  return {
    mode: settings.mode,
    config: settings.configName,
    ...result,
    outcomes,
    ...(overMaxDeletes ? { overMaxDeletes } : {}),
    unmanaged,
    ...(reviewed && settings.mode === 'apply' ? { review: reviewed.review } : {}),
  }
}

/** The run's time limit came before any report was read (the token, the recipients): none was attempted. */
function unattempted(settings: OnlineSettings, config: DesiredConfig, seconds: number): RunResult {
  const error = new RunTimeoutError(seconds, { kind: 'not-attempted' }).message
  return {
    mode: settings.mode,
    config: settings.configName,
    outcomes: config.reports.map((r) => ({
      id: r.id,
      name: r.name,
      status: 'failed',
      changes: [],
      error,
      at: r.at,
    })),
    runTimeout: { seconds, stopped: config.reports.length },
  }
}

/** max-changes or max-deletes as a count: a percentage is of the reports the file declares by id. */
function limitFor(m: OnlineSettings['maxChanges'], declared: number, write: boolean): number | undefined {
  if (!m || !write) return undefined
  return 'count' in m ? m.count : Math.floor((declared * m.percent) / 100)
}

type Pending = Extract<DeleteStep, { kind: 'delete' }> | Extract<CreateStep, { kind: 'create' }>

/**
 * Splits planned creates or deletes: finished ones (found, gone, failed; in a plan, every one as
 * `create` or `delete`; in an apply, those held by the reviewed plan) and those to send.
 */
function writable<S extends DeleteStep | CreateStep>(
  steps: readonly S[],
  write: boolean,
  review: ReviewCheck | undefined,
): { done: Outcome[]; send: Extract<S, Pending>[] } {
  const done: Outcome[] = []
  const send: Extract<S, Pending>[] = []
  for (const s of steps) {
    if (s.kind === 'done') done.push(s.outcome)
    else if (!write) done.push(planned(s as Pending))
    else {
      const p = planned(s as Pending)
      const held = review?.(reviewKey(p), p.changes)
      if (held) done.push({ ...p, status: 'held', ...held })
      else send.push(s as Extract<S, Pending>)
    }
  }
  return { done, send }
}

/** A create or delete not sent: what it would do. */
function planned(s: Pending): Outcome {
  if (s.kind === 'delete') return { ...base(s.r), status: 'delete', changes: deleteChanges(s.live) }
  return { ...newBase(s.r), status: 'create', changes: s.changes }
}
