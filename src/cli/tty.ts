import { printable } from '../util/log-safe.js'
import type { Redactor } from '../util/redact.js'

/** A stream as the CLI needs it: Node's process.stdout and stderr, or a test's stand-in. */
interface Output {
  write(text: string): unknown
  isTTY?: boolean
  /** A terminal's width in cells (Node sets it on a TTY stream). */
  columns?: number
}

/** What a run of the command line may touch: passed in, so tests can run it in-process too. */
export interface Cli {
  env: NodeJS.ProcessEnv
  cwd: string
  stdout: Output
  stderr: Output
  program: string
  version: string
  /** The run's secrets (ACRONIS_CLIENT_SECRET, ACRONIS_TOKEN, a password in --base-url, each token). */
  secrets: Redactor
}

/**
 * Text with data from outside, for a terminal: every secret scrubbed, and each line's control
 * characters escaped (`\x1b`, never raw), so an API's answer cannot move the cursor, retitle the
 * window or paint a line of its own. Our own colours are added after, never passed through this.
 */
export function forTerminal(text: string, secrets: Redactor): string {
  return secrets
    .redact(text)
    .split('\n')
    .map((line) => printable(line))
    .join('\n')
}

/**
 * Colour only for a person at a terminal: never when piped, never with NO_COLOR (no-color.org: set
 * and not empty). FORCE_COLOR, the common override, turns it on for a pipe, e.g. `| less -R`.
 */
export function useColor(stream: Output, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false
  if (env.FORCE_COLOR !== undefined && !['0', 'false', ''].includes(env.FORCE_COLOR)) return true
  return stream.isTTY === true && env.TERM !== 'dumb'
}

/**
 * The cells a line may take: COLUMNS when set (a person asking for a width), else the terminal's own
 * width; undefined for a pipe or a file, which keep every value whole.
 */
export function lineWidth(stream: Output, env: NodeJS.ProcessEnv): number | undefined {
  const asked = Number(env.COLUMNS)
  if (env.COLUMNS && Number.isInteger(asked) && asked > 0) return asked
  return stream.isTTY && stream.columns ? stream.columns : undefined
}

/** Waits this long before showing progress, so short runs print nothing that flickers. */
const QUIET_MS = 400
const EVERY_MS = 100

/**
 * One line on stderr, rewritten in place ("planning 120/2000"), only on a terminal: a log file or
 * a pipe gets no carriage returns. Lines printed meanwhile (retries, warnings) go above it.
 */
export class Progress {
  private readonly started = Date.now()
  private last = 0
  private shown = false

  constructor(
    private readonly stream: Output,
    private readonly label: string,
  ) {}

  tick(done: number, total: number): void {
    if (!this.stream.isTTY) return
    const now = Date.now()
    if (now - this.started < QUIET_MS || now - this.last < EVERY_MS) return
    this.last = now
    this.shown = true
    this.stream.write(`\r\x1b[K${this.label} ${done}/${total}`)
  }

  /** Prints a whole line without leaving the progress line torn. */
  line(text: string): void {
    this.clear()
    this.stream.write(text + '\n')
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K')
    this.shown = false
  }
}
