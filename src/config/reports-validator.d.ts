import type { ValidateFunction } from 'ajv'

/** The validator of schema/reports.schema.json that scripts/build.mjs generates with Ajv. */
declare const validate: ValidateFunction
export default validate
