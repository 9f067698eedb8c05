/** Enumerations of the Account Management API v2 (shared/acronis-api.md). */
export const REPORT_KINDS = ['usage_daily', 'usage_summary', 'usage_current', 'usage_breakdown'] as const
export const REPORT_LEVELS = [
  'itself',
  'direct_partners',
  'all_partners',
  'all_customers',
  'accounts',
] as const
export const REPORT_FORMATS = ['csv', 'html', 'json_v1', 'csv_v2_0', 'json_v2_0'] as const
export const RESULT_ACTIONS = ['save', 'send'] as const
export const SCHEDULE_TYPES = ['once', 'monthly'] as const

export type ReportKind = (typeof REPORT_KINDS)[number]
export type ReportLevel = (typeof REPORT_LEVELS)[number]
export type ReportFormat = (typeof REPORT_FORMATS)[number]
export type ResultAction = (typeof RESULT_ACTIONS)[number]

/** True when `value` is one of the values the vendor documents for it. */
export function documented<T extends string>(known: readonly T[], value: string): value is T {
  return (known as readonly string[]).includes(value)
}

/**
 * A report as `GET /reports/{id}` returns it, checked against schema/api/report.json. `hide_zero_usage`
 * and `show_skus` may be absent. `kind`, `level` and `formats` are strings the API may extend: the
 * documented ones are REPORT_KINDS, REPORT_LEVELS and REPORT_FORMATS (see `documented`).
 */
export interface LiveReport {
  id: string
  version: number
  result_action: (typeof RESULT_ACTIONS)[number]
  recipients: string[]
  parameters: {
    tenant_id: string
    kind: string
    level: string
    formats: string[]
    period?: { start: string; end: string }
    hide_zero_usage?: boolean
    show_skus?: boolean
  }
  schedule: { type: (typeof SCHEDULE_TYPES)[number]; enabled: boolean }
  generation_date?: string
}

/** The body of `PUT /reports/{id}`: the schema forbids any other property. */
export interface ReportUpdate {
  recipients?: string[]
  parameters?: { kind?: ReportKind; level?: ReportLevel; hide_zero_usage?: boolean; show_skus?: boolean }
  schedule?: { enabled: boolean }
}

/**
 * The body of `POST /reports` (the schema `reportPost`, shared/acronis-api.md "Creating and deleting"):
 * no other property is allowed; `formats`, `period`, the flags and `generation_date` are optional.
 */
export interface ReportCreate {
  recipients: string[]
  result_action: (typeof RESULT_ACTIONS)[number]
  parameters: {
    tenant_id: string
    kind: ReportKind
    level: ReportLevel
    formats?: ReportFormat[]
    period?: { start: string; end: string }
    hide_zero_usage?: boolean
    show_skus?: boolean
  }
  schedule: { type: (typeof SCHEDULE_TYPES)[number]; enabled?: boolean }
  generation_date?: string
}

/** A user as `GET /users?uuids=` returns it (the fields this project reads). */
export interface ApiUser {
  id: string
  login: string
  tenant_id?: string
  contact?: { email?: string }
  enabled?: boolean
}

/** An item of `GET /search`: users and tenants mixed, no email. */
export interface SearchItem {
  obj_type: 'tenant' | 'user'
  id: string
  login?: string
}
