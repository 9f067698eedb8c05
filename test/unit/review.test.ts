import { describe, expect, it } from 'vitest'
import { reviewCheck, reviewedFromEntries } from '../../src/review/check.js'
import {
  changeDigest,
  readReviewedPlan,
  recordKeys,
  recordReviewedPlan,
  recordsCompletedApply,
  ReviewedPlanError,
} from '../../src/review/record.js'
import type { Change, Outcome, ReviewedPlan } from '../../src/model.js'
import {
  COMMENT_LIMIT,
  renderAppliedComment,
  renderComment,
  REVIEWED_BUDGET,
} from '../../src/report/comment-body.js'
import { planEntry } from '../../src/report/outputs.js'

const at = { file: 'reports.yaml', line: 1, column: 1 }
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
const kind = (from: string, to: string): Change[] => [{ field: 'kind', from, to }]
const update = (i: number, changes = kind('usage_summary', 'usage_daily')): Outcome => ({
  id: id(i),
  name: `Customer ${i} monthly usage report`,
  status: 'would-update',
  changes,
  at,
})
const unchanged = (i: number): Outcome => ({ id: id(i), status: 'unchanged', changes: [], at })
const HEAD = 'feedfacecafebeef0000000000000000deadbeef'
const B = { repository: 'acme/billing', pullRequest: 7, head: HEAD, config: 'reports.yaml' }
const KEYS = recordKeys('the-client-secret-of-this-run')
const record = (outcomes: Outcome[], keys = KEYS) => recordReviewedPlan(outcomes, B, keys, REVIEWED_BUDGET)
const read = (body: string, keys = KEYS, binding = B) => readReviewedPlan(body, binding, keys)

