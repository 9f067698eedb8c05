import { isUuid } from '../config/patterns.js'
import path from 'node:path'
import type { Credentials } from '../acronis/auth.js'
import { apiRoot } from '../acronis/url.js'

/**
 * What the run does: `validate` needs no credentials and makes no request; `pull` writes the live
 * values into reports.yaml and never writes to the API.
 */
export type Mode = 'validate' | 'plan' | 'apply' | 'pull'
/** The modes that read the API (and for apply, write it). */
export type OnlineMode = Exclude<Mode, 'validate'>

/** max-changes (and max-deletes) as given: a count, or a percentage of the declared reports. */
export type MaxChanges = { count: number } | { percent: number }

/** What every mode needs: the file, and why this mode. */
interface FileSettings {
  /** Absolute path of reports.yaml. */
  readonly configPath: string
  /** The path as annotations and summaries show it (relative to the workspace). */
  readonly configName: string
  /** The directory reports.yaml must resolve inside, symbolic links followed; undefined: anywhere. */
  readonly configRoot?: string
  /** Why this mode: `auto` resolves from the event. */
  readonly modeReason: string
}

/** validate: the file alone, no credentials, no request. */
interface OfflineSettings extends FileSettings {
  readonly mode: 'validate'
}

/** plan and apply: everything a run needs to reach the API, none of it optional. */
export interface OnlineSettings extends FileSettings {
  readonly mode: OnlineMode
  readonly apiRoot: URL
  readonly credentials: Credentials
  readonly concurrency: number
  readonly timeoutMs: number
  /** The whole run's time limit (run-timeout-seconds); 0: none. */
  readonly runTimeoutSeconds: number
  readonly failOnDrift: boolean
  readonly maxChanges?: MaxChanges
  /** Over this many deletes, an apply writes nothing. */
  readonly maxDeletes?: MaxChanges
  /** Tenant whose undeclared reports are counted; undefined means the API client's own. */
  readonly tenantId?: string
}

/** Every input, read and checked once; the action and the command line build it the same way. */
export type Settings = OfflineSettings | OnlineSettings

/** A password written into base-url is refused, and is a secret all the same: it is never printed. */
export function passwordOf(url: string): string {
  let password: string
  try {
    password = new URL(url.trim()).password
  } catch {
    return ''
  }
  try {
    return decodeURIComponent(password)
  } catch {
    return password
  }
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
  'run-timeout-seconds'?: string
  'max-changes'?: string
  'max-deletes'?: string
  'tenant-id'?: string
  /** Booleans arrive parsed: the action reads them with core.getBooleanInput, the CLI as flags. */
  'fail-on-drift'?: boolean
}

export type InputName = keyof RawInputs

/** Where the values came from, so paths resolve and messages name what the user actually set. */
export interface InputContext {
  /** A relative config path resolves against it, and reports name the file relative to it. */
  workspace: string
  /** The event `mode: auto` resolves from; empty outside a workflow. */
  eventName: string
  /** How a message names an input: `concurrency` in the action, `--concurrency` on the command line. */
  label?: (name: InputName) => string
  /** false: the config may be any regular file (a path given explicitly on the command line). */
  confine?: boolean
}

/** Checks raw values and builds Settings: one set of rules and messages for every entry point. */
export function settingsFrom(raw: RawInputs, ctx: InputContext): Settings {
  const input = checks(raw, ctx)
  const { mode, reason } = input.mode()
  if (mode !== 'validate') return online(input, mode, reason)
  // Checked although validate uses none of them: a bad value fails now, not at the first plan.
  input.tenantId()
  input.limits()
  return { ...input.file(), mode, modeReason: reason }
}

/** Settings for a mode known in advance (the command line's plan, apply and export). */
export function onlineSettingsFrom(mode: OnlineMode, raw: RawInputs, ctx: InputContext): OnlineSettings {
  return online(checks(raw, ctx), mode, `mode: ${mode}`)
}

