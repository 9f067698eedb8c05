import * as core from '@actions/core'
import { vi } from 'vitest'

/** What a run printed and how it ended, as a child process's would be read. */
export interface Captured {
  /** The exit code; null when the hang guard stopped waiting for it. */
  code: number | null
  stdout: string
  stderr: string
}

let last: Promise<unknown> = Promise.resolve()

/** One run at a time: each has the process's environment and output to itself. */
function oneAtATime<T>(run: () => Promise<T>): Promise<T> {
  const next = last.then(run, run)
  last = next.catch(() => undefined)
  return next
}

/** Sets process.env to exactly `env`, in place (Node and libraries hold the object); returns the undo. */
function swapEnv(env: Record<string, string>): () => void {
  const saved = { ...process.env }
  const set = (to: Record<string, string | undefined>) => {
    for (const k of Object.keys(process.env)) if (!(k in to)) delete process.env[k]
    for (const [k, v] of Object.entries(to)) if (v !== undefined) process.env[k] = v
  }
  set(env)
  return () => set(saved)
}

type Write = typeof process.stdout.write

/** Collects what is written to `stream` until the returned function is called; it gives the text. */
function capture(stream: NodeJS.WriteStream): () => string {
  const original = stream.write
  let text = ''
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined
    done?.()
    return true
  }) as Write
  return () => {
    stream.write = original
    return text
  }
}

/**
 * Runs `main` as a process of its own would run, in this one: `env` is process.env throughout,
 * what it writes to stdout and stderr is collected, and what it leaves in process.exitCode (where
 * @actions/core's setFailed puts it) is its exit code; a throw is exit code 1, as an uncaught error
 * would be. src/ is loaded afresh for each run, as by a new process, so nothing one run keeps (the
 * secrets it masks) is there for the next. After `timeoutMs` it stops waiting (code null), where a
 * child would have been killed.
 */
export function runInProcess(
  env: Record<string, string>,
  main: () => Promise<unknown>,
  timeoutMs = 100_000,
): Promise<Captured> {
  return oneAtATime(async () => {
    vi.resetModules()
    core.summary.emptyBuffer()
    const restoreEnv = swapEnv(env)
    const stdout = capture(process.stdout)
    const stderr = capture(process.stderr)
    const exitCode = process.exitCode
    process.exitCode = undefined
    let code: number | null = 0
    let timer: NodeJS.Timeout | undefined
    try {
      const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), timeoutMs)))
      if ((await Promise.race([main(), hung])) === 'hung') code = null
    } catch (e) {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`)
      code = 1
    } finally {
      clearTimeout(timer)
      if (code !== null) code = Number(process.exitCode ?? 0)
      process.exitCode = exitCode
      restoreEnv()
    }
    return { code, stdout: stdout(), stderr: stderr() }
  })
}
