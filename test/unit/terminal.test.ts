import { stripVTControlCharacters } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type Outcome } from '../../src/model.js'
import { Progress, useColor } from '../../src/cli/tty.js'
import { type RunResult } from '../../src/model.js'
import { renderTerminal } from '../../src/report/terminal.js'
import { displayWidth } from '../../src/util/text-width.js'

const at = { file: 'reports.yaml', line: 3, column: 5 }
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
const ESC = '\x1b['

const outcomes: Outcome[] = [
  { id: id(1), status: 'unchanged', changes: [], at },
  {
    id: id(2),
    name: 'Partner usage',
    status: 'would-update',
    changes: [
      { field: 'kind', from: 'usage_summary', to: 'usage_current' },
      { field: 'recipients', from: ['alice'], to: ['alice', 'bob@example.com'] },
      { field: 'show_skus', from: null, to: true },
    ],
    at,
  },
  { id: id(3), status: 'failed', changes: [], error: 'GET /reports/x → 404: not found', at },
]
const run = (extra: Partial<RunResult> = {}): RunResult => ({
  mode: 'plan',
  config: 'reports.yaml',
  outcomes,
  ...extra,
})

describe('renderTerminal', () => {
  it('fits a width: no line wider, long names, ids and values cut with …, sentences wrapped whole', () => {
    const long = (i: number): Outcome => ({
      id: id(20 + i),
      name: `Customer ${i}: a report with a name far longer than any terminal column would show`,
      status: i ? 'would-update' : 'failed',
      changes: [
        {
          field: 'recipients',
          from: ['billing@customer-with-a-long-domain.example', 'alice'],
          to: ['controller@customer-with-a-long-domain.example', 'alice', 'bob'],
        },
        { field: 'kind', from: 'usage_summary', to: 'usage_current' },
      ],
      error: i ? undefined : `GET /reports/${id(20)} → 500: ${'the service is having trouble '.repeat(4)}`,
      at,
    })
    const unmanaged = { tenantId: id(99), ids: [id(97), id(98)] }
    const result = run({ outcomes: [long(0), long(1), long(2)], unmanaged })
    for (const width of [60, 80, 120]) {
      for (const color of [false, true]) {
        const lines = stripVTControlCharacters(renderTerminal(result, { color, width })).split('\n')
        expect(
          lines.filter((l) => displayWidth(l) > width),
          `${width}`,
        ).toEqual([])
        expect(lines.join('\n')).toContain('…')
        // The ids of undeclared reports are wrapped onto lines, never cut.
        for (const u of unmanaged.ids) expect(lines.some((l) => l.includes(u))).toBe(true)
      }
    }
    // Without a width (a pipe), every value is whole.
    const whole = renderTerminal(result, { color: false })
    expect(whole).not.toContain('…')
    expect(whole).toContain('controller@customer-with-a-long-domain.example')
    expect(whole.split('\n').some((l) => l.length > 120)).toBe(true)
  })

  it('leaves a table that fits as it is', () => {
    expect(renderTerminal(run(), { color: false, width: 200 })).toBe(renderTerminal(run(), { color: false }))
  })

  it('lines columns up by terminal cells when names hold emoji or wide characters', () => {
    const named = (name: string, i: number): Outcome => ({
      id: id(10 + i),
      name,
      status: 'would-update',
      changes: [{ field: 'kind', from: 'usage_summary', to: 'usage_current' }],
      at,
    })
    const names = ['📊 Partner usage', '✔️ Billing 請求', 'Plain']
    const text = renderTerminal(run({ outcomes: names.map(named) }), { color: true })
    const rows = stripVTControlCharacters(text)
      .split('\n')
      .filter((l) => l.includes('usage_summary'))
    expect(rows).toHaveLength(3)
    // FIELD starts at the same cell on every row: the text before it is equally wide on screen.
    const field = rows.map((r) => displayWidth(r.slice(0, r.indexOf('kind'))))
    expect(new Set(field).size).toBe(1)
  })

  it('counts, then lists failures first and each change in aligned columns, unchanged reports only counted', () => {
    const text = renderTerminal(run(), { color: false })
    const lines = text.split('\n')
    expect(lines[0]).toBe('Plan: 1 to update, 1 unchanged, 1 failed (3 declared in reports.yaml)')
    const table = lines.slice(2, 7)
    expect(table[0]).toMatch(/^STATUS +REPORT +FIELD +FROM +TO$/)
    expect(table[1]).toMatch(
      /^failed +00000000-0000-4000-8000-000000000003 +GET \/reports\/x → 404: not found$/,
    )
    expect(table[2]).toMatch(/^will update +Partner usage +kind +usage_summary +usage_current$/)
    // The id sits under the name, and further changes line up under FIELD, FROM and TO.
    expect(table[3]).toMatch(
      /^ +00000000-0000-4000-8000-000000000002 +recipients +\[alice\] +\[alice, bob@example.com\]$/,
    )
    expect(table[4]).toMatch(/^ +show_skus +\(unset\) +true$/)
    for (const column of ['FIELD', 'FROM', 'TO']) {
      const x = table[0]!.indexOf(column)
      const values = {
        FIELD: ['kind', 'recipients', 'show_skus'],
        FROM: ['usage_summary', '[alice]', '(unset)'],
        TO: ['usage_current', '[alice, bob@example.com]', 'true'],
      }[column]!
      values.forEach((v, i) => expect(table[2 + i]!.indexOf(v, x), `${column} ${v}`).toBe(x))
    }
    expect(text).not.toContain(id(1))
    expect(text).toContain('(1 unchanged not listed)')
    expect(text).not.toContain(ESC)
  })

  it('colours statuses and values on request without moving a column', () => {
    const plain = renderTerminal(run(), { color: false })
    const coloured = renderTerminal(run(), { color: true })
    expect(coloured).toContain(`${ESC}33mwill update${ESC}0m`)
    expect(coloured).toContain(`${ESC}31mfailed${ESC}0m`)
    expect(coloured).toContain(`${ESC}32musage_current${ESC}0m`)
    expect(stripVTControlCharacters(coloured)).toBe(plain)
  })

  it('says so when nothing differs, and ends with the undeclared reports of the tenant', () => {
    const tenantId = id(9)
    const text = renderTerminal(
      run({ outcomes: [outcomes[0]!], unmanaged: { tenantId, ids: [id(7), id(8)] } }),
      { color: false },
    )
    expect(text).toContain('No changes: every declared report is in the desired state.')
    expect(text).not.toContain('STATUS')
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      `2 reports of tenant ${tenantId} are not declared (listed, never changed): ${id(7)}, ${id(8)}`,
    )
    const all = renderTerminal(run({ unmanaged: { tenantId, ids: [] } }), { color: false })
    expect(all.trimEnd().split('\n').at(-1)).toBe(`Every report of tenant ${tenantId} is declared.`)
  })

  it('shows an apply stopped by max-changes as planned, not updated', () => {
    const text = renderTerminal(run({ mode: 'apply', overMaxChanges: { count: 5, limit: 2 } }), {
      color: false,
    })
    expect(text).toMatch(/^Apply: 1 to update,/)
    expect(text).toContain('Nothing was written: the plan updates 5 reports and max-changes allows 2.')
    expect(renderTerminal(run({ mode: 'apply' }), { color: false })).toMatch(/^Apply: 1 updated,/)
  })
})

