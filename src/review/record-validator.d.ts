import type { ValidateFunction } from 'ajv'
import type { Row } from './record.js'

/** The record hidden in the plan comment (an HTML comment, invisible to readers), as schema/reviewed-record.json describes it. */
export interface Recorded {
  v: 2
  repo: string
  pr: number
  /** The head commit that was planned. */
  sha: string
  config: string
  /** Report id (lower case) → its changes as [field, from, to], for the reports whose changes fit. */
  full: Record<string, Row[]>
  /** The digests of the other reports, `digestLength` characters each, one after another. */
  digests: string
  /** DIGEST_CHARS */
  digestLength: 16
  /** Reports that would change but could not be recorded at all (tens of thousands): held at the apply. */
  unrecorded: number
}

/** The validator of schema/reviewed-record.json that scripts/build.mjs generates with Ajv. */
declare const validate: ValidateFunction<Recorded>
export default validate
