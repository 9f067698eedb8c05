import { describe, expect, it } from 'vitest'
import type { LiveReport } from '../../src/acronis/types.js'
import { ConfigErrors } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/load.js'
import { renderExport, usableLogins, type TenantExport } from '../../src/engine/tenant-export.js'
import { planReport } from '../../src/engine/plan.js'

const TENANT = 'aaaaaaaa-0000-4000-8000-000000000000'
const USER_A = 'ca451758-b48a-45d9-9ae6-8f1059f67619'
const USER_B = '0e4bf6a4-3a5e-4f0e-8b5e-1f2d3c4b5a69'
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
const options = { schema: 'https://example.com/reports.schema.json', generator: 'acronis-report-sync 9.9.9' }

function live(
  i: number,
  patch: Partial<LiveReport> = {},
  parameters: Partial<LiveReport['parameters']> = {},
) {
  const report: LiveReport = {
    id: id(i),
    version: 3,
    result_action: 'send',
    recipients: [USER_A],
    parameters: {
      tenant_id: TENANT,
      kind: 'usage_summary',
      level: 'accounts',
      formats: ['csv', 'html'],
      period: { start: '2026-10-01', end: '2026-10-31' },
      hide_zero_usage: true,
      show_skus: false,
      ...parameters,
    },
    schedule: { type: 'monthly', enabled: true },
    ...patch,
  }
  return report
}

const reports: LiveReport[] = [
  live(3, { recipients: [USER_B, USER_A] }, { kind: 'usage_current', level: 'direct_partners' }),
  live(
    1,
    { schedule: { type: 'monthly', enabled: false } },
    { hide_zero_usage: undefined, show_skus: undefined },
  ),
  live(2, { result_action: 'save', recipients: [USER_B] }),
  live(4, { schedule: { type: 'once', enabled: true } }, { kind: 'usage_daily' }),
  live(5, { recipients: [] }),
]
const tenant: TenantExport = { tenantId: TENANT, reports, failures: [] }

describe('renderExport', () => {
  it('starts with the schema line and version 1, and writes a file the config loader accepts', () => {
    const text = renderExport(tenant, options).text
    const lines = text.split('\n')
    expect(lines[0]).toBe('# yaml-language-server: $schema=https://example.com/reports.schema.json')
    expect(lines[1]).toContain(`acronis-report-sync 9.9.9 from tenant ${TENANT}: 4 scheduled reports`)
    expect(lines.find((l) => !l.startsWith('#'))).toBe('version: 1')
    const config = parseConfig(text, 'reports.yaml')
    // Scheduled reports only, by id, so a second export diffs cleanly against the first.
    expect(config.reports.map((r) => r.id)).toEqual([id(1), id(2), id(3), id(5)])
  })

  it('declares every manageable field as it is live, so planning the file shows no change', () => {
    const config = parseConfig(renderExport(tenant, options).text, 'reports.yaml')
    const byId = new Map(reports.map((r) => [r.id, r]))
    for (const desired of config.reports) {
      expect(planReport(desired, byId.get(desired.id)!).changes, desired.id).toEqual([])
    }
    const [first, save, third, empty] = config.reports
    expect(third).toMatchObject({
      kind: 'usage_current',
      level: 'direct_partners',
      recipients: [USER_B, USER_A],
      enabled: true,
      hide_zero_usage: true,
      show_skus: false,
    })
    // Absent live means absent here: declaring false would plan a change to a field the API left unset.
    expect(first).toMatchObject({ enabled: false })
    expect(first).not.toHaveProperty('hide_zero_usage')
    expect(first).not.toHaveProperty('show_skus')
    // The API refuses recipients unless result_action is send.
    expect(save).not.toHaveProperty('recipients')
    expect(empty!.recipients).toEqual([])
  })

  it('puts read-only attributes in a comment above each entry and one-time reports in comments only', () => {
    const text = renderExport(tenant, options).text
    const lines = text.split('\n')
    const above = (report: string) => lines[lines.indexOf(`  - id: ${report}`) - 1]
    expect(above(id(3))).toBe('  # read-only: schedule monthly · result action send · formats csv, html')
    expect(above(id(2))).toContain('result action save (recipients not managed)')
    const once = lines.find((l) => l.includes(id(4)))
    expect(once).toMatch(/^#/)
    expect(once).toContain('usage_daily')
    expect(once).toContain('period 2026-10-01 to 2026-10-31')
  })

  it('writes recipients by login when given, quoting any YAML would read as another type', () => {
    const logins = new Map([
      [USER_A, 'alice'],
      [USER_B, '12345'],
    ])
    const text = renderExport({ ...tenant, logins }, options).text
    expect(text).toContain('      - alice\n')
    expect(text).toContain(`      - "12345"\n`)
    const config = parseConfig(text, 'reports.yaml')
    expect(config.reports.find((r) => r.id === id(3))!.recipients).toEqual(['12345', 'alice'])
  })

  it('leaves a kind or level newer than the schema unmanaged, as a comment', () => {
    const future = live(6, {}, { kind: 'usage_quarterly' as LiveReport['parameters']['kind'] })
    const text = renderExport({ tenantId: TENANT, reports: [future], failures: [] }, options).text
    expect(text).toContain('    # not supported by this version, so not managed: kind: usage_quarterly')
    const [desired] = parseConfig(text, 'reports.yaml').reports
    expect(desired).not.toHaveProperty('kind')
    expect(desired).toMatchObject({ level: 'accounts' })
  })

  it('is valid with no scheduled report, and lists reports it could not read', () => {
    const text = renderExport(
      {
        tenantId: TENANT,
        reports: [reports[3]!],
        failures: [{ id: id(8), error: 'GET /reports/… → 403: forbidden' }],
      },
      options,
    ).text
    expect(text).toContain('reports: []')
    expect(text).toContain(`#   ${id(8)}: "GET /reports/… → 403: forbidden"`)
    expect(parseConfig(text, 'reports.yaml').reports).toEqual([])
    expect(() => parseConfig(text.replace('reports: []', 'reports:'), 'x')).toThrow(ConfigErrors)
  })
})

describe('usableLogins', () => {
  it('names a user by login only when no other user answered with the same one, and keeps the rest as UUIDs', () => {
    const logins = usableLogins([
      { id: USER_A, login: 'sam' },
      { id: USER_B, login: 'sam' },
      { id: id(9).toUpperCase(), login: '...carol' },
      { id: id(10), login: 'with space' },
      { id: id(11), login: 'x'.repeat(255) },
    ])
    expect([...logins]).toEqual([[id(9), '...carol']])
  })
})
