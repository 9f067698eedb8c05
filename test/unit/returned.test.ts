import { describe, expect, it } from 'vitest'
import type { LiveReport } from '../../src/acronis/types.js'
import { unmanagedChanges } from '../../src/engine/returned.js'
import { A, B, live, want } from './live-report.js'

const before = (): LiveReport => {
  const r = live({ recipients: [A, B], generation_date: '2026-11-02' })
  delete r.parameters.show_skus
  return r
}

describe('unmanagedChanges', () => {
  it('finds nothing when only managed fields and the version changed, or arrays were reordered', () => {
    const after = before()
    after.version = 4
    after.parameters.kind = 'usage_daily'
    after.recipients = [B.toUpperCase(), A]
    expect(unmanagedChanges(want({ kind: 'usage_daily' }), before(), after)).toEqual([])
  })

  it('names every unmanaged field that changed, appeared or vanished, with its previous value', () => {
    const after = before() as LiveReport & { extra?: string }
    after.parameters.level = 'itself'
    delete after.parameters.hide_zero_usage
    after.parameters.show_skus = false
    after.recipients = [A]
    after.generation_date = '2026-12-02'
    expect(unmanagedChanges(want({ kind: 'usage_daily' }), before(), after)).toEqual([
      { field: 'generation_date', was: '2026-11-02', now: '2026-12-02' },
      { field: 'parameters.hide_zero_usage', was: true, now: undefined },
      { field: 'parameters.level', was: 'accounts', now: 'itself' },
      { field: 'parameters.show_skus', was: undefined, now: false },
      { field: 'recipients', was: [A, B], now: [A] },
    ])
    // Managed, they are the plan's business (did it converge?), not this check's.
    const managed = want({ level: 'itself', hide_zero_usage: true, show_skus: true, recipients: [A] })
    expect(unmanagedChanges(managed, before(), after).map((c) => c.field)).toEqual(['generation_date'])
  })
})
