import type { AcronisClient } from '../acronis/client.js'
import { ApiError, describeError } from '../acronis/errors.js'
import type { LiveReport } from '../acronis/types.js'
import type { DesiredReport } from '../config/validate.js'
import { FIELDS, type Change, type Outcome } from '../model.js'
import { mapLimit } from '../util/map-limit.js'
import { liveValue } from './plan.js'

// Deleting (shared/acronis-api.md, "Creating and deleting"): an entry marked `state: absent` is read in
// the run, and its DELETE sends the version read, so a report changed since is not deleted unseen.

/** A report to delete, as read in this run: finished (gone, unreadable), or its live version. */
export type DeleteStep =
  | { kind: 'done'; outcome: Outcome }
  | { kind: 'delete'; r: DesiredReport; live: LiveReport }

/** GETs each report to delete: its version is the one the DELETE sends; one already gone is unchanged. */
export function planDeletes(
  deletes: readonly DesiredReport[],
  client: AcronisClient,
  concurrency: number,
): Promise<DeleteStep[]> {
  return mapLimit(deletes, concurrency * 2, async (r): Promise<DeleteStep> => {
    try {
      return { kind: 'delete', r, live: await client.getReport(r.id) }
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return { kind: 'done', outcome: gone(r) }
      return { kind: 'done', outcome: { ...base(r), status: 'failed', changes: [], error: describeError(e) } }
    }
  })
}

/** What a delete removes, field by field (live → unset): what a reviewed plan records and compares. */
export function deleteChanges(live: LiveReport): Change[] {
  return FIELDS.map((field) => ({ field, from: liveValue(live, field), to: null }))
}

/** Sends the DELETE with the version read in this run; a report gone meanwhile is unchanged. */
export async function sendDelete(
  r: DesiredReport,
  live: LiveReport,
  client: AcronisClient,
): Promise<Outcome> {
  const changes = deleteChanges(live)
  try {
    await client.deleteReport(r.id, live.version)
    return { ...base(r), status: 'deleted', changes }
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return gone(r)
    const why =
      e instanceof ApiError && e.status === 409
        ? `${describeError(e)}: the report changed since it was read (version ${live.version}); nothing was deleted, run again to delete it as it is now`
        : describeError(e)
    return { ...base(r), status: 'failed', changes, error: why }
  }
}

/** An entry's outcome head: its id, name, place in the file and entry number. */
export const base = (r: DesiredReport) => ({ id: r.id, name: r.name, at: r.at, entry: r.index })
const gone = (r: DesiredReport): Outcome => ({
  ...base(r),
  status: 'unchanged',
  changes: [],
  note: 'already gone: nothing to delete (remove the entry)',
})
