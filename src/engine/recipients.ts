import type { AcronisClient } from '../acronis/client.js'
import { ConfigError, ConfigErrors } from '../config/errors.js'
import { isUuid } from '../config/patterns.js'
import type { DesiredConfig, DesiredReport, NewReport } from '../config/validate.js'
import { mapLimit } from '../util/map-limit.js'

/** A declared report whose recipients are user UUIDs, with the names the file used for them. */
export interface ResolvedReport extends DesiredReport {
  /** Lower-cased user UUIDs, when recipients are managed. */
  recipientIds?: string[]
  /** UUID → the login or email the file wrote, so plans speak the file's language. */
  recipientNames?: ReadonlyMap<string, string>
}

/** An entry without id (a report to create), its recipients resolved as ResolvedReport's are. */
export interface ResolvedNewReport extends NewReport {
  recipientIds?: string[]
  recipientNames?: ReadonlyMap<string, string>
}

/** Recipients that match no user, or several: configuration errors, found by asking the API (nothing written). */
export class RecipientErrors extends ConfigErrors {}

/** The logins and emails reports.yaml uses in place of user UUIDs, each once. */
export function recipientNames(config: DesiredConfig): string[] {
  const names = new Set<string>()
  for (const r of [...config.reports, ...config.creates])
    for (const x of r.recipients ?? []) if (!isUuid(x)) names.add(x)
  return [...names]
}

/** What each login or email matches: the lower-cased UUIDs of its users (one, none or several). */
export type NameMatches = ReadonlyMap<string, readonly string[]>

/** The users a recipient as written stands for: a UUID itself (lower-cased), a name what it matches. */
export function matchesOf(names: NameMatches, x: string): readonly string[] {
  return isUuid(x) ? [x.toLowerCase()] : (names.get(x) ?? [])
}

/**
 * Looks logins and emails up: `/search` finds candidates (it returns no email), and `/users?uuids=`
 * confirms an email. A name matches a user by exact login, or by email ignoring case. Each name is
 * looked up once per run.
 */
export async function lookupNames(
  names: readonly string[],
  client: AcronisClient,
  tenant: () => Promise<string | undefined>,
  concurrency: number,
): Promise<NameMatches> {
  const ids = new Map<string, string[]>()
  if (!names.length) return ids
  const tenantId = await tenant()
  if (!tenantId) {
    throw new Error(
      'recipients given by login or email need the tenant: set tenant-id (--tenant-id on the command line) when using a token',
    )
  }
  const found = await mapLimit(names, concurrency, async (name) => {
    const items = (await client.search(tenantId, name, 100)).filter((i) => i.obj_type === 'user')
    return { name, items }
  })
  const emailCandidates = [
    ...new Set(found.filter((f) => f.name.includes('@')).flatMap((f) => f.items.map((i) => i.id))),
  ]
  const emails = new Map(
    (await client.users(emailCandidates)).map((u) => [u.id, u.contact?.email?.toLowerCase()]),
  )
  for (const { name, items } of found) {
    const matches = items.filter((i) => i.login === name || emails.get(i.id) === name.toLowerCase())
    ids.set(name, [...new Set(matches.map((m) => m.id.toLowerCase()))])
  }
  return ids
}

/**
 * Turns logins and emails into user UUIDs (lookupNames). A name must match exactly one user; an
 * unknown or ambiguous one is a config error at its line. Plans then show a user by the name the file
 * uses for them, on both sides of the arrow and in every report: the report's own spelling, else the
 * first the file uses; a user the file never names stays a UUID.
 */
export async function resolveRecipients(
  config: DesiredConfig,
  client: AcronisClient,
  tenant: () => Promise<string | undefined>,
  concurrency: number,
): Promise<{ reports: ResolvedReport[]; creates: ResolvedNewReport[] }> {
  const ids = await lookupNames(recipientNames(config), client, tenant, concurrency)
  // One map for the whole file, shared by every report that spells its users the same way.
  const known = new Map<string, string>()
  for (const [name, match] of ids) if (match.length === 1 && !known.has(match[0]!)) known.set(match[0]!, name)

  const errors: ConfigError[] = []
  const resolve = <T extends ResolvedReport | ResolvedNewReport>(r: T): T => {
    // UUIDs only: nothing to resolve. Without names in the file, no copy either (10,000 reports
    // would mean 10,000 copies); with them, the report borrows the file's map for its plan.
    if (!r.recipients || r.recipients.every((x) => isUuid(x)))
      return r.recipients && known.size ? { ...r, recipientNames: known } : r
    let own: Map<string, string> | undefined
    const recipientIds = r.recipients.map((x, i) => {
      if (isUuid(x)) return x.toLowerCase()
      const at = r.recipientAt?.(i) ?? r.at
      const match = ids.get(x) ?? []
      if (match.length !== 1) {
        errors.push(
          match.length
            ? new ConfigError(
                'recipient-ambiguous',
                `recipient "${x}" matches ${match.length} users: ${match.join(', ')}; use a user UUID`,
                at,
              )
            : new ConfigError('recipient-unknown', `recipient "${x}" matches no user by login or email`, at),
        )
        return x
      }
      // This report names the user another way than the file does first: its own spelling wins here.
      if (known.get(match[0]!) !== x) (own ??= new Map(known)).set(match[0]!, x)
      return match[0]!
    })
    return { ...r, recipientIds, recipientNames: own ?? known }
  }
  const reports = config.reports.map(resolve)
  const creates = config.creates.map(resolve)
  if (errors.length) throw new RecipientErrors(errors)
  return { reports, creates }
}
