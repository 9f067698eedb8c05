import { describe, expect, it } from 'vitest'
import { askedDelayMs, RETRY_RULES, shouldRetry, type Attempt } from '../../src/http/retry.js'
import { NetworkError, TimeoutError } from '../../src/http/transport.js'

const reply = (status: number, retryAfter?: string): Attempt => ({
  status,
  headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
})
const reset = new NetworkError('ECONNRESET', 'socket hang up')
const refused = new NetworkError('ECONNREFUSED', 'connect ECONNREFUSED')
const timeout = new TimeoutError(1000)

describe('shouldRetry', () => {
  it('retries the transient statuses of a safe method, and nothing else', () => {
    const get = { method: 'GET' }
    for (const status of [408, 429, 500, 502, 503, 504]) expect(shouldRetry(get, reply(status))).toBe(true)
    for (const status of [200, 201, 301, 400, 401, 403, 404, 409, 415, 422, 501, 505])
      expect(shouldRetry(get, reply(status))).toBe(false)
  })

  it('retries resets and timeouts of a safe method', () => {
    for (const method of ['GET', 'PUT', 'PATCH']) {
      expect(shouldRetry({ method }, reset)).toBe(true)
      expect(shouldRetry({ method }, timeout)).toBe(true)
    }
  })

  it('sends a POST again only where the server cannot have acted on it: a 429 or a refused connection', () => {
    const post = { method: 'POST' }
    expect(shouldRetry(post, reply(429))).toBe(true)
    expect(shouldRetry(post, refused)).toBe(true)
    expect(shouldRetry(post, reply(503))).toBe(false)
    expect(shouldRetry(post, reset)).toBe(false)
    expect(shouldRetry(post, timeout)).toBe(false)
  })

  it('never retries a host name the DNS says does not exist, and retries a DNS server that did not answer', () => {
    const notFound = new NetworkError('ENOTFOUND', 'getaddrinfo ENOTFOUND eu2-clod.acronis.com')
    const again = new NetworkError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN eu2-cloud.acronis.com')
    for (const call of [{ method: 'GET' }, { method: 'POST', idempotent: true }]) {
      expect(shouldRetry(call, notFound)).toBe(false)
      expect(shouldRetry(call, again)).toBe(true)
    }
  })

  it('lets the call say it is idempotent (a token request) or not, whatever its method', () => {
    expect(shouldRetry({ method: 'POST', idempotent: true }, reply(503))).toBe(true)
    expect(shouldRetry({ method: 'PUT', idempotent: false }, reply(503))).toBe(false)
    expect(shouldRetry({ method: 'PUT', idempotent: false }, reply(429))).toBe(true)
  })

  it('reads only its rules: other lists give other answers', () => {
    const rules = { ...RETRY_RULES, methods: ['GET'], statuses: [503], unprocessedStatuses: [] }
    expect(shouldRetry({ method: 'PUT' }, reply(503), rules)).toBe(false)
    expect(shouldRetry({ method: 'GET' }, reply(500), rules)).toBe(false)
    expect(shouldRetry({ method: 'POST' }, reply(429), rules)).toBe(false)
  })
})

describe('askedDelayMs', () => {
  it('takes Retry-After from a status that honours it, and nothing from a failure without a reply', () => {
    expect(askedDelayMs(reply(429, '3'))).toBe(3000)
    expect(askedDelayMs(reply(503, '0'))).toBe(0)
    expect(askedDelayMs(reply(503))).toBeUndefined()
    expect(askedDelayMs(reply(404, '3'))).toBeUndefined()
    expect(askedDelayMs(timeout)).toBeUndefined()
  })
})

describe('errors keep their cause', () => {
  it('a network error carries the original, and a timeout is its own class', () => {
    const original = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    const e = new NetworkError('ECONNRESET', original.message, { cause: original })
    expect(e.cause).toBe(original)
    expect(timeout).not.toBeInstanceOf(NetworkError)
    expect(timeout.message).toBe('no complete response within 1000 ms')
  })
})
