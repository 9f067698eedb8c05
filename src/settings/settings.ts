import { isUuid } from '../config/patterns.js'
import path from 'node:path'
import type { Credentials } from '../acronis/auth.js'
import { apiRoot } from '../acronis/url.js'

/** What the run does: `validate` needs no credentials and makes no request. */
export type Mode = 'validate' | 'plan' | 'apply'

/** Every input, read and checked once; the action and the command line build it the same way. */
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

/** A bad input: the message names the input, quotes the value and says what was expected. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

/** Values as the user gave them, by the action's input names; empty or absent means "not set". */
export interface RawInputs {
  config?: string
  mode?: string
  'base-url'?: string
  'client-id'?: string
  'client-secret'?: string
  token?: string
  concurrency?: string
  'timeout-seconds'?: string
  'max-changes'?: string
  'tenant-id'?: string
  'github-token'?: string
  /** Booleans arrive parsed: the action reads them with core.getBooleanInput, the CLI as flags. */
  'fail-on-drift'?: boolean
  'pr-comment'?: boolean
}

export type InputName = keyof RawInputs

/** Where the values came from, so paths resolve and messages name what the user actually set. */
export interface InputContext {
  /** A relative config path resolves against it, and reports name the file relative to it. */
  workspace: string
  eventName: string
  /** How a message names an input: `concurrency` in the action, `--concurrency` on the command line. */
  label?: (name: InputName) => string
}

/** Checks raw values and builds Settings: one set of rules and messages for every entry point. */
export function settingsFrom(raw: RawInputs, ctx: InputContext): Settings {
  const label = ctx.label ?? ((name: InputName) => name)
  const text = (name: Exclude<InputName, 'fail-on-drift' | 'pr-comment'>) => raw[name]?.trim() ?? ''

  // Defaults repeat action.yml's: the runner fills them in, but a caller that sets nothing must not break.
  const integer = (name: 'concurrency' | 'timeout-seconds', min: number, max: number, fallback: number) => {
    const value = text(name) || String(fallback)
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InputError(
        `${label(name)}: "${value}" is not allowed; expected a whole number from ${min} to ${max}`,
      )
    }
    return Number(value)
  }

  const mode = (): { mode: Mode; reason: string } => {
    const value = text('mode') || 'auto'
    if (value === 'plan' || value === 'apply' || value === 'validate')
      return { mode: value, reason: `mode: ${value}` }
    if (value !== 'auto')
      throw new InputError(
        `${label('mode')}: "${value}" is not allowed; expected auto, plan, apply or validate`,
      )
    const pr = ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target'
    return {
      mode: pr ? 'plan' : 'apply',
      reason: `mode: auto, ${ctx.eventName || 'no'} event → ${pr ? 'plan' : 'apply'}`,
    }
  }

  const maxChanges = (): Settings['maxChanges'] => {
    const value = text('max-changes')
    if (!value) return undefined
    const m = /^(\d+)(%?)$/.exec(value)
    if (!m || (m[2] && Number(m[1]) > 100)) {
      throw new InputError(
        `${label('max-changes')}: "${value}" is not allowed; expected a count such as 25 or a percentage such as 30%`,
      )
    }
    return m[2] ? { percent: Number(m[1]) } : { count: Number(m[1]) }
  }

  const credentials = (): Credentials => {
    const token = text('token')
    const clientId = text('client-id')
    const clientSecret = text('client-secret')
    const [id, secret, tok] = [label('client-id'), label('client-secret'), label('token')]
    if (token && (clientId || clientSecret)) {
      throw new InputError(`set either ${tok}, or ${id} and ${secret}, not both`)
    }
    if (token) return { token }
    if (!clientId || !clientSecret) {
      throw new InputError(
        `credentials: ${clientId ? `${secret} is empty` : `${id} is empty`}; set ${id} and ${secret} (or ${tok})`,
      )
    }
    return { clientId, clientSecret }
  }

  const config = text('config') || 'reports.yaml'
  const configPath = path.resolve(ctx.workspace, config)
  const { mode: m, reason } = mode()
  const online = m !== 'validate'
  const base = text('base-url')
  if (online && !base)
    throw new InputError(
      `${label('base-url')} is required to ${m} (e.g. https://eu2-cloud.acronis.com); only validate works without it`,
    )
  const tenantId = text('tenant-id') || undefined
  if (tenantId && !isUuid(tenantId))
    throw new InputError(`${label('tenant-id')}: "${tenantId}" is not a UUID`)
  let root: URL | undefined
  try {
    root = online ? apiRoot(base) : undefined
  } catch (e) {
    throw new InputError((e as Error).message)
  }
  return {
    configPath,
    configName: path.relative(ctx.workspace, configPath).split(path.sep).join('/') || config,
    mode: m,
    modeReason: reason,
    apiRoot: root,
    credentials: online ? credentials() : undefined,
    concurrency: integer('concurrency', 1, 64, 8),
    timeoutMs: integer('timeout-seconds', 1, 600, 30) * 1000,
    failOnDrift: raw['fail-on-drift'] ?? false,
    maxChanges: maxChanges(),
    githubToken: raw['github-token'] ?? '',
    prComment: raw['pr-comment'] ?? true,
    tenantId,
    eventName: ctx.eventName,
  }
}
