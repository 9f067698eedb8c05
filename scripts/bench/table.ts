import type { Measurement } from './measure.js'

/** One size of reports.yaml: the median run of each client. */
export interface Row {
  size: number
  drifted: number
  runs: number
  action: Measurement
  minimal: Measurement
  /** Absent above --sequential-max: estimated from the largest measured size instead. */
  sequential?: Measurement
}

export interface TableInput {
  command: string
  latencyMs: number
  concurrency: number
  node: string
  /** The bundle measured and its size. */
  bundle: string
  /** Spawn to first request with a one-report file, median of several runs. */
  startupMs: number
  startupRuns: number
  sequentialMax: number
  rows: Row[]
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const n = (x: number) => x.toLocaleString('en')

/** The Markdown for README's "Performance" section, with the command that produced it. */
export function renderTable(t: TableInput): string {
  // A sequential client pays each call in turn, so its time is linear in calls: the largest measured
  // size gives the cost per call for the sizes not run.
  const measured = t.rows.filter((r) => r.sequential).at(-1)
  const perCall = measured && measured.sequential!.wallMs / floor(measured)
  const lines = [
    `\`${t.command}\``,
    '',
    `${t.latencyMs} ms per request, concurrency ${t.concurrency}, half of the reports drifted, apply mode, ` +
      `${t.node}; ${t.bundle}; start-up (spawn to first request, one report, ` +
      `median of ${t.startupRuns}): ${t.startupMs.toFixed(0)} ms.`,
    '',
    '| Reports | Wall time | API calls (floor + extra) | Max in flight | Mean in flight | Connections | Peak RSS (minimal client) | First request | Minimal client | vs minimal | Sequential client | vs sequential |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  let estimated = false
  for (const r of t.rows) {
    const a = r.action
    let seq = 'not run'
    let vsSeq = ''
    if (r.sequential) {
      seq = s(r.sequential.wallMs)
      vsSeq = `${(r.sequential.wallMs / a.wallMs).toFixed(1)}× faster`
    } else if (perCall) {
      estimated = true
      seq = `≈ ${n(Math.round((perCall * floor(r)) / 1000))} s (est.)`
      vsSeq = `≈ ${((perCall * floor(r)) / a.wallMs).toFixed(0)}× faster (est.)`
    }
    const cells = [
      n(r.size),
      s(a.wallMs),
      `${n(a.calls)} (${n(floor(r))} + ${a.calls - floor(r)})`,
      a.maxInFlight,
      a.meanInFlight.toFixed(1),
      a.connections,
      `${(a.maxRssKb / 1024).toFixed(0)} MB (${(r.minimal.maxRssKb / 1024).toFixed(0)} MB)`,
      `${n(Math.round(a.firstRequestMs))} ms`,
      s(r.minimal.wallMs),
      `${(a.wallMs / r.minimal.wallMs).toFixed(2)}×`,
      seq,
      vsSeq,
    ]
    lines.push(`| ${cells.join(' | ')} |`)
  }
  // "3 at 100 and 1,000 reports, 1 at 10,000": the runs behind each row, grouped.
  const groups = new Map<number, number[]>()
  for (const r of t.rows) groups.set(r.runs, [...(groups.get(r.runs) ?? []), r.size])
  const runs = [...groups]
    .map(([k, sizes]) => `${k} at ${sizes.map(n).join(' and ')}${k === t.rows[0]!.runs ? ' reports' : ''}`)
    .join(', ')
  lines.push(
    '',
    `Each row is the median run by wall time (runs per client: ${runs}), action and minimal client`,
    'alternating; the sequential client ran once.',
    'Wall time: from spawning `node dist/index.js` (the action, as the runner starts it) to its exit.',
    'API calls: every request the simulator received; the floor is one token request, one GET per',
    'declared report and one PUT per drifted one; the extra is the listing of undeclared reports.',
    'Mean in flight: request time summed over the window from the first request to the last answer.',
    'Peak RSS: getrusage of the process at exit, the action and, in brackets, the minimal client (what',
    'Node, the same calls and the same reports read from JSON cost with nothing else: a reference).',
    'First request: spawn to the token request reaching the API (start-up, reading and validating',
    'reports.yaml). Minimal client: scripts/bench/minimal.ts, the floor calls only at the same',
    'concurrency over node:http keep-alive, nothing else; the sequential client is the same script at',
    'concurrency 1.',
  )
  if (estimated) {
    lines.push(
      '',
      `(est.): not run, as one call at a time takes minutes above ${n(t.sequentialMax)} reports; the ` +
        `measured ${perCall!.toFixed(1)} ms per call of the ${n(measured!.size)}-report run × the floor's calls.`,
    )
  }
  return lines.join('\n')
}

/** The floor's calls: one token request, one GET per declared report, one PUT per drifted one. */
export function floor(r: Pick<Row, 'size' | 'drifted'>): number {
  return 1 + r.size + r.drifted
}
