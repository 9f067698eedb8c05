import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { builtFresh } from '../scripts/build-stamp.mjs'

const root = path.resolve(import.meta.dirname, '..')

/** Every process on the machine: pid, parent pid and command line (Linux /proc; empty elsewhere). */
function processes(): { pid: number; ppid: number; command: string }[] {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  } catch {
    return []
  }
  return pids.flatMap((pid) => {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()
      // stat: "pid (name) state ppid …"; the name may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      return [{ pid: Number(pid), ppid, command }]
    } catch {
      return [] // gone meanwhile
    }
  })
}

/**
 * Processes this run started and left behind: new since the setup, running something of this
 * repository (the bundle, the CLI, the simulator, the language server), and orphaned (their parent
 * ended), or children of such. A process whose parent is alive (another test run in this worktree)
 * is that parent's business.
 */
function leftBehind(before: Set<number>) {
  const all = processes()
  const alive = new Set(all.map((p) => p.pid))
  const ours = all.filter(
    (p) =>
      !before.has(p.pid) && p.pid !== process.pid && p.command.includes(root) && !/vitest/.test(p.command),
  )
  const left = new Set(ours.filter((p) => p.ppid === 1 || !alive.has(p.ppid)).map((p) => p.pid))
  for (let size = 0; size !== left.size; ) {
    size = left.size
    for (const p of ours) if (left.has(p.ppid)) left.add(p.pid)
  }
  return ours.filter((p) => left.has(p.pid))
}

/**
 * End-to-end tests run the bundle, so build it first: a stale dist/ would test yesterday's code. Built
 * once per change: after `npm run build` with nothing changed since, the build is not repeated.
 * (CI separately checks that the committed dist/ equals a fresh build.)
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (!(await builtFresh()))
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit', cwd: root })
  const before = new Set(processes().map((p) => p.pid))
  // The suite leaves no process behind: a test that forgot a child (a hung run it did not kill, a
  // server it did not close) fails the run here, and the child is ended.
  return async function teardown() {
    let left = leftBehind(before)
    // A child killed as its test ended may take a moment to go.
    for (let i = 0; i < 20 && left.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      left = leftBehind(before)
    }
    if (!left.length) return
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    throw new Error(
      `the tests left ${left.length} process(es) behind (now ended):\n${left.map((p) => `  ${p.pid}: ${p.command}`).join('\n')}`,
    )
  }
}
