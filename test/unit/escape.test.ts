import { describe, expect, it } from 'vitest'
import { cell } from '../../src/report/format.js'
import { logLine } from '../../src/util/log-safe.js'

const INJECTION = 'x\n::stop-commands::pwned\n::error file=reports.yaml,title=Security review::Approved'
/** Whether the runner would read a command from this output: `::` at a line's start, `##[` anywhere. */
const commands = (out: string) => out.split(/\r\n|\r|\n/).filter((l) => /^\s*::|##\[/.test(l))

describe('log lines', () => {
  it.each([
    INJECTION,
    '::error::at the start',
    '  \t::warning::after spaces',
    'a\r::add-mask::x',
    'legacy ##[error]anywhere ##[stop-commands]t',
    'unicode\u2028::error::x\u2029::error::y\u0085::error::z',
  ])('cannot start a workflow command: %j', (text) => {
    const line = logLine(text)
    expect(commands(line)).toEqual([])
    expect(line.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/)).toHaveLength(1)
  })

  it('shows what the data holds and leaves ordinary lines as they are', () => {
    expect(logLine(INJECTION)).toBe(
      'x\\n::stop-commands::pwned\\n::error file=reports.yaml,title=Security review::Approved',
    )
    expect(logLine('\x1b[31mred')).toBe('\\x1b[31mred')
    const plain = 'would-update Backup (c0ffee): kind: "a" → "b"; done'
    expect(logLine(plain)).toBe(plain)
    expect(logLine('a :: b')).toBe('a :: b')
  })
})

describe('Markdown cells', () => {
  it('keep data from becoming a mention, a reference, a link or an image', () => {
    const out = cell('hi @octocat and @acme/team, see #12, ![i](https://e.x/p.png) [x](http://e.x) www.e.x')
    expect(out).not.toMatch(/(^|[^\w])@[a-z0-9]/i)
    expect(out).not.toMatch(/(?<!&)#\d/)
    expect(out).not.toMatch(/\]\(|:\/\/|www\./)
    // Invisible joiners only: the text reads the same.
    expect(out.replace(/\u200d/g, '').replace(/&#93;/g, ']')).toBe(
      'hi @octocat and @acme/team, see #12, ![i](https://e.x/p.png) [x](http://e.x) www.e.x',
    )
  })

  it('leave an email address as it is: GitHub mentions nobody there', () => {
    expect(cell('BOB@EXAMPLE.COM, alice@example.com')).toBe('BOB@EXAMPLE.COM, alice@example.com')
  })

  it('escape HTML, the table pipe and line breaks', () => {
    expect(cell('a|b <script> & c\r\nd\ne')).toBe('a&#124;b &lt;script&gt; &amp; c d e')
    expect(cell('<!-- acronis-report-sync: reports.yaml -->')).not.toContain('<!--')
  })
})
