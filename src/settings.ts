import path from 'node:path'
import * as core from '@actions/core'
import type { Credentials } from './acronis/auth.js'
import { apiRoot } from './acronis/url.js'

/** What the run does: `validate` needs no credentials and makes no request. */
export type Mode = 'validate' | 'plan' | 'apply'

/** Every input, read and checked once; nothing else in the action calls core.getInput. */
export interface Settings {
  /** Absolute path of reports.yaml. */
  readonly configPath: string
  /** The path as annotations and summaries show it (relative to the workspace). */
  readonly configName: string
  readonly mode: Mode
  /** Why this mode: `auto` resolves from the event. */
  readonly modeReason: string
  /** Undefined only in validate mode. */
  readonly apiRoot?: URL
  readonly credentials?: Credentials
  readonly concurrency: number
  readonly timeoutMs: number
  readonly failOnDrift: boolean
  /** max-changes as given: a count, or a percentage of the declared reports. */
  readonly maxChanges?: { count: number } | { percent: number }
  readonly githubToken: string
  readonly prComment: boolean
  /** Tenant whose undeclared reports are counted; undefined means the API client's own. */
  readonly tenantId?: string
  readonly eventName: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A bad input: the message names the input, quotes the value and says what was expected. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

// Defaults repeat action.yml's: the runner fills them in, but a caller that sets no INPUT_* must not break.
function integer(name: string, min: number, max: number, fallback: number): number {
  const raw = core.getInput(name).trim() || String(fallback)
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new InputError(`${name}: "${raw}" is not allowed; expected a whole number from ${min} to ${max}`)
  }
  return Number(raw)
}

function boolean(name: string, fallback: boolean): boolean {
  if (!core.getInput(name).trim()) return fallback
  try {
    return core.getBooleanInput(name)
  } catch {
    throw new InputError(`${name}: "${core.getInput(name)}" is not allowed; expected true or false`)
  }
}

function mode(env: NodeJS.ProcessEnv): { mode: Mode; reason: string } {
  const raw = core.getInput('mode').trim() || 'auto'
  if (raw === 'plan' || raw === 'apply' || raw === 'validate') return { mode: raw, reason: `mode: ${raw}` }
  if (raw !== 'auto')
    throw new InputError(`mode: "${raw}" is not allowed; expected auto, plan, apply or validate`)
  const event = env.GITHUB_EVENT_NAME ?? ''
  const pr = event === 'pull_request' || event === 'pull_request_target'
  return {
    mode: pr ? 'plan' : 'apply',
    reason: `mode: auto, ${event || 'no'} event → ${pr ? 'plan' : 'apply'}`,
  }
}

function maxChanges(): Settings['maxChanges'] {
  const raw = core.getInput('max-changes').trim()
  if (!raw) return undefined
  const m = /^(\d+)(%?)$/.exec(raw)
  if (!m || (m[2] && Number(m[1]) > 100)) {
    throw new InputError(
      `max-changes: "${raw}" is not allowed; expected a count such as 25 or a percentage such as 30%`,
    )
  }
  return m[2] ? { percent: Number(m[1]) } : { count: Number(m[1]) }
}

function credentials(): Credentials {
  const token = core.getInput('token')
  const clientId = core.getInput('client-id').trim()
  const clientSecret = core.getInput('client-secret')
  if (token && (clientId || clientSecret)) {
    throw new InputError('set either token, or client-id and client-secret, not both')
  }
  if (token) return { token }
  if (!clientId || !clientSecret) {
    throw new InputError(
      `credentials: ${clientId ? 'client-secret is empty' : 'client-id is empty'}; set client-id and client-secret (or token)`,
    )
  }
  return { clientId, clientSecret }
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // Mask first: a message about a bad input below must not be able to print a secret.
  for (const secret of ['client-secret', 'token', 'github-token']) {
    const v = core.getInput(secret)
    if (v) core.setSecret(v)
  }
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const config = core.getInput('config').trim() || 'reports.yaml'
  const configPath = path.resolve(workspace, config)
  const { mode: m, reason } = mode(env)
  const online = m !== 'validate'
  const base = core.getInput('base-url').trim()
  if (online && !base)
    throw new InputError('base-url is required (e.g. https://eu2-cloud.acronis.com) unless mode is validate')
  const tenantId = core.getInput('tenant-id').trim() || undefined
  if (tenantId && !UUID.test(tenantId)) throw new InputError(`tenant-id: "${tenantId}" is not a UUID`)
  let root: URL | undefined
  try {
    root = online ? apiRoot(base) : undefined
  } catch (e) {
    throw new InputError((e as Error).message)
  }
  return {
    configPath,
    configName: path.relative(workspace, configPath).split(path.sep).join('/') || config,
    mode: m,
    modeReason: reason,
    apiRoot: root,
    credentials: online ? credentials() : undefined,
    concurrency: integer('concurrency', 1, 64, 8),
    timeoutMs: integer('timeout-seconds', 1, 600, 30) * 1000,
    failOnDrift: boolean('fail-on-drift', false),
    maxChanges: maxChanges(),
    githubToken: core.getInput('github-token'),
    prComment: boolean('pr-comment', true),
    tenantId,
    eventName: env.GITHUB_EVENT_NAME ?? '',
  }
}
