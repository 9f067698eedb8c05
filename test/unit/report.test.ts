import { describe, expect, it } from 'vitest'
import { type Outcome } from '../../src/model.js'
import { COMMENT_LIMIT, renderComment } from '../../src/report/comment-body.js'
import { commentMarker } from '../../src/review/record.js'
import { cell } from '../../src/report/format.js'
import { countOutcomes, showChange, showChanges } from '../../src/model.js'
import { countOutputs, planEntry, planJsonParts, type PlanEntry } from '../../src/report/outputs.js'
import { renderSummary, SUMMARY_LIMIT_BYTES } from '../../src/report/summary.js'

/** Every output the step sets, as publish sets them: the counts, and the plan written in parts. */
const renderOutputs = (o: Outcome[]): Record<string, string> => ({
  ...countOutputs(o),
  plan: [...planJsonParts(o)].join(''),
})

const at = { file: 'reports.yaml', line: 1, column: 1 }
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`

function outcomes(n: number): Outcome[] {
  return Array.from({ length: n }, (_, i): Outcome => {
    if (i % 3 === 0) return { id: id(i), name: `Report ${i}`, status: 'unchanged', changes: [], at }
    if (i % 3 === 1)
      return {
        id: id(i),
        name: `Report ${i}`,
        status: 'would-update',
        changes: [{ field: 'kind', from: 'usage_summary', to: 'usage_current' }],
        at,
      }
    return { id: id(i), status: 'failed', changes: [], error: 'GET /reports/x → 404: not found', at }
  })
}

describe('renderers', () => {
  it.each([0, 1, 3, 4, 7, 9])('writes the plan of %i reports in parts that join into one JSON array', (n) => {
    const o = outcomes(n)
    const parts = [...planJsonParts(o, 3)]
    expect(parts).toHaveLength(2 + Math.ceil(n / 3))
    expect(parts.join('')).toBe(JSON.stringify(o.map(planEntry)))
  })

  it('count outcomes and render outputs from the same plan', () => {
    const o = outcomes(6)
    expect(countOutcomes(o)).toEqual({ changed: 2, unchanged: 2, failed: 2, held: 0, created: 0, deleted: 0 })
    const out = renderOutputs(o)
    expect(out).toMatchObject({ changed: '2', unchanged: '2', failed: '2', 'has-changes': 'true' })
    const plan = JSON.parse(out.plan!) as PlanEntry[]
    expect(plan.map((p) => p.status)).toEqual([
      'unchanged',
      'update',
      'failed',
      'unchanged',
      'update',
      'failed',
    ])
    expect(plan[1]).toEqual({
      id: id(1),
      name: 'Report 1',
      status: 'update',
      changes: [{ field: 'kind', from: 'usage_summary', to: 'usage_current' }],
      error: null,
    })
    expect(renderOutputs([])['has-changes']).toBe('false')
  })

  it('escape what they print in table cells', () => {
    expect(cell('a|b <script> & c\nd')).toBe('a&#124;b &lt;script&gt; &amp; c d')
    const o: Outcome = { id: id(1), name: 'x | <img src=x>', status: 'unchanged', changes: [], at }
    const md = renderSummary({ mode: 'plan', config: 'reports.yaml', outcomes: [o] })
    expect(md).toContain('x &#124; &lt;img src=x&gt;')
    expect(md).not.toContain('<img')
  })

  it('summary: heading with mode and counts, failures first, each change as field: old → new', () => {
    const md = renderSummary({ mode: 'apply', config: 'reports.yaml', outcomes: outcomes(3) })
    expect(md).toMatch(/^## Acronis report sync: apply/)
    expect(md).toContain('**1** updated · **1** unchanged · **1** failed')
    const rows = md
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Report |') && !l.startsWith('| ---'))
    expect(rows).toHaveLength(3)
    expect(rows[0]).toContain('failed')
    expect(rows[1]).toContain('kind: usage_summary → usage_current')
  })

  it('summary stays under 1 MiB and comment under 65,536 characters for 3,000 reports, saying what was omitted', () => {
    const many = outcomes(3000).map((o) => ({ ...o, name: `${o.name ?? ''} ${'long name '.repeat(40)}` }))
    const md = renderSummary({ mode: 'plan', config: 'reports.yaml', outcomes: many })
    expect(Buffer.byteLength(md)).toBeLessThan(SUMMARY_LIMIT_BYTES)
    expect(md).toMatch(/\| \d+ more reports omitted/)
    const body = renderComment(
      { mode: 'plan', config: 'reports.yaml', outcomes: many },
      { commit: 'abcdef0123' },
    )
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(body).toMatch(/\| \d+ more reports omitted/)
    expect(body.startsWith(commentMarker('reports.yaml'))).toBe(true)
    expect(body).toContain('commit abcdef0')
  })

  it('comment lists pending changes and failures, not unchanged reports', () => {
    const body = renderComment({ mode: 'plan', config: 'reports.yaml', outcomes: outcomes(3) }, {})
    expect(body).toContain('Report 1')
    expect(body).not.toContain('Report 0')
    expect(renderComment({ mode: 'plan', config: 'r.yaml', outcomes: outcomes(1) }, {})).toContain(
      'No changes',
    )
  })
})

describe('a change, spelled once', () => {
  it('shows values as plans do, and control characters from the API escaped', () => {
    expect(showChange({ field: 'kind', from: 'usage_summary', to: 'usage_current' })).toBe(
      'kind: usage_summary → usage_current',
    )
    expect(
      showChanges([
        { field: 'level', from: null, to: 'direct_partners' },
        { field: 'recipients', from: ['a\n::error::x'], to: ['b'] },
      ]),
    ).toBe('level: (unset) → direct_partners; recipients: [a\\n::error::x] → [b]')
    expect(showChange({ field: 'kind', from: 'x\r\u001b[31m\u0085', to: 'y' })).toBe(
      'kind: x\\r\\x1b[31m\\x85 → y',
    )
  })
})
