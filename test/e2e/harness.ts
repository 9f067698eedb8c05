import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { runInProcess } from './in-process.js'

const root = path.resolve(import.meta.dirname, '../..')
export const DIST = path.join(root, 'dist/index.js')
export const CLI = path.join(root, 'dist/cli.js')

/**
 * The Node versions the bundle must run on: the machine's own (20 here) and the runners' (24, from npm).
 * `npm test` puts node_modules/.bin first on PATH, so vitest itself may run on either: look for both.
 */
function findNodes(): { name: string; bin: string }[] {
  const candidates = [
    process.execPath,
    path.join(root, 'node_modules/.bin/node'),
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((dir) => dir && !dir.includes('node_modules'))
      .map((dir) => path.join(dir, 'node')),
  ].filter((bin) => existsSync(bin))
  const byMajor = new Map<string, string>()
  for (const bin of candidates) {
    const major = execFileSync(bin, ['-p', 'process.versions.node.split(".")[0]'], {
      encoding: 'utf8',
    }).trim()
    if (!byMajor.has(major)) byMajor.set(major, bin)
  }
  return [...byMajor]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([major, bin]) => ({ name: `node ${major}`, bin }))
}
export const NODES = findNodes()

/**
 * The runners' Node alone (action.yml's `using: node24`): the bundle, for a scenario that needs a
 * process of its own (a Node option read at start-up such as NODE_EXTRA_CA_CERTS, a run to kill).
 */
export const RUNNER_NODE = [runnerNode()]

function runnerNode(): { name: string; bin: string } {
  const using = /^\s*using:\s*node(\d+)\s*$/m.exec(readFileSync(path.join(root, 'action.yml'), 'utf8'))?.[1]
  return NODES.find((n) => n.name === `node ${using}`) ?? NODES.at(-1)!
}

/**
 * src/main.ts's run() in the test's own process, given a fake runner environment (inputs, summary
 * and output files, as typescript-action's __fixtures__ do): where most scenarios run. Its `bin` is
 * no Node binary, so `runAction({ node: bin })` and `runCli(args, { node: bin })` run in process.
 */
export const IN_PROCESS = [{ name: 'in process', bin: undefined }]

/** Input defaults from action.yml, as the runner fills them in. */
const defaults: Record<string, string> = Object.fromEntries(
  Object.entries(
    (
      parse(await readFile(path.join(root, 'action.yml'), 'utf8')) as {
        inputs: Record<string, { default?: string }>
      }
    ).inputs,
  ).map(([k, v]) => [k, String(v.default ?? '').replace('${{ github.token }}', '')]),
)

export interface RunOptions {
  /** The Node binary that runs the bundle, dist/index.js; without one, src/main.ts runs in this process. */
  node?: string | undefined
  inputs?: Record<string, string>
  /** reports.yaml text (or bytes), written to the workspace as the `config` input names it (or at configFile). */
  config?: string | Uint8Array
  configFile?: string
  /** Runs before the action, given the workspace: for files a test lays out itself (links, FIFOs). */
  prepare?: (workspace: string) => Promise<void>
  env?: Record<string, string>
  /** Event payload written to GITHUB_EVENT_PATH. */
  event?: unknown
  eventName?: string
  timeoutMs?: number
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  summary: string
  outputs: Record<string, string>
  /** `::error file=…,line=…::message` workflow commands, parsed. */
  annotations: { level: string; props: Record<string, string>; message: string }[]
  workspace: string
  ms: number
}

/**
 * @actions/core finds the summary file once per process and keeps it: the runs in this process share
 * one, emptied before each.
 */
const IN_PROCESS_SUMMARY = path.join(tmpdir(), `ars-in-process-${process.pid}-summary.md`)

/**
 * Runs the action the way the runner does: INPUT_* variables, summary and output files, exit code.
 * With `node`, the bundle (dist/index.js) in a process of its own; without, src/main.ts in this one.
 */
