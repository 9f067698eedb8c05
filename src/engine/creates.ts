import type { AcronisClient } from '../acronis/client.js'
import { ApiError, describeError } from '../acronis/errors.js'
import type { LiveReport, ReportCreate } from '../acronis/types.js'
import { FIELDS, type Change, type Outcome } from '../model.js'
import type { ResolvedNewReport } from './recipients.js'
import { readReports } from './tenant-export.js'

// Creating (shared/acronis-api.md, "Creating and deleting"). Reports have no name: an entry without
// id is recognised among its tenant's undeclared reports by what it declares, so a run between the
// create and the moment the id is in the file finds it instead of creating it again.

/** An entry to create has no id until the API gives one. */
export const newBase = (r: ResolvedNewReport, id = '') => ({ id, name: r.name, at: r.at, entry: r.index })

/** A report to create, as planned: finished (found, ambiguous, no tenant), or to POST in `tenantId`. */
export type CreateStep =
  | { kind: 'done'; outcome: Outcome }
  | { kind: 'create'; r: ResolvedNewReport; tenantId: string; changes: Change[] }

/** The undeclared reports of each tenant new entries belong to, read once per tenant; re-read on demand. */
export class Candidates {
  private readonly byTenant = new Map<string, Promise<LiveReport[]>>()

  constructor(
    private readonly client: AcronisClient,
    /** Every id the file declares (kept or deleted), and every report this run made: never a candidate. */
    private readonly declared: Set<string>,
    private readonly concurrency: number,
  ) {}

  /** A report an entry now stands for (created or found in this run): no other entry may match it. */
  claim(id: string): void {
    this.declared.add(id.toLowerCase())
  }

  /** The tenant's undeclared scheduled reports (a fresh listing when `fresh`). */
  async of(tenantId: string, fresh = false): Promise<LiveReport[]> {
    let pending = fresh ? undefined : this.byTenant.get(tenantId)
    if (!pending) {
      pending = this.read(tenantId)
      this.byTenant.set(tenantId, pending)
    }
    return (await pending).filter((r) => !this.declared.has(r.id.toLowerCase()))
  }

  /** A report that cannot be read might be the one an entry means: then nothing is created blindly. */
  private async read(tenantId: string): Promise<LiveReport[]> {
    const ids = (await this.client.tenantReportIds(tenantId)).filter(
      (id) => !this.declared.has(id.toLowerCase()),
    )
    const read = await readReports(this.client, ids, this.concurrency)
    const unread = read.filter((r) => 'error' in r)
    if (unread.length)
      throw new Error(
        `${unread.length} undeclared report(s) of tenant ${tenantId} could not be read (${(unread[0] as { error: string }).error}), so whether this report exists is unknown: nothing was created`,
      )
    return read as LiveReport[]
  }
}

/**
 * Whether a live report is the one an entry without id declares: its tenant, kind, level,
 * result_action, a monthly schedule, and every other field the entry declares (formats and recipients
 * as sets).
 */
export function declares(r: ResolvedNewReport, tenantId: string, live: LiveReport): boolean {
  const p = live.parameters
  const sameSet = (a: readonly string[], b: readonly string[]) => {
    const x = new Set(a.map((v) => v.toLowerCase()))
    const y = new Set(b.map((v) => v.toLowerCase()))
    return x.size === y.size && [...x].every((v) => y.has(v))
  }
  if (p.tenant_id.toLowerCase() !== tenantId || live.schedule.type !== 'monthly') return false
  if (p.kind !== r.kind || p.level !== r.level || live.result_action !== r.result_action) return false
  if (r.formats && !sameSet(r.formats, p.formats)) return false
  if (r.enabled !== undefined && r.enabled !== live.schedule.enabled) return false
  if (r.hide_zero_usage !== undefined && r.hide_zero_usage !== p.hide_zero_usage) return false
  if (r.show_skus !== undefined && r.show_skus !== p.show_skus) return false
  const recipients = r.recipientIds ?? r.recipients
  return !recipients || sameSet(recipients, live.recipients)
}

/** What a create makes, field by field (unset → declared): shown in plans, recorded for review. */
export function createChanges(r: ResolvedNewReport, tenantId: string): Change[] {
  const changes: Change[] = [
    { field: 'tenant', from: null, to: tenantId },
    { field: 'result_action', from: null, to: r.result_action },
  ]
  if (r.formats) changes.push({ field: 'formats', from: null, to: [...r.formats] })
  for (const field of FIELDS) {
    if (field === 'recipients') {
      const ids = r.recipientIds ?? r.recipients?.map((x) => x.toLowerCase())
      if (!ids) continue
      const names = ids.map((id) => r.recipientNames?.get(id) ?? id)
      const change: Change = { field, from: null, to: [...new Set(names)].sort() }
      if (r.recipientNames && ids.some((id) => r.recipientNames!.has(id)))
        change.ids = { from: [], to: [...new Set(ids)].sort() }
      changes.push(change)
    } else if (r[field] !== undefined) changes.push({ field, from: null, to: r[field] })
  }
  return changes
}

