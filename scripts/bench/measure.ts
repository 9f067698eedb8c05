import { spawn } from 'node:child_process'
import { existsSync, openSync, closeSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Simulator } from '../../test/simulator/index.js'

const root = path.resolve(import.meta.dirname, '../..')
const USAGE_HOOK = path.join(import.meta.dirname, 'usage.mjs')

/** Node 24 from npm, as `runs.using: node24` gives the action on a runner; this machine's node otherwise. */
export const NODE24 = path.join(root, 'node_modules/.bin/node')
export const defaultNode = () => (existsSync(NODE24) ? NODE24 : process.execPath)

/** One measured process: its own accounting, and what the simulator saw of it. */
export interface Measurement {
  code: number | null
  /** From spawn() to the process's exit: what a workflow step pays. */
  wallMs: number
  /** From spawn() to the first request reaching the simulator: start-up, config read and parse included. */
  firstRequestMs: number
  /** From the first request's arrival to the last answer. */
  apiMs: number
  calls: number
  byMethod: Record<string, number>
  maxInFlight: number
  /** Busy request-time over the API window: how close to the limit the client kept the pipe. */
  meanInFlight: number
  connections: number
  maxRssKb: number
  cpuMs: number
  stdoutFile: string
}

/**
 * Runs `args` under `node`, with stdout and stderr going to files rather than through this process:
 * the simulator lives here and should spend its core serving requests, not copying logs.
 */
export async function measure(
  sim: Simulator,
  node: string,
  args: string[],
  o: {
    cwd: string
    env: Record<string, string>
    label: string
    timeoutMs?: number
    /** Exit codes that are a result, not a broken run (the action's 1 when some report failed). */
    codes?: number[]
  },
): Promise<Measurement> {
  const usageFile = path.join(o.cwd, `${o.label}.usage.json`)
  const stdoutFile = path.join(o.cwd, `${o.label}.stdout`)
  const stderrFile = path.join(o.cwd, `${o.label}.stderr`)
  await rm(usageFile, { force: true })
  const out = openSync(stdoutFile, 'w')
  const err = openSync(stderrFile, 'w')
  sim.clearLog()
  const started = performance.now()
  const child = spawn(node, ['--import', USAGE_HOOK, ...args], {
    cwd: o.cwd,
    env: { ...o.env, BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', out, err],
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30 * 60_000)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (c) => resolve(c))
  })
  const wallMs = performance.now() - started
  clearTimeout(timer)
  closeSync(out)
  closeSync(err)
  if (code === null || !(o.codes ?? [0]).includes(code)) {
    const tail =
      (await readFile(stderrFile, 'utf8')).slice(-2000) || (await readFile(stdoutFile, 'utf8')).slice(-2000)
    throw new Error(`${o.label} exited with ${code}:\n${tail}`)
  }
  const usage = JSON.parse(await readFile(usageFile, 'utf8')) as {
    maxRssKb: number
    userMs: number
    systemMs: number
  }

  const log = sim.requests
  const first = Math.min(...log.map((r) => r.startedAt))
  const last = Math.max(...log.map((r) => r.endedAt ?? r.startedAt))
  const busy = log.reduce((sum, r) => sum + ((r.endedAt ?? r.startedAt) - r.startedAt), 0)
  const byMethod: Record<string, number> = {}
  for (const r of log) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1
  return {
    code,
    wallMs,
    firstRequestMs: first - started,
    apiMs: last - first,
    calls: log.length,
    byMethod,
    maxInFlight: sim.maxInFlight,
    meanInFlight: busy / (last - first),
    connections: sim.connections,
    maxRssKb: usage.maxRssKb,
    cpuMs: usage.userMs + usage.systemMs,
    stdoutFile,
  }
}
