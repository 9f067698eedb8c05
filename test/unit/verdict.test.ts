import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/acronis/errors.js'
import { ConfigError, ConfigErrors } from '../../src/config/errors.js'
import { RecipientErrors } from '../../src/engine/recipients.js'
import { RunTimeoutError } from '../../src/http/deadline.js'
import { authHint, failureOf, failureOfError, nothingDone, PRECEDENCE } from '../../src/engine/verdict.js'
import { RedirectError } from '../../src/http/redirect.js'
import { TransportError } from '../../src/http/errors.js'
import { ProxyError } from '../../src/http/proxy.js'
import { CertificateError, NetworkError, TimeoutError } from '../../src/http/transport.js'
import type { Outcome, RunResult } from '../../src/model.js'
import { InputError } from '../../src/settings/settings.js'

const at = { file: 'reports.yaml', line: 1, column: 1 }
const outcome = (status: Outcome['status']): Outcome => ({ id: 'x', status, changes: [], at })
const run = (statuses: Outcome['status'][], extra: Partial<RunResult> = {}): RunResult => ({
  mode: 'plan',
  config: 'reports.yaml',
  outcomes: statuses.map(outcome),
  ...extra,
})

describe('failureOf', () => {
  it('passes a clean run, drift only with fail-on-drift', () => {
    expect(failureOf(run(['unchanged', 'would-update']))).toBeUndefined()
    expect(failureOf(run(['would-update']), { failOnDrift: true })).toEqual({
      reason: 'drift',
      message: 'fail-on-drift: 1 report differs from reports.yaml',
    })
    expect(failureOf(run(['would-update'], { mode: 'apply' }), { failOnDrift: true })).toBeUndefined()
  })

  it('names the first reason in the contract order when several apply', () => {
    expect(PRECEDENCE).toEqual([
      'config',
      'auth',
      'network',
      'api',
      'run-timeout',
      'failed-reports',
      'max-deletes',
      'max-changes',
      'drift',
      'plan-changed',
    ])
    const guarded = run(['failed', 'would-update', 'would-update'], {
      overMaxChanges: { count: 2, limit: 1 },
    })
    expect(failureOf(guarded, { failOnDrift: true })).toEqual({
      reason: 'failed-reports',
      message: '1 of 3 reports failed',
    })
    // Reports the run's time limit ended are failed too; the limit names the failure.
    expect(failureOf({ ...guarded, runTimeout: { seconds: 600, stopped: 1 } })).toEqual({
      reason: 'run-timeout',
      message: "the run's time limit of 600 s was reached: 1 of 3 reports not finished",
    })
    expect(failureOf({ ...guarded, outcomes: guarded.outcomes.slice(1) })).toEqual({
      reason: 'max-changes',
      message: 'max-changes: the plan updates 2 reports, over the limit of 1; nothing was written',
    })
  })
})

describe('failureOfError', () => {
  const config = new ConfigErrors([new ConfigError('enum', 'bad', at)])
  it.each([
    [config, 'config', '1 configuration error in reports.yaml; nothing was sent to the API'],
    [
      new RecipientErrors(config.errors),
      'config',
      '1 configuration error in reports.yaml; nothing was written',
    ],
    [new InputError('concurrency: "0" is not allowed'), 'config', 'concurrency: "0" is not allowed'],
    [
      new ApiError('POST', '/idp/token', 401, 'invalid_client', 'no'),
      'auth',
      'POST /idp/token → 401 invalid_client: no',
    ],
    [new ApiError('POST', '/idp/token', 400, 'invalid_request', 'no'), 'auth', undefined],
    [new ApiError('GET', '/clients/x', 403, '403', 'forbidden'), 'auth', undefined],
    [new ApiError('POST', '/idp/token', 0, 'ECONNREFUSED', 'connect refused'), 'network', undefined],
    [new ApiError('POST', '/idp/token', 503, '503', 'busy'), 'network', undefined],
    [new NetworkError('ECONNRESET', 'reset'), 'network', 'reset'],
    [new RedirectError('https://a.example/api', 'https://b.example/'), 'network', undefined],
    [new ApiError('GET', '/clients/x', 200, 'invalid_response', 'tenant_id is 5'), 'api', undefined],
    [new ApiError('GET', '/tenants/x/reports', 404, '404', 'not found'), 'api', undefined],
    [new ApiError('GET', '/clients/x', 429, '429', 'slow down'), 'network', undefined],
    [
      new RunTimeoutError(60, { kind: 'in-flight', method: 'GET', path: '/clients/x' }),
      'run-timeout',
      "stopped while GET /clients/x was in flight: the run's time limit of 60 s was reached",
    ],
    [new Error('something else'), 'config', 'something else'],
  ])('%s → %s', (e, reason, message) => {
    const failure = failureOfError(e)
    expect(failure.reason).toBe(reason)
    if (message) expect(failure.message).toBe(message)
  })

  it('says nothing was sent only for what was found offline', () => {
    expect(nothingDone(new ConfigErrors([]))).toBe('nothing was sent to the API')
    expect(nothingDone(new RecipientErrors([]))).toBe('nothing was written')
    expect(nothingDone(new ApiError('GET', '/x', 0, 'ETIMEDOUT', 'slow'))).toBe('nothing was written')
    expect(nothingDone(new Error('?'))).toBeUndefined()
  })
})

describe('the transport errors', () => {
  // One family, read by `instanceof TransportError` and `code`: a new kind needs no list updated.
  it.each([
    [new NetworkError('ECONNRESET', 'reset'), 'ECONNRESET'],
    [new TimeoutError(1000), 'ETIMEDOUT'],
    [new CertificateError('CERT_HAS_EXPIRED', 'api.example', 'expired'), 'CERT_HAS_EXPIRED'],
    [new ProxyError('proxy:3128', 'api.example:443', 407, 'refused'), 'proxy_refused'],
    [new RedirectError('https://a.example/api', 'https://b.example/'), 'redirect_refused'],
  ])('%s is a TransportError with code %s, a network failure before any write', (e, code) => {
    expect(e).toBeInstanceOf(TransportError)
    expect(e.code).toBe(code)
    expect(failureOfError(e).reason).toBe('network')
    expect(nothingDone(e)).toBe('nothing was written')
  })
})

describe('authHint', () => {
  const names = { clientId: 'client-id', clientSecret: 'client-secret', token: 'token', baseUrl: 'base-url' }
  it('points at the credentials and the data center for a refused token request, at the token for a 401', () => {
    expect(authHint(new ApiError('POST', '/idp/token', 401, 'invalid_client', ''), false, names)).toBe(
      'Check client-id and client-secret, and that base-url is the data center of the API client.',
    )
    expect(authHint(new ApiError('GET', '/reports/x', 401, '401', ''), true, names)).toBe(
      'token was refused: tokens live 2 hours; get a new one.',
    )
    expect(authHint(new ApiError('GET', '/reports/x', 404, '404', ''), true, names)).toBeUndefined()
    expect(authHint(new ApiError('POST', '/idp/token', 404, '404', ''), false, names)).toBe(
      'Check base-url: the data-center URL itself, such as https://eu2-cloud.acronis.com (/api/2 is appended).',
    )
  })
})
