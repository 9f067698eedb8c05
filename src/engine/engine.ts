import { AcronisClient } from '../acronis/client.js'
import type { RetryEvent } from '../http/client.js'
import { reconcile } from './apply.js'
import type { Outcome, ResolvedReport, Review, ReviewedPlan, RunResult } from '../model.js'
import { RunTimeoutError } from '../http/deadline.js'
import { parseConfig, readConfig, type DesiredConfig } from '../config/load.js'
import { resolveRecipients } from './recipients.js'
import type { OnlineSettings, Settings } from '../settings/settings.js'
import { tenantResolver, undeclared } from './tenant.js'
import { describeError } from '../acronis/errors.js'
import type { Redactor } from '../util/redact.js'
import { reviewCheck } from './review.js'

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

/** The client for a run, built once from the settings: the one HTTP seam to the API. */
export function connect(settings: OnlineSettings, io: EngineIO): AcronisClient {
  return new AcronisClient(settings.apiRoot, settings.credentials, {
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    runTimeoutSeconds: settings.runTimeoutSeconds,
    secrets: io.secrets,
    onRetry: (e: RetryEvent) =>
      io.info(`retry ${e.attempt}: ${e.method} ${e.path} (${e.reason}), waiting ${e.delayMs} ms`),
  })
}

/**
 * What an apply is checked against: how the reviewed plan was looked for, and the plans found, oldest
 * first (one, or every pull request's not yet applied).
 */
export interface ReviewInput {
  review: Review
  plans?: ReviewedPlan[]
}

/**
 * desired config → live state → plan → apply: everything but showing the result. With `reviewed`, an
 * apply holds every write that differs from the reviewed plan (all of them when `require` found none).
 */
export async function execute(
  settings: OnlineSettings,
  config: DesiredConfig,
  io: EngineIO,
  reviewed?: ReviewInput,
): Promise<RunResult> {
  const checked = reviewed && (reviewed.plans?.length || reviewed.review.policy === 'require')
  const client = connect(settings, io)
  try {
    const tenant = tenantResolver(client, settings.credentials, settings.tenantId)
    let reports: ResolvedReport[]
    try {
      await client.authenticate()
      reports = await resolveRecipients(config, client, tenant, settings.concurrency)
    } catch (e) {
      if (e instanceof RunTimeoutError) return unattempted(settings, config, e.seconds)
      throw e
    }
    const maxChanges = maxChangesFor(settings, reports.length)
    // allSettled, not all: a failed reconcile must not end the run while the listing is still in flight.
    const [reconciled, listed] = await Promise.allSettled([
      reconcile(reports, client, {
        write: settings.mode === 'apply',
        concurrency: settings.concurrency,
        maxChanges,
        review: checked ? reviewCheck(reviewed.plans) : undefined,
        onOutcome: io.onOutcome,
      }),
      // Drift by omission is worth a line, not a failed run: a lookup that fails is a warning.
      tenant()
        .then((id) =>
          id
            ? undeclared(
                client,
                id,
                config.reports.map((r) => r.id),
              )
            : undefined,
        )
        .catch((e: unknown) => {
          io.warning(`could not list the tenant's undeclared reports: ${describeError(e)}`)
          return undefined
        }),
    ])
    if (reconciled.status === 'rejected') throw reconciled.reason
    const result = reconciled.value
    const unmanaged = listed.status === 'fulfilled' ? listed.value : undefined
    return {
      mode: settings.mode,
      config: settings.configName,
      ...result,
      unmanaged,
      ...(reviewed && settings.mode === 'apply' ? { review: reviewed.review } : {}),
    }
  } finally {
    client.close()
  }
}

/** The run's time limit came before any report was read (the token, the recipients): none was attempted. */
function unattempted(settings: OnlineSettings, config: DesiredConfig, seconds: number): RunResult {
  const error = new RunTimeoutError(seconds, { kind: 'not-attempted' }).message
  return {
    mode: settings.mode,
    config: settings.configName,
    outcomes: config.reports.map((r) => ({
      id: r.id,
      name: r.name,
      status: 'failed',
      changes: [],
      error,
      at: r.at,
    })),
    runTimeout: { seconds, stopped: config.reports.length },
  }
}

function maxChangesFor(settings: OnlineSettings, declared: number): number | undefined {
  const m = settings.maxChanges
  if (!m || settings.mode !== 'apply') return undefined
  return 'count' in m ? m.count : Math.floor((declared * m.percent) / 100)
}
