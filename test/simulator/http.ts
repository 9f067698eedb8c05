import type { ServerResponse } from 'node:http'

/** What a route handler answers; the server turns it into bytes. `body` is JSON-encoded unless a string. */
export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

/** Thrown by handlers for any non-2xx answer outside the token endpoint (which speaks OAuth errors). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly info?: string,
  ) {
    super(message)
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
}

/** The Account Management error envelope (shared/acronis-api.md, "Errors"). */
export function errorBody(status: number, message?: string, info?: string): unknown {
  const text = message ?? REASONS[status] ?? `HTTP ${status}`
  return {
    error: {
      code: status,
      domain: 'PlatformAccountServer',
      message: text,
      details: { info: info ?? text },
      context: {},
    },
  }
}

export function errorReply(
  status: number,
  message?: string,
  info?: string,
  headers?: Record<string, string>,
) {
  return { status, body: errorBody(status, message, info), headers } satisfies Reply
}

/** Writes the answer; returns its body as sent, for the request log. */
export function send(res: ServerResponse, reply: Reply): string {
  const { status, body, headers } = reply
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
  const head: Record<string, string | number> = { ...headers, 'Content-Length': Buffer.byteLength(text) }
  if (body !== undefined && !Object.keys(head).some((k) => k.toLowerCase() === 'content-type')) {
    // A string body only comes from a fault (say, a proxy's error page): it is not JSON.
    head['Content-Type'] = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json'
  }
  res.writeHead(status, head)
  res.end(text)
  return text
}
