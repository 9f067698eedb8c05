import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from './harness.js'

const root = path.resolve(import.meta.dirname, '../..')
const running: ChildProcessWithoutNullStreams[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(killed))
})

/**
 * Ends the simulator and everything it started: tsx runs the script in a child process of its own, so
 * killing the wrapper alone leaves the simulator holding its port after the tests.
 */
function killed(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    process.kill(-child.pid!, 'SIGKILL')
  } catch {
    // The group is gone already.
  }
  return exited
}

/** `npm run simulator -- …` as a newcomer starts it; resolves with what it printed once it is ready. */
async function simulator(
  ...args: string[]
): Promise<{ child: ChildProcessWithoutNullStreams; printed: string }> {
  const child = start(args.includes('--port') ? args : ['--port', '0', ...args])
  let printed = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      printed += c.toString()
      if (printed.includes('Ctrl-C stops it.')) resolve()
    })
    child.stderr.on('data', (c: Buffer) => (printed += c.toString()))
    child.on('exit', (code) => reject(new Error(`the simulator exited (${code}): ${printed}`)))
  })
  return { child, printed }
}

/** The simulator's script under tsx, in a process group of its own so that a test can end all of it. */
function start(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['test/simulator/main.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    detached: true,
  })
  running.push(child)
  return child
}

/** The `export A=1 B=2` line, as a shell would read it. */
function exported(printed: string): Record<string, string> {
  const line = printed.split('\n').find((l) => l.trim().startsWith('export ACRONIS_BASE_URL='))!
  return Object.fromEntries(
    line
      .trim()
      .slice('export '.length)
      .split(' ')
      .map((kv) => kv.split('=') as [string, string]),
  )
}

const stopped = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => {
    child.on('exit', resolve)
    child.kill('SIGTERM')
  })

describe('npm run simulator', () => {
  it('prints the lines to paste, and with --state keeps what apply wrote across a restart', async () => {
    const state = path.join(await mkdtemp(path.join(tmpdir(), 'ars-sim-')), 'state.json')
    const first = await simulator('--state', state)
    expect(first.printed).toContain(`state written to ${state}`)
    expect(first.printed).toContain('npx acronis-report-sync export -o .tmp/reports.yaml')
    const env = exported(first.printed)
    expect(Object.keys(env)).toEqual(['ACRONIS_BASE_URL', 'ACRONIS_CLIENT_ID', 'ACRONIS_CLIENT_SECRET'])

    // As the printed next steps say: export, edit, apply.
    const exportRun = await runCli(['export', '-o', 'reports.yaml'], { env })
    expect(exportRun.code, exportRun.stderr).toBe(0)
    const file = path.join(exportRun.cwd, 'reports.yaml')
    const text = await readFile(file, 'utf8')
    const edited = text.replace(/kind: usage_summary/, 'kind: usage_breakdown')
    expect(edited).not.toBe(text)
    await writeFile(file, edited)
    const applied = await runCli(['apply'], { env, cwd: exportRun.cwd })
    expect(applied.code, applied.stderr).toBe(0)
    expect(applied.stdout).toContain('Apply: 1 updated')
    expect(await stopped(first.child)).toBe(0)

    // Restarted on the same state: the same credentials work, and the update is still there.
    const second = await simulator('--state', state)
    expect(second.printed).toContain(`state read from ${state}`)
    const again = exported(second.printed)
    expect(again.ACRONIS_CLIENT_ID).toBe(env.ACRONIS_CLIENT_ID)
    const plan = await runCli(['plan', '--detailed-exitcode'], { env: again, cwd: exportRun.cwd })
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    expect(plan.stdout).toContain('Plan: 0 to update')
  })

  it('a port in use: one line saying so and how to pick another, exit 1; ending it frees its port', async () => {
    const first = await simulator()
    const url = new URL(exported(first.printed).ACRONIS_BASE_URL!)
    const second = start(['--port', url.port])
    let stderr = ''
    second.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve))
    expect(code).toBe(1)
    expect(stderr).toBe(
      `simulator: port ${url.port} on 127.0.0.1 is in use; pick another with --port N, or --port 0 for any free port\n`,
    )

    // What the tests do after each: nothing is left listening on the port (the kernel may take a moment
    // to close the socket of a killed process: asked again a bounded number of times).
    await killed(first.child)
    const attempt = () =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(url.port), '127.0.0.1')
        socket.on('connect', () => {
          socket.destroy()
          resolve('connected')
        })
        socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
      })
    let refused = await attempt()
    for (let i = 0; i < 50 && refused === 'connected'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      refused = await attempt()
    }
    expect(refused).toBe('ECONNREFUSED')
  })
})
