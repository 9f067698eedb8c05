import type { ValidateFunction } from 'ajv'

// The validators of schema/api/*.json that scripts/build.mjs generates with Ajv, one per answer.
// Each is typed by what it guarantees, so a checked answer needs no cast.

/** `POST /idp/token`: 200. */
export declare const token: ValidateFunction<{
  access_token: string
  expires_in?: number
  expires_on?: number
}>
/** `GET /clients/{client_id}`: 200. */
export declare const client: ValidateFunction<{ client_id: string; tenant_id: string }>
/** `GET` and `PUT /reports/{report_id}`: 200. */
export declare const report: ValidateFunction<import('./types.js').LiveReport>
/** `GET /tenants/{tenant_id}/reports`: 200. */
export declare const reportIds: ValidateFunction<{ items: string[] }>
/** `GET /search`: 200. */
export declare const search: ValidateFunction<{ items: import('./types.js').SearchItem[] }>
/** `GET /users?uuids=`: 200. */
export declare const users: ValidateFunction<{ items: import('./types.js').ApiUser[] }>
