import { ApiError } from '../acronis/errors.js'
import { ConfigErrors } from '../config/errors.js'
import { RunTimeoutError } from '../http/deadline.js'
import { TransportError } from '../http/errors.js'
import { countOutcomes, type Failure, type FailureReason, type RunResult } from '../model.js'
import { InputError } from '../settings/settings.js'
import { plural } from '../util/plural.js'
import { RecipientErrors } from './recipients.js'

/** When several reasons apply, the first of this list names the failure. */
export const PRECEDENCE: readonly FailureReason[] = [
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
]

interface VerdictOptions {
  /** Fail a plan that has changes (scheduled drift checks). */
  failOnDrift?: boolean
}

type Rule = (run: RunResult, options: VerdictOptions) => string | undefined

// The reasons a finished run can fail for; config, auth, network and api stop a run before it finishes
// (failureOfError). A reason a run can end with gets one rule here.
const RULES: Partial<Record<FailureReason, Rule>> = {
  'run-timeout': ({ runTimeout: t, outcomes }) =>
    t &&
    `the run's time limit of ${t.seconds} s was reached: ${t.stopped} of ${plural(outcomes.length, 'report')} not finished`,
  'failed-reports': (run) => {
    const { failed } = countOutcomes(run.outcomes)
    return failed ? `${failed} of ${plural(run.outcomes.length, 'report')} failed` : undefined
  },
  'max-changes': ({ overMaxChanges: over }) =>
    over &&
    `max-changes: the plan updates ${plural(over.count, 'report')}, over the limit of ${over.limit}; nothing was written`,
  'max-deletes': ({ overMaxDeletes: over }) =>
    over &&
    `max-deletes: the plan deletes ${plural(over.count, 'report')}, over the limit of ${over.limit}; nothing was written`,
  drift: (run, options) => {
    const c = countOutcomes(run.outcomes)
    const changed = c.changed + c.created + c.deleted
    if (!options.failOnDrift || run.mode !== 'plan' || !changed) return undefined
    return `fail-on-drift: ${plural(changed, 'report differs', 'reports differ')} from ${run.config}`
  },
  'plan-changed': ({ review, outcomes }) => {
    if (!review) return undefined
    if (!review.source && review.policy === 'require') {
      return `reviewed-plan is require and no reviewed plan was found${review.missing ? ` (${review.missing})` : ''}; nothing was written`
    }
    const { held } = countOutcomes(outcomes)
    if (!held) return undefined
    return `${plural(held, 'report')} held: the changes differ from the plan reviewed in ${review.source}; the others were applied`
  },
}

/**
 * Why a finished run fails, or undefined when it passes: the same rules for the action's step and the
 * CLI's exit code.
 */
export function failureOf(run: RunResult, options: VerdictOptions = {}): Failure | undefined {
  for (const reason of PRECEDENCE) {
    const message = RULES[reason]?.(run, options)
    if (message) return { reason, message }
  }
  return undefined
}

/**
 * Why a run that stopped early failed: `config` for the file and the inputs (and anything else that
 * happened on this machine), `auth` when the API refused the credentials, `network` when the API could
 * not be reached or kept failing, `api` when it answered, but not with what the action can use (an
 * answer not in its documented shape, or an error that no retry changes), `run-timeout` when the
 * run's time limit came first.
 */
export function failureOfError(e: unknown): Failure {
  if (e instanceof ConfigErrors) return { reason: 'config', message: `${e.message}; ${nothingDone(e)}` }
  if (e instanceof RunTimeoutError) return { reason: 'run-timeout', message: e.message }
  if (e instanceof ApiError) return { reason: apiReason(e), message: e.describe() }
  if (e instanceof TransportError) return { reason: 'network', message: e.message }
  return { reason: 'config', message: e instanceof Error ? e.message : String(e) }
}

/**
 * What a run that stopped early did not do, where it is certain: errors found offline sent nothing to
 * the API; errors from the API (recipient look-ups included) come before any write.
 */
export function nothingDone(e: unknown): string | undefined {
  if (e instanceof RecipientErrors || e instanceof ApiError || e instanceof TransportError)
    return 'nothing was written'
  if (e instanceof ConfigErrors || e instanceof InputError) return 'nothing was sent to the API'
  return undefined
}

function apiReason(e: ApiError): FailureReason {
  if (refusedCredentials(e)) return 'auth'
  // No answer, or the passing trouble that was retried until the budget ran out.
  if (e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500) return 'network'
  return 'api'
}

function refusedCredentials(e: ApiError): boolean {
  return e.status === 401 || e.status === 403 || (e.path === '/idp/token' && e.status === 400)
}

/** How the person running it named what they set: input names in the action, variables and flags in the CLI. */
interface CredentialNames {
  clientId: string
  clientSecret: string
  token: string
  baseUrl: string
}

/** What to check when the API refused the credentials (or has no token endpoint there); undefined for any other error. */
export function authHint(e: ApiError, usesToken: boolean, names: CredentialNames): string | undefined {
  if (e.path === '/idp/token' && (e.status === 400 || e.status === 401))
    return `Check ${names.clientId} and ${names.clientSecret}, and that ${names.baseUrl} is the data center of the API client.`
  if (e.status === 401 && usesToken) return `${names.token} was refused: tokens live 2 hours; get a new one.`
  if (e.path === '/idp/token' && e.status === 404)
    return `Check ${names.baseUrl}: the data-center URL itself, such as https://eu2-cloud.acronis.com (/api/2 is appended).`
  return undefined
}
