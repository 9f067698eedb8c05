import * as core from '@actions/core'
import type { ReviewPolicy } from '../model.js'
import type { Redactor } from '../util/redact.js'
import { proxySecrets } from '../http/proxy.js'
import { InputError, passwordOf, settingsFrom, type RawInputs, type Settings } from './settings.js'

// The checks live in settings.ts, shared with the command line (which must not load @actions/core).
export { type Settings } from './settings.js'

/** The action's own inputs, about GitHub rather than the API: the command line has none of them. */
export interface GitHubSettings {
  /** Token for the plan comment; empty when none was given. */
  readonly token: string
  readonly prComment: boolean
  /** The workflow's event (`pull_request`, `push`, …); empty outside a workflow. */
  readonly eventName: string
  /** What an apply checks against the merged pull request's reviewed plan; `off`: no GitHub request. */
  readonly reviewedPlan: ReviewPolicy | 'off'
}

const REVIEWED_PLAN = ['check', 'require', 'off'] as const

function reviewedPlan(): ReviewPolicy | 'off' {
  const value = core.getInput('reviewed-plan').trim() || 'check'
  if ((REVIEWED_PLAN as readonly string[]).includes(value)) return value as ReviewPolicy | 'off'
  throw new InputError(`reviewed-plan: "${value}" is not allowed; expected check, require or off`)
}

/** Everything the action was given: the run's settings and its GitHub part. */
interface ActionSettings {
  readonly settings: Settings
  readonly github: GitHubSettings
}

function boolean(name: string, fallback: boolean): boolean {
  if (!core.getInput(name).trim()) return fallback
  try {
    return core.getBooleanInput(name)
  } catch {
    throw new InputError(`${name}: "${core.getInput(name)}" is not allowed; expected true or false`)
  }
}

/** The action's inputs: the only place that calls core.getInput*. Every secret among them goes to `secrets`. */
export function readSettings(env: NodeJS.ProcessEnv, secrets: Redactor): ActionSettings {
  // Mask first: a message about a bad input below must not be able to print a secret.
  for (const secret of ['client-secret', 'token', 'github-token']) secrets.add(core.getInput(secret))
  secrets.add(passwordOf(core.getInput('base-url')))
  for (const secret of proxySecrets(env)) secrets.add(secret)
  const names = [
    'config',
    'mode',
    'base-url',
    'client-id',
    'client-secret',
    'token',
    'concurrency',
    'timeout-seconds',
    'run-timeout-seconds',
    'max-changes',
    'max-deletes',
    'tenant-id',
  ] as const
  const raw: RawInputs = Object.fromEntries(names.map((name) => [name, core.getInput(name)]))
  raw['fail-on-drift'] = boolean('fail-on-drift', false)
  const prComment = boolean('pr-comment', true)
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  return {
    settings: settingsFrom(raw, { workspace: env.GITHUB_WORKSPACE || process.cwd(), eventName }),
    github: { token: core.getInput('github-token'), prComment, eventName, reviewedPlan: reviewedPlan() },
  }
}
