import type { ValidateFunction } from 'ajv'

/** The validator of schema/reviewed-record.json that scripts/build.mjs generates with Ajv. */
declare const validate: ValidateFunction<{
  v: 2
  repo: string
  pr: number
  sha: string
  config: string
  full: Record<string, import('./review.js').Row[]>
  digests: string
  digestLength: 16
  unrecorded: number
}>
export default validate
