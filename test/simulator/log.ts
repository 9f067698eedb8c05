import type { IncomingHttpHeaders } from 'node:http'
import { performance } from 'node:perf_hooks'

/** One request as it reached the simulator, in arrival order. Times are `performance.now()` ms. */
export interface LoggedRequest {
  seq: number
  method: string
  /** The pathname, e.g. `/api/2/reports/<id>`. */
  path: string
  query: URLSearchParams
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>
  body: string
  /** The answer's body as sent ('' until answered, and for requests that got none). */
  response: string
  /** 0 while pending, and for requests that never got an answer (reset, hang, client abort). */
  status: number
  startedAt: number
  /** Set when the answer was sent or the request was dropped. */
  endedAt?: number
}

/** The request log and the counters tests assert on (concurrency, keep-alive). */
export class RequestLog {
  readonly requests: LoggedRequest[] = []
  inFlight = 0
  maxInFlight = 0
  connections = 0
  private seq = 0

  /** Records an arriving request; `finish` is idempotent, so "answered" and "socket closed" may both call it. */
  begin(method: string, url: URL, headers: IncomingHttpHeaders) {
    const entry: LoggedRequest = {
      seq: ++this.seq,
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: flatten(headers),
      body: '',
      response: '',
      status: 0,
      startedAt: performance.now(),
    }
    this.requests.push(entry)
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight)
    let done = false
    const finish = (status: number) => {
      if (done) return
      done = true
      this.inFlight--
      entry.status = status
      entry.endedAt = performance.now()
    }
    return { entry, finish }
  }

  clear(): void {
    this.requests.length = 0
    this.maxInFlight = this.inFlight
    this.connections = 0
  }
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
