import { AcronisClient } from '../acronis/client.js'
import { parseConfig, readConfig } from '../config/load.js'
import type { DesiredConfig } from '../config/validate.js'
import type { RetryEvent } from '../http/client.js'
import type { Outcome } from '../model.js'
import type { OnlineSettings, Settings } from '../settings/settings.js'
import type { Redactor } from '../util/redact.js'
import { tenantResolver } from './tenant.js'

// The engine's three verbs (execute, pull, exportTenant) each run in one session: the config is read
// before it, and the session gives every verb the same client and the same tenant.

/** How the engine talks to whoever runs it: the action (core.*) or the command line (a terminal). */
export interface EngineIO {
  /** Learns every secret the run derives (the access token) before it is used, to hide it from all output. */
  secrets: Redactor
  info(line: string): void
  warning(line: string): void
  onOutcome?(o: Outcome, done: number, total: number): void
}

/** reports.yaml as read once: its text and what it declares. */
export interface ConfigSource {
  text: string
  config: DesiredConfig
}

/** Reads and validates the config, once; nothing else. Throws ConfigErrors. */
export async function readSource(settings: Settings): Promise<ConfigSource> {
  const text = await readConfig(settings.configPath, settings.configName, settings.configRoot)
  return { text, config: parseConfig(text, settings.configName) }
}

/** Reads and validates the config; nothing else. Throws ConfigErrors. */
export async function validate(settings: Settings): Promise<DesiredConfig> {
  return (await readSource(settings)).config
}

/** What a verb works with: the run's settings and IO, its one client, and the tenant it works in. */
export interface Session {
  readonly settings: OnlineSettings
  readonly io: EngineIO
  /** The one HTTP seam to the API, authenticated. */
  readonly client: AcronisClient
  /**
   * The tenant the run works in: the tenant-id input, else the API client's own (one lookup, made
   * only when something needs it); undefined with a bare token, which has no client id to look up.
   */
  tenant(): Promise<string | undefined>
}

/**
 * Runs `fn` in a session: the client built once from the settings, the token fetched first (bad
 * credentials fail the run once, before any report is read), the tenant resolved when first asked,
 * and the client closed however `fn` ends.
 */
export async function withSession<T>(
  settings: OnlineSettings,
  io: EngineIO,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  const client = new AcronisClient(settings.apiRoot, settings.credentials, {
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    runTimeoutSeconds: settings.runTimeoutSeconds,
    secrets: io.secrets,
    onRetry: (e: RetryEvent) =>
      io.info(`retry ${e.attempt}: ${e.method} ${e.path} (${e.reason}), waiting ${e.delayMs} ms`),
  })
  try {
    await client.authenticate()
    const tenant = tenantResolver(client, settings.credentials, settings.tenantId)
    return await fn({ settings, io, client, tenant })
  } finally {
    client.close()
  }
}