describe('useColor', () => {
  const tty = { write: () => true, isTTY: true }
  const pipe = { write: () => true }
  it('colours a terminal only, and never with NO_COLOR', () => {
    expect(useColor(tty, {})).toBe(true)
    expect(useColor(pipe, {})).toBe(false)
    expect(useColor(tty, { NO_COLOR: '1' })).toBe(false)
    expect(useColor(tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false)
    // no-color.org: an empty NO_COLOR does not count.
    expect(useColor(tty, { NO_COLOR: '' })).toBe(true)
    expect(useColor(tty, { TERM: 'dumb' })).toBe(false)
    expect(useColor(pipe, { FORCE_COLOR: '1' })).toBe(true)
    expect(useColor(pipe, { FORCE_COLOR: '0' })).toBe(false)
  })
})

describe('Progress', () => {
  afterEach(() => void vi.useRealTimers())
  const sink = (isTTY: boolean) => {
    const writes: string[] = []
    return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } }
  }

  it('stays silent off a terminal and on short runs, then rewrites one line', () => {
    vi.useFakeTimers()
    const piped = sink(false)
    const p1 = new Progress(piped.stream, 'planning')
    vi.advanceTimersByTime(5000)
    p1.tick(1, 2)
    p1.clear()
    expect(piped.writes).toEqual([])

    const term = sink(true)
    const p2 = new Progress(term.stream, 'planning')
    p2.tick(1, 100)
    expect(term.writes).toEqual([])
    vi.advanceTimersByTime(1000)
    p2.tick(2, 100)
    p2.tick(3, 100) // throttled: within 100 ms of the last
    expect(term.writes).toEqual([`\r${ESC}Kplanning 2/100`])
    p2.line('retry 1: GET /reports/x')
    expect(term.writes.slice(1)).toEqual([`\r${ESC}K`, 'retry 1: GET /reports/x\n'])
    p2.clear()
    expect(term.writes).toHaveLength(3)
  })
})
