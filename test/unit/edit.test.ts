import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { editReports } from '../../src/config/edit.js'
import { parseConfig } from '../../src/config/load.js'
import { plainEntryOffsets } from '../../src/config/parse-entries.js'
import { unifiedDiff } from '../../src/report/diff.js'

const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
const USER_B = '0e4bf6a4-3a5e-4f0e-8b5e-1f2d3c4b5a69'

const FILE = `# yaml-language-server: $schema=./schema/reports.schema.json
version: 1   # the only version
reports:
  - id: ${id(1)}   # first
    name: "Partner usage"
    kind: 'usage_daily'   # kind comment
    level: accounts
    recipients:   # who
      - alice # the controller
      # bob left in May
      - bob
      - ${USER_B}
    enabled: True

  - {"id": "${id(2)}", "kind": "usage_daily", "recipients": ["a@x.com","b"]}
  - id: ${id(3)}
    recipients: [bob]
    show_skus: false
  - id: ${id(4)}
    recipients:
      - carol
# trailing comment
`

/** Lines of `after` that are not lines of `before`, and the other way round: what a reviewer reads. */
function changedLines(before: string, after: string) {
  const a = before.split('\n')
  const b = after.split('\n')
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) }
}

describe('editReports', () => {
  it('leaves the text as it is when there is nothing to change', () => {
    expect(editReports(FILE, [])).toEqual({ text: FILE, edits: [], problems: [] })
  })

  it('changes only the values, keeping quotes, comments, the spaces before them and blank lines', () => {
    const edited = editReports(FILE, [
      { index: 0, scalars: { kind: 'usage_current', enabled: false, level: 'itself' } },
      { index: 1, scalars: { kind: 'usage_summary' } },
      { index: 2, scalars: { show_skus: true } },
    ])
    expect(edited.problems).toEqual([])
    expect(changedLines(FILE, edited.text)).toEqual({
      removed: [
        "    kind: 'usage_daily'   # kind comment",
        '    level: accounts',
        '    enabled: True',
        `  - {"id": "${id(2)}", "kind": "usage_daily", "recipients": ["a@x.com","b"]}`,
        '    show_skus: false',
      ],
      added: [
        "    kind: 'usage_current'   # kind comment",
        '    level: itself',
        '    enabled: False',
        `  - {"id": "${id(2)}", "kind": "usage_summary", "recipients": ["a@x.com","b"]}`,
        '    show_skus: true',
      ],
    })
  })

  it('keeps recipients, removes one with its trailing comment, replaces and appends in the list style', () => {
    const edited = editReports(FILE, [
      { index: 0, recipients: { items: [[], undefined, [USER_B, 'dave']], append: ['erin'] } },
      { index: 1, recipients: { items: [[], undefined], append: ['c@x.com'] } },
      { index: 2, recipients: { items: [undefined], append: ['alice'] } },
      { index: 3, recipients: { items: [[]], append: [] } },
    ])
    expect(edited.text).toBe(
      FILE.replace('      - alice # the controller\n', '')
        .replace(`      - ${USER_B}\n`, `      - ${USER_B}\n      - dave\n      - erin\n`)
        .replace('["a@x.com","b"]', '["b","c@x.com"]')
        .replace('[bob]', '[bob, alice]')
        .replace('    recipients:\n      - carol\n', '    recipients: []\n'),
    )
    const config = parseConfig(edited.text, 'reports.yaml')
    expect(config.reports.map((r) => r.recipients)).toEqual([
      ['bob', USER_B, 'dave', 'erin'],
      ['b', 'c@x.com'],
      ['bob', 'alice'],
      [],
    ])
  })

  it('keeps a flow list flow, with its spacing, and quotes what a flow list cannot hold plain', () => {
    const text = `reports:\n  - id: ${id(1)}\n    recipients: [ bob ]  # c\n  - id: ${id(2)}\n    recipients: []\n`
    const edited = editReports(text, [
      { index: 0, recipients: { items: [undefined], append: ['a]b', 'true'] } },
      { index: 1, recipients: { items: [], append: [USER_B] } },
    ])
    expect(edited.text).toBe(
      `reports:\n  - id: ${id(1)}\n    recipients: [ bob, "a]b", "true" ]  # c\n  - id: ${id(2)}\n    recipients: [${USER_B}]\n`,
    )
    expect(parseConfig(edited.text, 'r.yaml').reports[0]!.recipients).toEqual(['bob', 'a]b', 'true'])
  })

  it('keeps CRLF line endings, on the lines it changes and on those it adds', () => {
    const crlf = FILE.replace(/\n/g, '\r\n')
    const edited = editReports(
      crlf,
      [{ index: 0, scalars: { kind: 'usage_current' }, recipients: { items: [], append: ['zed'] } }],
      [[`- id: ${id(9)}`, '  enabled: false']],
    )
    expect(edited.text.replace(/\r\n/g, '')).not.toContain('\n')
    expect(edited.text).toContain(`      - ${USER_B}\r\n      - zed\r\n`)
    expect(edited.text).toContain(`  - id: ${id(9)}\r\n    enabled: false\r\n# trailing comment\r\n`)
    expect(edited.text.replace(/\r\n/g, '\n')).toBe(
      editReports(
        FILE,
        [{ index: 0, scalars: { kind: 'usage_current' }, recipients: { items: [], append: ['zed'] } }],
        [[`- id: ${id(9)}`, '  enabled: false']],
      ).text,
    )
  })

  it("appends entries after the last one in the file's indentation, or under `reports: []`", () => {
    const entry = ['# read-only: schedule monthly', `- id: ${id(9)}`, '  recipients:', '    - alice']
    const flat = `reports:\n- id: ${id(1)}\n  kind: usage_daily\n\n- id: ${id(2)}\n  kind: usage_daily\n\n# the end\n`
    expect(editReports(flat, [], [entry]).text).toBe(
      `reports:\n- id: ${id(1)}\n  kind: usage_daily\n\n- id: ${id(2)}\n  kind: usage_daily\n\n# read-only: schedule monthly\n- id: ${id(9)}\n  recipients:\n    - alice\n\n# the end\n`,
    )
    const empty = `version: 1\nreports: []   # none yet\n`
    expect(editReports(empty, [], [entry]).text).toBe(
      `version: 1\nreports:   # none yet\n\n  # read-only: schedule monthly\n  - id: ${id(9)}\n    recipients:\n      - alice\n`,
    )
    const flow = `reports: [{id: ${id(1)}}]\n`
    expect(editReports(flow, [], [entry]).problems).toEqual([
      { index: -1, field: 'reports', message: expect.stringContaining('flow list') },
    ])
  })

  it('edits a plain file an entry at a time, and any other whole, to the same text', () => {
    expect(plainEntryOffsets(FILE)).toHaveLength(4)
    const directive = '%YAML 1.2\n---\n'
    expect(plainEntryOffsets(directive + FILE)).toBeUndefined()
    const edits = [
      { index: 0, scalars: { kind: 'usage_current' }, recipients: { items: [[], undefined], append: ['x'] } },
      { index: 1, scalars: { kind: 'usage_summary' }, recipients: { items: [undefined, []], append: [] } },
      { index: 3, recipients: { items: [['y', 'z']], append: [] } },
    ]
    const entry = [[`- id: ${id(8)}`, '  enabled: true']]
    const byEntry = editReports(FILE, edits, entry)
    const whole = editReports(directive + FILE, edits, entry)
    expect(whole.text).toBe(directive + byEntry.text)
    expect(byEntry.problems).toEqual([])
  })

  it('keeps a file without a final line break without one', () => {
    const text = `reports:\n  - id: ${id(1)}\n    recipients:\n      - bob`
    expect(editReports(text, [{ index: 0, recipients: { items: [undefined], append: ['amy'] } }]).text).toBe(
      `${text}\n      - amy`,
    )
  })

  it('refuses to change an anchored value another entry may use, and changes an alias in place', () => {
    const text = `reports:\n  - id: ${id(1)}\n    kind: &k usage_daily\n  - id: ${id(2)}\n    kind: *k\n`
    const edited = editReports(text, [
      { index: 0, scalars: { kind: 'usage_current' } },
      { index: 1, scalars: { kind: 'usage_summary' } },
    ])
    expect(edited.problems).toEqual([{ index: 0, field: 'kind', message: 'the value carries the anchor &k' }])
    expect(edited.text).toBe(text.replace('*k', 'usage_summary'))
  })
})