/** Plans one entry without id against its tenant's undeclared reports: found once, none (create), or several. */
export async function planCreate(
  r: ResolvedNewReport,
  tenantId: string | undefined,
  candidates: Candidates,
): Promise<CreateStep> {
  const at = newBase(r)
  if (!tenantId) {
    const error =
      'a report to create needs its tenant: set `tenant` in the file (or on the entry), or tenant-id when using a token'
    return { kind: 'done', outcome: { ...at, status: 'failed', changes: [], error } }
  }
  const changes = createChanges(r, tenantId)
  try {
    const found = (await candidates.of(tenantId)).filter((live) => declares(r, tenantId, live))
    if (found.length === 1) return { kind: 'done', outcome: recorded(r, found[0]!.id) }
    if (found.length > 1) return { kind: 'done', outcome: ambiguous(r, found, changes) }
    return { kind: 'create', r, tenantId, changes }
  } catch (e) {
    return { kind: 'done', outcome: { ...at, status: 'failed', changes, error: describeError(e) } }
  }
}

const recorded = (r: ResolvedNewReport, id: string): Outcome => ({
  ...newBase(r, id),
  status: 'unchanged',
  changes: [],
  note: `exists as ${id}, not yet recorded: run pull (or add \`id: ${id}\` to the entry)`,
})

const ambiguous = (r: ResolvedNewReport, found: readonly LiveReport[], changes: Change[]): Outcome => ({
  ...newBase(r),
  status: 'failed',
  changes,
  error: `${found.length} reports match: add \`id:\` with the one this entry means (${found
    .map((f) => f.id)
    .sort()
    .join(', ')})`,
})

/** The POST body: the documented shape, a monthly schedule, only what the entry declares besides. */
export function createBody(r: ResolvedNewReport, tenantId: string): ReportCreate {
  const parameters: ReportCreate['parameters'] = { tenant_id: tenantId, kind: r.kind, level: r.level }
  if (r.formats) parameters.formats = [...r.formats]
  if (r.hide_zero_usage !== undefined) parameters.hide_zero_usage = r.hide_zero_usage
  if (r.show_skus !== undefined) parameters.show_skus = r.show_skus
  const recipients = r.result_action === 'send' ? [...new Set(r.recipientIds ?? r.recipients ?? [])] : []
  return {
    recipients,
    result_action: r.result_action,
    parameters,
    schedule: r.enabled === undefined ? { type: 'monthly' } : { type: 'monthly', enabled: r.enabled },
  }
}

/**
 * Creates the report. A POST is not idempotent: after a timeout, a reset or a 5xx the report may exist,
 * so the tenant is listed again and matched first; only when nothing matches is the POST sent once more.
 */
export async function sendCreate(
  step: Extract<CreateStep, { kind: 'create' }>,
  client: AcronisClient,
  candidates: Candidates,
): Promise<Outcome> {
  const { r, tenantId, changes } = step
  const body = createBody(r, tenantId)
  const done = (id: string, note?: string): Outcome => ({
    ...newBase(r, id),
    status: 'created',
    changes,
    ...(note ? { note } : {}),
  })
  const fail = (e: unknown): Outcome => ({
    ...newBase(r),
    status: 'failed',
    changes,
    error: refusal(e),
  })
  try {
    return done((await client.createReport(body)).id)
  } catch (e) {
    if (!uncertain(e)) return fail(e)
    let found: LiveReport[]
    try {
      found = (await candidates.of(tenantId, true)).filter((live) => declares(r, tenantId, live))
    } catch (listing) {
      return fail(listing)
    }
    if (found.length === 1)
      return done(found[0]!.id, `the answer to the POST was lost (${describeError(e)}); the report was found`)
    if (found.length > 1) return ambiguous(r, found, changes)
    try {
      return done((await client.createReport(body)).id)
    } catch (again) {
      return fail(again)
    }
  }
}

/** A POST the server may have acted on: no answer (a timeout, a reset) or a 5xx. */
function uncertain(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 0 || e.status >= 500)
}

/** The API's words, and for the documented early-hours refusal what to do about it. */
function refusal(e: unknown): string {
  const text = describeError(e)
  if (e instanceof ApiError && (e.status === 400 || e.status === 500) && /not ready/i.test(e.message))
    return `${text}: the API creates reports only once the day's usage history is ready (after about 06:00, data-center time); run the apply again then`
  return text
}