export async function runAction(o: RunOptions = {}): Promise<RunResult> {
  const workspace = await mkdtemp(path.join(tmpdir(), 'ars-e2e-'))
  const summaryFile = o.node ? path.join(workspace, 'summary.md') : IN_PROCESS_SUMMARY
  const outputFile = path.join(workspace, 'output.txt')
  await writeFile(summaryFile, '')
  await writeFile(outputFile, '')
  const inputs = { ...defaults, ...o.inputs }
  if (o.config !== undefined) {
    const file = path.join(workspace, o.configFile ?? (inputs.config || 'reports.yaml'))
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, o.config)
  }
  await o.prepare?.(workspace)
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_EVENT_NAME: o.eventName ?? 'push',
    GITHUB_REPOSITORY: 'acme/billing',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...o.env,
  }
  if (o.event !== undefined) {
    env.GITHUB_EVENT_PATH = path.join(workspace, 'event.json')
    await writeFile(env.GITHUB_EVENT_PATH, JSON.stringify(o.event))
  }
  const started = performance.now()
  const { code, stdout, stderr } = o.node
    ? await spawnNode(o.node, [DIST], { cwd: workspace, env, timeoutMs: o.timeoutMs })
    : await runInProcess(env, async () => (await import('../../src/main.js')).run(process.env), o.timeoutMs)
  return {
    code,
    stdout,
    stderr,
    summary: await readFile(summaryFile, 'utf8'),
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    annotations: parseAnnotations(stdout),
    workspace,
    ms: performance.now() - started,
  }
}

/**
 * Runs a command in a process group of its own and collects what it printed and its exit code; on the
 * hang guard the whole group is killed, so a tool that starts tools of its own (npm, npx, tsx) leaves
 * nothing behind.
 */
export async function runCommand(
  command: string,
  args: string[],
  o: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd: o.cwd, env: o.env, detached: true })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // Gone already.
    }
  }, o.timeoutMs ?? 120_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}

/** Runs a script under `node` and collects what it printed and its exit code. */
async function spawnNode(
  node: string,
  args: string[],
  o: { cwd: string; env: Record<string, string>; timeoutMs?: number | undefined },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(node, args, { cwd: o.cwd, env: o.env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 100_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}

/** What a run of dist/cli.js printed and returned, and where it ran. */
export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  cwd: string
}

/**
 * Runs the command line as a person would: a working directory, environment variables, a pipe for
 * output. With `node`, the bundle (dist/cli.js) in a process of its own; without, src/cli's main() in
 * this one, given the same.
 */
export async function runCli(
  args: string[],
  o: {
    env?: Record<string, string>
    files?: Record<string, string>
    cwd?: string
    node?: string | undefined
  } = {},
): Promise<CliRun> {
  const cwd = o.cwd ?? (await mkdtemp(path.join(tmpdir(), 'ars-cli-')))
  for (const [name, text] of Object.entries(o.files ?? {})) await writeFile(path.join(cwd, name), text)
  // Only what the test gives: no ACRONIS_*, NO_COLOR or FORCE_COLOR leaks in from the machine running it.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...o.env }
  if (o.node) return { ...(await spawnNode(o.node, [CLI, ...args], { cwd, env })), cwd }
  const run = await runInProcess(env, async () => {
    const { main } = await import('../../src/cli/program.js')
    // Pipes, as spawnNode gives the bundle: no isTTY.
    const stdout = { write: (text: string) => process.stdout.write(text) }
    const stderr = { write: (text: string) => process.stderr.write(text) }
    process.exitCode = await main(args, { env: process.env, cwd, stdout, stderr })
  })
  return { ...run, cwd }
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!
  return out
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProp = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')

export function parseAnnotations(stdout: string): RunResult['annotations'] {
  const out: RunResult['annotations'] = []
  for (const m of stdout.matchAll(/^::(error|warning|notice)( [^:]*)?::(.*)$/gm)) {
    const props = Object.fromEntries(
      (m[2] ?? '')
        .trim()
        .split(',')
        .filter(Boolean)
        .map((p) => {
          const i = p.indexOf('=')
          return [p.slice(0, i), unescapeProp(p.slice(i + 1))]
        }),
    )
    out.push({ level: m[1]!, props, message: unescapeData(m[3]!) })
  }
  return out
}

/** The line that registers a secret with the runner; the runner shows it to nobody. */
export const MASK = '::add-mask::'

/** Everything a person or another tool can read after a run (and `more`, comment bodies say), but the mask commands. */
export function printed(r: RunResult, ...more: string[]): string[] {
  const stdout = r.stdout
    .split('\n')
    .filter((l) => !l.startsWith(MASK))
    .join('\n')
  return [stdout, r.stderr, r.summary, JSON.stringify(r.outputs), ...more]
}
