import { randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { LiveReport, ReportKind, ReportLevel } from '../../src/acronis/types.js'
import type { Simulator } from '../../test/simulator/index.js'

/** One declared report as the reference clients read it (the action reads the same from reports.yaml). */
export interface DesiredEntry {
  id: string
  name: string
  kind: ReportKind
  level: ReportLevel
  recipients: string[]
  enabled: boolean
  hide_zero_usage: boolean
  show_skus: boolean
}

/** A seeded tenant: the declared state, the live state to restore before each client, the files. */
export interface World {
  tenantId: string
  clientId: string
  secret: string
  desired: DesiredEntry[]
  /** Reports whose live state differs from the file: the PUTs the floor includes. */
  drifted: number
  /** reports.yaml (for the action) and desired.json (for the reference clients), in `dir`. */
  configFile: string
  desiredFile: string
  /** Puts every report back in its seeded state: each client must find the same drift. */
  reset(): void
  /** Declared reports whose live state still differs from the file after a run. */
  unconverged(): number
}

const KINDS = ['usage_summary', 'usage_daily', 'usage_current', 'usage_breakdown'] as const
const LEVELS = ['accounts', 'all_customers', 'direct_partners', 'all_partners'] as const

/**
 * `count` declared reports in one tenant, every second one drifted in one field (the field rotates, so
 * every kind of difference and every PUT body shape is exercised). Recipients are UUIDs: resolving
 * logins is a separate feature with its own calls, and would move the floor.
 */
export async function seed(sim: Simulator, count: number, dir: string): Promise<World> {
  const tenant = sim.addTenant({ name: 'Bench Partner' })
  const client = sim.addClient({ tenantId: tenant.id })
  const users = Array.from(
    { length: 4 },
    (_, i) => sim.addUser({ login: `user${i}`, tenantId: tenant.id }).id,
  )

  const desired: DesiredEntry[] = []
  const live: LiveReport[] = []
  let drifted = 0
  for (let i = 0; i < count; i++) {
    const want: DesiredEntry = {
      id: randomUUID(),
      name: `Customer usage ${i + 1}`,
      kind: KINDS[i % KINDS.length]!,
      level: LEVELS[i % LEVELS.length]!,
      recipients: [users[i % users.length]!],
      enabled: true,
      hide_zero_usage: true,
      show_skus: i % 3 === 0,
    }
    desired.push(want)
    const have: LiveReport = {
      id: want.id,
      version: 1,
      result_action: 'send',
      recipients: [...want.recipients],
      parameters: {
        tenant_id: tenant.id,
        kind: want.kind,
        level: want.level,
        formats: ['csv'],
        hide_zero_usage: want.hide_zero_usage,
        show_skus: want.show_skus,
      },
      schedule: { type: 'monthly', enabled: want.enabled },
    }
    if (i % 2 === 1) {
      drift(have, want, (i - 1) / 2, users)
      drifted++
    }
    sim.addReport(have)
    live.push(have)
  }

  const configFile = path.join(dir, 'reports.yaml')
  const desiredFile = path.join(dir, 'desired.json')
  await writeFile(configFile, toYaml(desired))
  await writeFile(desiredFile, JSON.stringify(desired))
  return {
    tenantId: tenant.id,
    clientId: client.clientId,
    secret: client.secret,
    desired,
    drifted,
    configFile,
    desiredFile,
    reset: () => live.forEach((r) => sim.addReport(r)),
    unconverged: () => desired.filter((d) => !matches(sim.getReport(d.id), d)).length,
  }
}

function drift(r: LiveReport, want: DesiredEntry, n: number, users: string[]): void {
  switch (n % 5) {
    case 0:
      r.parameters.kind = KINDS[(KINDS.indexOf(want.kind) + 1) % KINDS.length]!
      break
    case 1:
      r.parameters.level = 'itself'
      break
    case 2:
      r.recipients = [users[(users.indexOf(want.recipients[0]!) + 1) % users.length]!]
      break
    case 3:
      r.schedule.enabled = !want.enabled
      break
    case 4:
      r.parameters.show_skus = !want.show_skus
      break
  }
}

function matches(r: LiveReport | undefined, d: DesiredEntry): boolean {
  if (!r) return false
  const p = r.parameters
  return (
    p.kind === d.kind &&
    p.level === d.level &&
    p.hide_zero_usage === d.hide_zero_usage &&
    p.show_skus === d.show_skus &&
    r.schedule.enabled === d.enabled &&
    r.recipients.length === d.recipients.length &&
    r.recipients.every((x, i) => x.toLowerCase() === d.recipients[i])
  )
}

/** Block-style YAML as people write it (~250 bytes a report), not flow style: parsing cost is realistic. */
function toYaml(desired: DesiredEntry[]): string {
  const lines = ['version: 1', 'reports:']
  for (const d of desired) {
    lines.push(
      `  - id: ${d.id}`,
      `    name: ${d.name}`,
      `    kind: ${d.kind}`,
      `    level: ${d.level}`,
      `    recipients:`,
      ...d.recipients.map((r) => `      - ${r}`),
      `    enabled: ${d.enabled}`,
      `    hide_zero_usage: ${d.hide_zero_usage}`,
      `    show_skus: ${d.show_skus}`,
      '',
    )
  }
  return lines.join('\n')
}
