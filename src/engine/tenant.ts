import type { AcronisClient } from '../acronis/client.js'
import type { Credentials } from '../acronis/auth.js'

/**
 * The tenant the run works in: the tenant-id input, else the API client's own (one lookup, made
 * only when something needs it). With a bare token there is no client id to look up.
 */
export function tenantResolver(client: AcronisClient, credentials: Credentials, given?: string) {
  let pending: Promise<string | undefined> | undefined
  return (): Promise<string | undefined> => {
    pending ??= given
      ? Promise.resolve(given)
      : 'clientId' in credentials
        ? client.clientTenant(credentials.clientId)
        : Promise.resolve(undefined)
    return pending
  }
}

/** Reports of the tenant that reports.yaml does not declare: counted and listed, never read or written. */
export async function undeclared(client: AcronisClient, tenantId: string, declared: Iterable<string>) {
  const known = new Set([...declared].map((id) => id.toLowerCase()))
  const ids = (await client.tenantReportIds(tenantId)).filter((id) => !known.has(id.toLowerCase()))
  return { tenantId, ids: ids.sort() }
}
