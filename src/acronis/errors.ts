import type { Redact } from '../util/redact.js'

/** A failed API call, shown by what the API said (its error code and message), never by its raw body. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    /** Path under the API root, e.g. `/reports/…`: never a query with credentials, never a token. */
    readonly path: string,
    /** HTTP status, or 0 when no response came (network failure after every retry). */
    readonly status: number,
    /** The API's `error.code` (a platform code or the status), or an OAuth error such as `invalid_client`. */
    readonly code: string,
    message: string,
    /** The failure below HTTP this stands for, when there was one (a reset, a timeout, a redirect). */
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'ApiError'
  }

  /** `GET /reports/… → 404 (404): Report not found`: what a person needs to act. */
  describe(): string {
    const status = this.status ? `${this.status}` : 'no response'
    const code = this.code && this.code !== String(this.status) ? ` ${this.code}` : ''
    return `${this.method} ${this.path} → ${status}${code}: ${this.message}`
  }
}

const MAX_MESSAGE = 300
/** Codes are short (`invalid_client`, `404`); anything longer is not a code. */
const MAX_CODE = 64

/**
 * Pulls `error.code`/`error.message` (platform) or `error`/`error_description` (OAuth) out of a body.
 * A secret the server echoes back (a token in "invalid token …", say), in any form `redact` knows, is
 * replaced by `***` before the text is trimmed, so not even part of one survives into a log, a summary
 * or a PR comment.
 */
export function apiErrorFrom(
  method: string,
  path: string,
  status: number,
  body: string,
  redact: Redact = (text) => text,
): ApiError {
  let code = String(status)
  let message = ''
  try {
    const parsed = JSON.parse(body) as {
      error?: string | { code?: unknown; message?: unknown; details?: { info?: unknown } }
      error_description?: unknown
      message?: unknown
    }
    if (typeof parsed.error === 'string') {
      code = parsed.error
      message = typeof parsed.error_description === 'string' ? parsed.error_description : ''
    } else if (parsed.error && typeof parsed.error === 'object') {
      const c = parsed.error.code
      if (typeof c === 'string' || typeof c === 'number') code = String(c)
      message = typeof parsed.error.message === 'string' ? parsed.error.message : ''
      const info = parsed.error.details?.info
      if (typeof info === 'string' && info && info !== message) message += message ? ` (${info})` : info
    } else if (typeof parsed.message === 'string') message = parsed.message
  } catch {
    // Not JSON (a proxy's HTML page, say): the status speaks for it; the body is not dumped into logs.
  }
  // Whatever the server sent becomes one short line: it ends up in logs, annotations and a PR comment.
  return new ApiError(
    method,
    path,
    status,
    oneLine(redact(code), MAX_CODE) || String(status),
    oneLine(redact(message), MAX_MESSAGE) || statusText(status),
  )
}

/** Text from a server as one trimmed line of at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max)}…` : line
}

function statusText(status: number): string {
  const known: Record<number, string> = {
    400: 'bad request',
    401: 'unauthorized: the token is missing, expired or invalid',
    403: 'forbidden: the API client has no right to this object',
    404: 'not found',
    409: 'conflict',
    415: 'unsupported content type',
    429: 'too many requests',
  }
  return known[status] ?? (status >= 500 ? 'the service is having trouble' : `HTTP ${status}`)
}

/** One line for any failure: the API's own words for an ApiError, the message otherwise. */
export function describeError(e: unknown): string {
  return e instanceof ApiError ? e.describe() : e instanceof Error ? e.message : String(e)
}
