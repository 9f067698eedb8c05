import {
  onlineSettingsFrom,
  settingsFrom,
  type InputContext,
  type InputName,
  type Mode,
  type OnlineMode,
  type OnlineSettings,
  type RawInputs,
  type Settings,
} from '../settings/settings.js'
import { UsageError, type Flags } from './args.js'

/** Secrets come from the environment (a flag would land in shell history); the data center may be a flag too. */
const ENV: Partial<Record<InputName, string>> = {
  'base-url': 'ACRONIS_BASE_URL',
  'client-id': 'ACRONIS_CLIENT_ID',
  'client-secret': 'ACRONIS_CLIENT_SECRET',
  token: 'ACRONIS_TOKEN',
}

/** The tenant flag under either of its names; both at once must agree. */
function tenantFlag(flags: Flags): { value?: string; flag: string } {
  const [a, b] = [flags['tenant-id'], flags.tenant]
  if (a && b && a !== b) throw new UsageError(`--tenant-id "${a}" and --tenant "${b}" disagree; give one`)
  return { value: a ?? b, flag: a ? '--tenant-id' : '--tenant' }
}

/**
 * Settings from flags and the environment, checked by the same rules as the action's inputs
 * (settings/settings.ts); messages name the flag or variable the user set.
 */
export function cliSettings(
  mode: OnlineMode,
  flags: Flags,
  env: NodeJS.ProcessEnv,
  cwd: string,
): OnlineSettings
export function cliSettings(mode: Mode, flags: Flags, env: NodeJS.ProcessEnv, cwd: string): Settings
export function cliSettings(mode: Mode, flags: Flags, env: NodeJS.ProcessEnv, cwd: string): Settings {
  const [raw, ctx] = inputs(flags, env, cwd)
  return mode === 'validate' ? settingsFrom({ ...raw, mode }, ctx) : onlineSettingsFrom(mode, raw, ctx)
}

function inputs(flags: Flags, env: NodeJS.ProcessEnv, cwd: string): [RawInputs, InputContext] {
  const tenant = tenantFlag(flags)
  const baseUrl = flags['base-url'] ?? env.ACRONIS_BASE_URL
  const label = (name: InputName): string => {
    if (name === 'base-url')
      return flags['base-url']
        ? '--base-url'
        : env.ACRONIS_BASE_URL
          ? 'ACRONIS_BASE_URL'
          : '--base-url (or ACRONIS_BASE_URL)'
    if (name === 'tenant-id') return tenant.flag
    if (name === 'mode') return 'command'
    if (name === 'run-timeout-seconds') return '--run-timeout'
    return ENV[name] ?? `--${name}`
  }
  const raw: RawInputs = {
    config: flags.config,
    'base-url': baseUrl,
    'client-id': env.ACRONIS_CLIENT_ID,
    'client-secret': env.ACRONIS_CLIENT_SECRET,
    token: env.ACRONIS_TOKEN,
    concurrency: flags.concurrency,
    'timeout-seconds': flags['timeout-seconds'],
    'run-timeout-seconds': flags['run-timeout'],
    'max-changes': flags['max-changes'],
    'max-deletes': flags['max-deletes'],
    'tenant-id': tenant.value,
  }
  // A file named with --config is read wherever it is; the default one only inside the current directory.
  return [raw, { workspace: cwd, eventName: '', label, confine: flags.config === undefined }]
}
