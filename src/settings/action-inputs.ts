import * as core from '@actions/core'
import { InputError, settingsFrom, type RawInputs, type Settings } from './settings.js'

// The checks live in inputs.ts, shared with the command line (which must not load @actions/core).
export { InputError, type Mode, type Settings } from './settings.js'

function boolean(name: string, fallback: boolean): boolean {
  if (!core.getInput(name).trim()) return fallback
  try {
    return core.getBooleanInput(name)
  } catch {
    throw new InputError(`${name}: "${core.getInput(name)}" is not allowed; expected true or false`)
  }
}

/** The action's inputs: the only place that calls core.getInput*. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // Mask first: a message about a bad input below must not be able to print a secret.
  for (const secret of ['client-secret', 'token', 'github-token']) {
    const v = core.getInput(secret)
    if (v) core.setSecret(v)
  }
  const names = [
    'config',
    'mode',
    'base-url',
    'client-id',
    'client-secret',
    'token',
    'concurrency',
    'timeout-seconds',
    'max-changes',
    'tenant-id',
    'github-token',
  ] as const
  const raw: RawInputs = Object.fromEntries(names.map((name) => [name, core.getInput(name)]))
  raw['fail-on-drift'] = boolean('fail-on-drift', false)
  raw['pr-comment'] = boolean('pr-comment', true)
  return settingsFrom(raw, {
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    eventName: env.GITHUB_EVENT_NAME ?? '',
  })
}