describe('unifiedDiff', () => {
  const edited = editReports(FILE, [
    { index: 0, scalars: { kind: 'usage_current' }, recipients: { items: [[]], append: [] } },
    { index: 3, recipients: { items: [undefined], append: ['dan'] } },
  ])

  it('shows the changed lines with three lines of context, as diff -u does', () => {
    expect(unifiedDiff('reports.yaml', FILE, edited.edits)).toBe(
      [
        '--- a/reports.yaml',
        '+++ b/reports.yaml',
        '@@ -3,10 +3,9 @@',
        ' reports:',
        `   - id: ${id(1)}   # first`,
        '     name: "Partner usage"',
        "-    kind: 'usage_daily'   # kind comment",
        "+    kind: 'usage_current'   # kind comment",
        '     level: accounts',
        '     recipients:   # who',
        '-      - alice # the controller',
        '       # bob left in May',
        '       - bob',
        `       - ${USER_B}`,
        '@@ -19,4 +18,5 @@',
        `   - id: ${id(4)}`,
        '     recipients:',
        '       - carol',
        '+      - dan',
        ' # trailing comment',
        '',
      ].join('\n'),
    )
    expect(unifiedDiff('reports.yaml', FILE, [])).toBe('')
  })

  it('is a patch that turns the file into the edited one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ars-diff-'))
    for (const [text, name] of [
      [FILE, 'lf'],
      [FILE.replace(/\n/g, '\r\n'), 'crlf'],
      [FILE.trimEnd(), 'open'],
    ] as const) {
      const again = editReports(
        text,
        [
          { index: 0, scalars: { enabled: false }, recipients: { items: [], append: ['x'] } },
          { index: 3, recipients: { items: [['y', 'z']], append: [] } },
        ],
        [[`- id: ${id(7)}`]],
      )
      const file = path.join(dir, `${name}.yaml`)
      writeFileSync(file, text)
      writeFileSync(`${file}.patch`, unifiedDiff(`${name}.yaml`, text, again.edits))
      execFileSync('git', ['apply', '--unidiff-zero', `${name}.yaml.patch`], { cwd: dir })
      expect(readFileSync(file, 'utf8'), name).toBe(again.text)
    }
  })
})
