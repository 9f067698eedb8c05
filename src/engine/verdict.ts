import { countOutcomes, type RunResult } from '../model.js'

/**
 * Why a run fails, or undefined when it passes: the same rules for the action's step and the CLI's
 * exit code. `failOnDrift` fails a plan that has changes (scheduled drift checks).
 */
export function failureOf(run: RunResult, options: { failOnDrift?: boolean } = {}): string | undefined {
  const c = countOutcomes(run.outcomes)
  if (run.guard) {
    return `max-changes: the plan updates ${run.guard.count} reports, over the limit of ${run.guard.limit}; nothing was written`
  }
  if (c.failed) return `${c.failed} of ${run.outcomes.length} reports failed`
  if (options.failOnDrift && run.mode === 'plan' && c.changed) {
    return `fail-on-drift: ${c.changed} reports differ from ${run.config}`
  }
  return undefined
}
