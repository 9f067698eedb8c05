import { TransportError } from './errors.js'

/** A redirect that would carry credentials to another origin: refused, never followed. */
export class RedirectError extends TransportError {
  readonly code = 'redirect_refused'

  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(
      `refused a redirect from ${from} to another host (${to}): credentials are only sent to the API host`,
    )
    this.name = 'RedirectError'
  }
}

/** Redirects followed for one call at most; past them, the last 3xx is the answer. */
const MAX_REDIRECTS = 3

/**
 * Where the `hop`-th answer to a call first sent to `origin` sends it next: undefined when it is no
 * redirect (or one too many) to follow. A redirect to another origin throws a RedirectError, so the
 * `Authorization` header never leaves the API host.
 */
export function redirectTarget(
  reply: { status: number; headers: { location?: string | undefined } },
  url: URL,
  origin: string,
  hop: number,
): URL | undefined {
  const location = reply.headers.location
  if (reply.status < 300 || reply.status >= 400 || !location || hop >= MAX_REDIRECTS) return undefined
  const next = new URL(location, url)
  if (next.origin !== origin) throw new RedirectError(origin, next.origin)
  return next
}