describe('the reviewed plan', () => {
  it('records every change in full when it fits, and reads back the same plan', () => {
    const recipients: Change[] = [{ field: 'recipients', from: ['a@x.io'], to: ['a@x.io', 'b@x.io'] }]
    const { block, unrecorded } = record([update(1), unchanged(2), update(3, recipients)])
    expect(unrecorded).toBe(0)
    expect(block).toMatch(/^<!-- acronis-report-sync:reviewed \{.*\} [\w-]{43} -->$/)
    const plan = read(`text before\n${block}\ntext after`)!
    expect(plan.complete).toBe(true)
    expect(plan.sha).toBe(HEAD)
    expect([...plan.changes]).toEqual([
      [id(1), kind('usage_summary', 'usage_daily')],
      [id(3), recipients],
    ])
  })

  it('holds a recipient name that now stands for another user, in the comment and in the plan output', () => {
    const [alice, mallory] = ['a1111111-1111-4111-8111-111111111111', 'b2222222-2222-4222-8222-222222222222']
    const named = (to: string): Change[] => [
      { field: 'recipients', from: [], to: ['alice'], ids: { from: [], to: [to] } },
    ]
    const { block } = record([update(1, named(alice))])
    const fromComment = reviewCheck([read(block)!])
    expect(fromComment(id(1), named(alice))).toBeUndefined()
    // The same name on both sides, another user behind it: not what was reviewed.
    expect(fromComment(id(1), named(mallory))).toEqual({
      error: 'differs from the reviewed plan',
      reviewed: named(alice),
    })
    const output = JSON.parse(JSON.stringify([planEntry(update(1, named(alice)))])) as unknown
    const fromOutput = reviewCheck([reviewedFromEntries(output)])
    expect(fromOutput(id(1), named(alice))).toBeUndefined()
    expect(fromOutput(id(1), named(mallory))?.error).toBe('differs from the reviewed plan')
  })

  it('cannot be closed early by a value that holds -->', () => {
    const sneaky = kind('x --> <script>', 'y')
    const { block } = record([update(1, sneaky)])
    expect(block.indexOf('-->')).toBe(block.length - 3)
    expect(block).not.toContain('<script>')
    expect(read(block)!.changes.get(id(1))).toEqual(sneaky)
  })

  it('keeps digests where the full changes of thousands of reports do not fit', () => {
    const outcomes = Array.from({ length: 3000 }, (_, i) => update(i))
    const { block, unrecorded } = record(outcomes)
    expect(unrecorded).toBe(0)
    expect(block.length).toBeLessThanOrEqual(REVIEWED_BUDGET)
    const plan = read(block)!
    expect(plan.complete).toBe(false)
    expect(plan.changes.size + plan.digests.size).toBe(3000)
    expect(plan.digestLength).toBe(16)
    const check = reviewCheck([plan])
    expect(outcomes.filter((o) => check(o.id, o.changes))).toEqual([])
    // A moved `to`: its digest no longer matches, and only a digest was kept.
    expect(check(id(2999), kind('usage_summary', 'usage_current'))).toEqual({
      error: 'differs from the reviewed plan',
      reviewed: null,
    })
  })

  it('fits 3,000 changes as 16-character keyed digests, and past that says how many did not fit at all', () => {
    const three = Array.from({ length: 3000 }, (_, i) => update(i))
    const recorded = record(three)
    expect(recorded.block.length).toBeLessThanOrEqual(REVIEWED_BUDGET)
    expect(recorded.unrecorded).toBe(0)
    expect(read(recorded.block)!.digestLength).toBe(16)

    const twelve = Array.from({ length: 12_000 }, (_, i) => update(i))
    const over = record(twelve)
    expect(over.block.length).toBeLessThanOrEqual(REVIEWED_BUDGET)
    expect(over.unrecorded).toBeGreaterThan(8000)
    // What did not fit is held at the apply, and only that.
    const plan = read(over.block)!
    const held = twelve.filter((o) => reviewCheck([plan])(o.id, o.changes)).length
    expect(held).toBe(over.unrecorded)
  })

  it('holds what differs, passes what was reviewed, and tells a report reviewed as unchanged', () => {
    const { block } = record([update(1), unchanged(2)])
    const check = reviewCheck([read(block)!])
    expect(check(id(1).toUpperCase(), kind('usage_summary', 'usage_daily'))).toBeUndefined()
    expect(check(id(1), kind('usage_current', 'usage_daily'))).toEqual({
      error: 'differs from the reviewed plan',
      reviewed: kind('usage_summary', 'usage_daily'),
    })
    expect(check(id(2), kind('a', 'b'))).toEqual({ error: 'differs from the reviewed plan', reviewed: [] })
    expect(reviewCheck(undefined)(id(1), kind('a', 'b'))).toEqual({
      error: 'no reviewed plan was found, and reviewed-plan is require',
    })
  })

  it('catching up on several plans, oldest first: the newest that lists a report decides', () => {
    const plan = (changes: [number, Change[]][], digested: [number, Change[]][] = []): ReviewedPlan => ({
      changes: new Map(changes.map(([i, c]) => [id(i), c])),
      digests: new Set(digested.map(([i, c]) => changeDigest(id(i), c, 8))),
      digestLength: 8,
      complete: digested.length === 0,
    })
    const older = plan([
      [1, kind('a', 'b')],
      [2, kind('a', 'b')],
    ])
    const newer = plan([[2, kind('a', 'c')]], [[3, kind('a', 'd')]])
    const check = reviewCheck([older, newer])
    expect(check(id(1), kind('a', 'b'))).toBeUndefined() // only the older one lists it
    expect(check(id(2), kind('a', 'c'))).toBeUndefined() // both do: the newer decides
    expect(check(id(2), kind('a', 'b'))).toEqual({
      error: 'differs from the reviewed plan',
      reviewed: kind('a', 'c'),
    })
    expect(check(id(3), kind('a', 'd'))).toBeUndefined() // a digest of the newer
    // Listed by none: held; "unchanged" only when every plan kept all its changes in full.
    expect(check(id(4), kind('a', 'b'))).toEqual({ error: 'differs from the reviewed plan', reviewed: null })
    expect(reviewCheck([older])(id(4), kind('a', 'b'))).toEqual({
      error: 'differs from the reviewed plan',
      reviewed: [],
    })
    expect(reviewCheck([])(id(1), kind('a', 'b'))).toMatchObject({ error: expect.stringMatching(/require/) })
  })

  it('tells an applied plan comment from one not applied, or not in full', () => {
    const run = (failed: number, over = false) => ({
      mode: 'apply' as const,
      config: 'reports.yaml',
      outcomes: [
        { ...update(1), status: 'updated' as const },
        ...Array.from({ length: failed }, (_, i) => ({ ...update(i + 2), status: 'failed' as const })),
      ],
      ...(over ? { overMaxChanges: { count: 1, limit: 0 } } : {}),
    })
    const plan = renderComment(run(0), {}, record([update(1)]))
    expect(recordsCompletedApply(plan)).toBe(false)
    const where = {
      run: '345',
      runUrl: 'https://github.com/acme/billing/actions/runs/9',
      commit: 'abcdef0123',
    }
    const applied = renderAppliedComment(run(0), plan, { ...where, with: 12 })
    expect(applied).toMatch(
      /^### Applied with #12 in \[run 345\]\(https:.*\) at abcdef0: 1 updated, 0 held, 0 failed$/m,
    )
    expect(recordsCompletedApply(applied)).toBe(true)
    expect(recordsCompletedApply(renderAppliedComment(run(0), plan, where))).toBe(true)
    expect(recordsCompletedApply(renderAppliedComment(run(1), plan, where))).toBe(false)
    expect(recordsCompletedApply(renderAppliedComment(run(0, true), plan, where))).toBe(false)
    // Applied again later: the newest outcome replaces the one before.
    expect(
      recordsCompletedApply(renderAppliedComment(run(0), renderAppliedComment(run(1), plan, where), where)),
    ).toBe(true)
  })

  it('tells an apply that created and deleted reports as applied, as its heading says', () => {
    const made = (status: 'created' | 'deleted' | 'failed', i: number): Outcome => ({
      ...update(i),
      status,
    })
    const run = (outcomes: Outcome[]) => ({ mode: 'apply' as const, config: 'reports.yaml', outcomes })
    const plan = renderComment(run([]), {}, record([update(1)]))
    const applied = renderAppliedComment(run([made('created', 1), made('deleted', 2)]), plan, { run: '7' })
    expect(applied).toMatch(/^### Applied in run 7: 0 updated, 1 created, 1 deleted, 0 held, 0 failed$/m)
    expect(recordsCompletedApply(applied)).toBe(true)
    const failed = renderAppliedComment(run([made('created', 1), made('failed', 2)]), plan, { run: '7' })
    expect(recordsCompletedApply(failed)).toBe(false)
  })

  it('refuses a record that is not one, and finds none in a comment without it', () => {
    expect(read('<!-- acronis-report-sync: reports.yaml -->\n### plan')).toBeUndefined()
    const { block } = record([update(1)])
    const json = /\{.*\}/.exec(block)![0]
    const signed = (text: string) => block.replace(json, text)
    for (const bad of [
      // Forged: JSON anyone can write, with no MAC, a made-up one, or ours of other text.
      `<!-- acronis-report-sync:reviewed ${json} unsigned -->`,
      `<!-- acronis-report-sync:reviewed ${json} ${'A'.repeat(43)} -->`,
      signed(json.replace('usage_daily', 'usage_current')), // edited after it was written
      `${block}\n${block}`, // a second record pasted in
      `<!-- acronis-report-sync:reviewed {"v":2,"full":{} -->`,
    ]) {
      expect(() => read(bad), bad).toThrow(ReviewedPlanError)
    }
    // Another client secret's key, another pull request, repository, config or head: not this plan.
    expect(() => read(block, recordKeys('another-secret'))).toThrow(/does not verify/)
    expect(() => read(block, KEYS, { ...B, pullRequest: 8 })).toThrow(/another repository, pull request/)
    expect(() => read(block, KEYS, { ...B, repository: 'acme/other' })).toThrow(/another repository/)
    expect(() => read(block, KEYS, { ...B, config: 'other.yaml' })).toThrow(/another repository/)
    expect(() => read(block, KEYS, { ...B, head: 'a'.repeat(40) })).toThrow(
      /of commit feedfac, not of the pull request's final head aaaaaaa/,
    )
    // Without keys (a given token) the MAC cannot be checked: the record reads, the caller decides.
    const unsigned = recordReviewedPlan([update(1)], B, undefined, REVIEWED_BUDGET).block
    expect(unsigned).toMatch(/ unsigned -->$/)
    expect(readReviewedPlan(unsigned, B, undefined)!.changes.size).toBe(1)
    expect(() => read(unsigned)).toThrow(/does not verify/)
  })

  it('keys each digest: 16 characters that nobody without the key can compute or match', () => {
    const c = kind('usage_summary', 'usage_daily')
    const digest = changeDigest(id(1), c, 16, KEYS.digest)
    expect(digest).toMatch(/^[\w-]{16}$/)
    expect(digest).not.toBe(changeDigest(id(1), c, 16))
    expect(digest).not.toBe(changeDigest(id(1), c, 16, recordKeys('another-secret').digest))
    // A record's digests match only with the key it was written with.
    const outcomes = Array.from({ length: 3000 }, (_, i) => update(i))
    const plan = read(record(outcomes).block)!
    expect(plan.digests.size).toBeGreaterThan(0)
    expect(reviewCheck([plan])(id(2999), c)).toBeUndefined()
    expect(reviewCheck([{ ...plan, digestKey: undefined }])(id(2999), c)).toMatchObject({ reviewed: null })
  })

  it('reads the plan output of the action (or plan --json) as a reviewed plan', () => {
    const entries = [update(1), unchanged(2), { ...update(3), status: 'failed' as const }].map(planEntry)
    const plan = reviewedFromEntries(JSON.parse(JSON.stringify(entries)))
    expect([...plan.changes.keys()]).toEqual([id(1)])
    expect(plan.complete).toBe(true)
    expect(() => reviewedFromEntries({ reports: [] })).toThrow(/JSON array/)
    expect(() => reviewedFromEntries([{ id: 'x', status: 'update', changes: [{ field: 'nope' }] }])).toThrow(
      /entry 0/,
    )
  })

  it('digests the same changes to the same text, whatever the id case', () => {
    const c = kind('a', 'b')
    expect(changeDigest(id(1).toUpperCase(), c, 16)).toBe(changeDigest(id(1), c, 16))
    expect(changeDigest(id(1), kind('a', 'c'), 16)).not.toBe(changeDigest(id(1), c, 16))
  })
})

describe('the plan comment with the reviewed plan', () => {
  const run = (outcomes: Outcome[]) => ({ mode: 'plan' as const, config: 'reports.yaml', outcomes })

  it('stays within the limit with room for the outcome, at 3,000 reports', () => {
    const outcomes = Array.from({ length: 3000 }, (_, i) => update(i))
    const recording = record(outcomes)
    const body = renderComment(run(outcomes), { commit: 'abcdef0' }, recording)
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT - 6_000)
    expect(body).toMatch(/\d+ more reports omitted/)
    const recorded = read(body)!
    expect(recorded.changes.size + recorded.digests.size).toBe(3000)

    const applied = { ...run(outcomes), mode: 'apply' as const }
    applied.outcomes = outcomes.map((o, i) =>
      i < 50
        ? { ...o, status: 'held' as const, error: 'differs from the reviewed plan', reviewed: null }
        : { ...o, status: 'updated' as const },
    )
    const after = renderAppliedComment(applied, body, {
      run: '77',
      runUrl: 'https://github.com/a/b/actions/runs/1',
    })
    expect(after.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(after).toContain(
      '### Applied in [run 77](https://github.com/a/b/actions/runs/1): 2950 updated, 50 held, 0 failed',
    )
    expect(after.endsWith(body.slice(body.indexOf('<!-- acronis-report-sync:plan -->')))).toBe(true)
    // Applied twice (a rerun): one outcome, the plan once.
    const again = renderAppliedComment(applied, after, { run: '78' })
    expect(again.match(/### Applied in/g)).toHaveLength(1)
    expect(read(again)).toEqual(recorded)
  })

  it('warns the reviewer when changes did not fit the record, and stays within the limit', () => {
    const outcomes = Array.from({ length: 12_000 }, (_, i) => update(i))
    const recording = record(outcomes)
    const body = renderComment(run(outcomes), {}, recording)
    expect(body).toContain(`${recording.unrecorded} changes did not fit`)
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT - 6_000)
  })
})
