import * as core from '@actions/core'
import { logLine } from '../util/log-safe.js'
import { Redactor } from '../util/redact.js'

/**
 * Every secret of the run, each registered with the runner in every form (`::add-mask::`) as it is
 * added, and scrubbed from everything below before it is printed or written.
 */
export const secrets = new Redactor((form) => core.setSecret(form))

/** What the action writes anywhere a person reads it (summary, comment, outputs): without secrets. */
export const redact = secrets.redact

/** A log line: without secrets, and unable to start a workflow command whatever data it carries. */
export function info(text: string): void {
  core.info(logLine(redact(text)))
}

// core escapes an annotation's message and properties (newlines, `%`, and `:`/`,` in properties), so
// they cannot leave the command; they still must not carry a secret.
function annotation(props?: core.AnnotationProperties): core.AnnotationProperties | undefined {
  return props?.title === undefined ? props : { ...props, title: redact(props.title) }
}

export function notice(text: string): void {
  core.notice(redact(text))
}

export function warning(text: string, props?: core.AnnotationProperties): void {
  core.warning(redact(text), annotation(props))
}

export function error(text: string, props?: core.AnnotationProperties): void {
  core.error(redact(text), annotation(props))
}

/** Fails the step with an error annotation. */
export function fail(text: string): void {
  core.setFailed(redact(text))
}
