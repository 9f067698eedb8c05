import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Outcome, RecordBinding, RecordKeys, RunResult } from '../../src/model.js'
import { renderComment } from '../../src/report/comment-body.js'
import { reviewCheck } from '../../src/review/check.js'
import {
  readReviewedPlan,
  recordKeys,
  recordReviewedPlan,
  recordsCompletedApply,
  ReviewedPlanError,
  UNVERIFIED,
} from '../../src/review/record.js'

// Plan comments as the code before src/review/record.ts wrote them (test/fixtures/record-v2, made by
// that code from input.json): a pull request planned before an upgrade is applied after it.
const dir = path.resolve(import.meta.dirname, '../fixtures/record-v2')
const fixture = (name: string) => readFileSync(path.join(dir, name), 'utf8')
const input = JSON.parse(fixture('input.json')) as {
  outcomes: Outcome[]
  run: RunResult
  binding: RecordBinding
  secret: string
  budget: number
  from: { commit: string; runUrl: string }
}
const keys = recordKeys(input.secret)
const writes = input.outcomes.filter((o) => o.status !== 'unchanged')
const key = (o: Outcome) => (o.id ? o.id.toLowerCase() : `new:${o.entry}`)

describe('a record written before the record had one home', () => {
  it('is written today byte for byte as it was, signed and unsigned', () => {
    const render = (k: RecordKeys | undefined) =>
      renderComment(input.run, input.from, recordReviewedPlan(input.outcomes, input.binding, k, input.budget))
    expect(render(keys)).toBe(fixture('comment-signed.txt'))
    expect(render(undefined)).toBe(fixture('comment-unsigned.txt'))
  })

  it('reads back as the plan reviewed: changes in full, the rest as digests that still match', () => {
    const plan = readReviewedPlan(fixture('comment-signed.txt'), input.binding, keys)!
    expect(plan.sha).toBe(input.binding.head)
    expect(plan.changes.size).toBeGreaterThan(0)
    expect(plan.digests.size).toBeGreaterThan(0)
    expect(plan.complete).toBe(false)
    for (const [id, changes] of plan.changes)
      expect(changes).toEqual(writes.find((o) => key(o) === id)!.changes)
    // Every write the record kept, in full or as a digest, passes the check as it was planned.
    const check = reviewCheck([plan])
    const kept = writes.filter((o) => check(key(o), o.changes) === undefined)
    expect(kept.length).toBe(plan.changes.size + plan.digests.size)
    // One that moved since is held.
    const first = writes[0]!
    expect(check(key(first), [{ field: 'kind', from: 'usage_summary', to: 'usage_daily' }])?.error).toBe(
      'differs from the reviewed plan',
    )
  })

  it('keeps its guards: another secret, another head, an unsigned record where keys are held', () => {
    const signed = fixture('comment-signed.txt')
    expect(() => readReviewedPlan(signed, input.binding, recordKeys('another-secret'))).toThrow(UNVERIFIED)
    expect(() => readReviewedPlan(signed, { ...input.binding, head: 'f'.repeat(40) }, keys)).toThrow(
      ReviewedPlanError,
    )
    const unsigned = fixture('comment-unsigned.txt')
    expect(() => readReviewedPlan(unsigned, input.binding, keys)).toThrow(UNVERIFIED)
    expect(readReviewedPlan(unsigned, input.binding, undefined)!.changes.size).toBeGreaterThan(0)
  })

  it('reads the outcome an apply wrote above it, and the plan kept below', () => {
    const applied = fixture('comment-applied.txt')
    expect(applied).toMatch(
      /^### Applied with #16 in \[run 7\]\(.*\) at 0123456: \d+ updated, 1 created, 1 deleted, 0 held, 0 failed$/m,
    )
    expect(recordsCompletedApply(applied)).toBe(true)
    expect(readReviewedPlan(applied, input.binding, keys)).toEqual(
      readReviewedPlan(fixture('comment-signed.txt'), input.binding, keys),
    )
  })
})
