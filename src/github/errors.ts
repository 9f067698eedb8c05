import { describeError, oneLine } from '../acronis/errors.js'
import type { Redact } from '../util/redact.js'

/** A failed GitHub API call, in GitHub's words: its `message` and any validation `errors`. */
export class GitHubError extends Error {
  constructor(
    readonly method: string,
    /** Path on the GitHub API, e.g. `/repos/acme/billing/issues/7/comments`: never a token. */
    readonly path: string,
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'GitHubError'
  }

  /** `GitHub PATCH /repos/…/comments/1 → 403: Resource not accessible by integration`. */
  describe(): string {
    return `GitHub ${this.method} ${this.path} → ${this.status}: ${this.message}`
  }
}

/** The bound on the GitHub requests of one lookup was reached: nothing more is asked. */
export class GitHubBoundError extends Error {
  constructor(readonly maxRequests: number) {
    super(`${maxRequests} GitHub requests made, the most one lookup makes`)
    this.name = 'GitHubBoundError'
  }
}

const MAX_MESSAGE = 300

/** What each status means for the github-token when GitHub's body says nothing usable. */
function statusText(status: number): string {
  const known: Record<number, string> = {
    401: 'bad credentials: github-token is missing, expired or revoked',
    403: 'forbidden: github-token lacks a permission this needs, or a rate limit was reached',
    404: 'not found, or not visible to github-token',
    422: 'validation failed',
  }
  return known[status] ?? (status >= 500 ? 'GitHub is having trouble' : `HTTP ${status}`)
}

/**
 * Reads GitHub's error body (`{message, errors: [{message | code, field}], documentation_url}`).
 * The token, in any form `redact` knows, is replaced by `***` should GitHub ever echo it, and the text is kept to one short line.
 */
export function gitHubErrorFrom(
  method: string,
  path: string,
  status: number,
  body: string,
  redact: Redact,
): GitHubError {
  let message = ''
  try {
    const parsed = JSON.parse(body) as { message?: unknown; errors?: unknown }
    if (typeof parsed.message === 'string') message = parsed.message
    if (Array.isArray(parsed.errors)) {
      const details = parsed.errors
        .map((e: { message?: unknown; code?: unknown; field?: unknown }) =>
          typeof e?.message === 'string'
            ? e.message
            : [e?.field, e?.code].filter((x) => typeof x === 'string').join(' '),
        )
        .filter(Boolean)
      if (details.length) message += `${message ? ': ' : ''}${details.join('; ')}`
    }
  } catch {
    // Not JSON (a proxy's page): the status speaks for it, the body is never printed.
  }
  return new GitHubError(method, path, status, oneLine(redact(message), MAX_MESSAGE) || statusText(status))
}

/** A failure of a GitHub step as one line, GitHub's words when it answered. */
export function describeGitHubError(e: unknown): string {
  return e instanceof GitHubError ? e.describe() : describeError(e)
}