function online(input: Checks, mode: OnlineMode, reason: string): OnlineSettings {
  const base = input.text('base-url')
  if (!base)
    throw new InputError(
      `${input.label('base-url')} is required to ${mode} (e.g. https://eu2-cloud.acronis.com); only validate works without it`,
    )
  const tenantId = input.tenantId()
  let root: URL
  try {
    root = apiRoot(base, input.label)
  } catch (e) {
    throw new InputError((e as Error).message)
  }
  return {
    ...input.file(),
    mode,
    modeReason: reason,
    apiRoot: root,
    credentials: input.credentials(),
    ...input.limits(),
    tenantId,
  }
}

type Checks = ReturnType<typeof checks>

/** One rule per input, each throwing an InputError that names the input as the user knows it. */
function checks(raw: RawInputs, ctx: InputContext) {
  const label = ctx.label ?? ((name: InputName) => name)
  const text = (name: Exclude<keyof RawInputs, 'fail-on-drift'>) => raw[name]?.trim() ?? ''

  // Defaults repeat action.yml's: the runner fills them in, but a caller that sets nothing must not break.
  const integer = (
    name: 'concurrency' | 'timeout-seconds' | 'run-timeout-seconds',
    min: number,
    max: number,
    fallback: number,
  ) => {
    const value = text(name) || String(fallback)
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InputError(
        `${label(name)}: "${value}" is not allowed; expected a whole number from ${min} to ${max}`,
      )
    }
    return Number(value)
  }

  const maxChanges = (name: 'max-changes' | 'max-deletes' = 'max-changes'): MaxChanges | undefined => {
    const value = text(name)
    if (!value) return undefined
    const m = /^(\d+)(%?)$/.exec(value)
    if (!m || (m[2] && Number(m[1]) > 100)) {
      throw new InputError(
        `${label(name)}: "${value}" is not allowed; expected a count such as 25 or a percentage such as 30%`,
      )
    }
    return m[2] ? { percent: Number(m[1]) } : { count: Number(m[1]) }
  }

  return {
    label,
    text,

    file: () => {
      const config = text('config') || 'reports.yaml'
      const configPath = path.resolve(ctx.workspace, config)
      return {
        configPath,
        configName: path.relative(ctx.workspace, configPath).split(path.sep).join('/') || config,
        configRoot: ctx.confine === false ? undefined : ctx.workspace,
      }
    },

    mode: (): { mode: Mode; reason: string } => {
      const value = text('mode') || 'auto'
      if (value === 'plan' || value === 'apply' || value === 'validate' || value === 'pull')
        return { mode: value, reason: `mode: ${value}` }
      if (value !== 'auto')
        throw new InputError(
          `${label('mode')}: "${value}" is not allowed; expected auto, plan, apply, pull or validate`,
        )
      // auto never pulls: changing the file is a person's decision, asked for by name.
      const pr = ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target'
      return {
        mode: pr ? 'plan' : 'apply',
        reason: `mode: auto, ${ctx.eventName || 'no'} event → ${pr ? 'plan' : 'apply'}`,
      }
    },

    tenantId: (): string | undefined => {
      const tenantId = text('tenant-id') || undefined
      if (tenantId && !isUuid(tenantId))
        throw new InputError(`${label('tenant-id')}: "${tenantId}" is not a UUID`)
      return tenantId
    },

    credentials: (): Credentials => {
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
    },

    limits: () => ({
      concurrency: integer('concurrency', 1, 64, 8),
      timeoutMs: integer('timeout-seconds', 1, 600, 30) * 1000,
      runTimeoutSeconds: integer('run-timeout-seconds', 0, 86_400, 1800),
      failOnDrift: raw['fail-on-drift'] ?? false,
      maxChanges: maxChanges(),
      maxDeletes: maxChanges('max-deletes'),
    }),
  }
}
