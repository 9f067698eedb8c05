import type { LiveReport } from '../../src/acronis/types.js'
import type { ResolvedReport } from '../../src/engine/recipients.js'

// One live report and one declared report for the unit tests of the plan and of the PUT's answer.

export const ID = '20dffb36-d77b-45c6-b2fa-39276e98d5fc'
export const A = 'ca451758-b48a-45d9-9ae6-8f1059f67619'
export const B = '0e4bf6a4-3a5e-4f0e-8b5e-1f2d3c4b5a69'
const at = { file: 'reports.yaml', line: 2, column: 9 }

/** A monthly send report to A; `over` and `params` replace its fields (an explicit undefined included). */
export function live(
  over: Partial<LiveReport> = {},
  params: Partial<LiveReport['parameters']> = {},
): LiveReport {
  return {
    id: ID,
    version: 3,
    result_action: 'send',
    recipients: [A],
    parameters: {
      tenant_id: 't',
      kind: 'usage_summary',
      level: 'accounts',
      formats: ['csv'],
      hide_zero_usage: true,
      show_skus: false,
      ...params,
    },
    schedule: { type: 'monthly', enabled: true },
    ...over,
  }
}

/** The declared report for ID with these fields managed. */
export const want = (r: Partial<ResolvedReport>): ResolvedReport => ({ id: ID, index: 0, at, ...r })
