/** Renders the benchmark results as the Markdown report written to bench/results/latest.md. */
import type { AttackRow } from '../attack'
import type { ClusterResult } from '../cluster'
import type { ResumeResult } from '../resume'
import type { WhiteboardResult } from '../whiteboard'
import type { JoinRow } from '../join'
import type { MemoryRow } from '../memory'
import type { RelayOptions, RelayRow } from '../relay'
import { fmt, ratio } from './stats'

export interface CallSetupRow {
  peers: number
  runs: number[]
  median: number
  max: number
  /** The mesh floor for as many pages: the raw relay, no app logic (absent in results from before it existed). */
  floor?: { runs: number[]; median: number; max: number }
  /** Median ms from `room:join` until every page that did so reached each milestone. */
  phases: Record<string, number>
}

export interface CallSetupResult {
  loopback: { runs: number[]; median: number; max: number }
  rows: CallSetupRow[]
  definition: string
  /** Setups that did not complete in time (each was retried). */
  failures: string[]
}

export interface MeshRow {
  peers: number
  seconds: number
  /** CPU of the whole browser (all processes), in cores. */
  browserCores: number
  fpsPerRemote: number
  outboundKbpsPerSender: number
  frameWidth: number
  frameHeight: number
  qualityLimitation: Record<string, number>
}

export interface BundleResult {
  /** JS loaded at startup by index.html (what a browser guest downloads before the lobby shows). */
  entryJsGzip: number
  entryJsRaw: number
  /** All JS chunks, including lazy ones (e.g. the Electron-only host panel). */
  jsGzip: number
  cssGzip: number
  jsRaw: number
  cssRaw: number
  floorJsGzip: number
  floorJsRaw: number
  files: { file: string; raw: number; gzip: number }[]
}

export interface ImprovementRow {
  change: string
  measure: string
  before: number
  after: number
  lowerIsBetter: boolean
}

export interface Results {
  mode: 'quick' | 'full'
  startedAt: string
  finishedAt: string
  machine: {
    cpu: string
    memoryGiB: number
    node: string
    platform: string
    loadBefore: number[]
    loadAfter: number[]
  }
  relayOptions?: RelayOptions & { rounds: number }
  relay: (RelayRow & { rounds: number[] })[]
  join: JoinRow[]
  memory: MemoryRow[]
  call?: CallSetupResult
  mesh?: MeshRow[]
  bundle?: BundleResult
  improvements?: { baseline: string; rows: ImprovementRow[] }
  attack?: AttackRow[]
  cluster?: ClusterResult
  resume?: ResumeResult
  whiteboard?: WhiteboardResult
  notes?: string[]
}

const x = (value: number): string => (Number.isFinite(value) ? `${fmt(value, 2)}×` : '—')
const kb = (bytes: number): string => fmt(bytes / 1024, 1)
const table = (head: string[], rows: string[][]): string =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`)
  ].join('\n')

function bestRate(row: RelayRow): number {
  return Math.max(row.saturated.perSecond, row.twoGenerators?.perSecond ?? 0)
}

/**
 * Server CPU per delivered message (µs) under the fixed load, the same offered rate for every server. Unlike
 * msg/s at saturation (where the generator and the server each hold one of this machine's two cores), this
 * isolates the server's own cost and hardly moves when other processes take CPU.
 */
export function cpuPerMessage(row: RelayRow): number {
  return (row.fixedServerCores / row.fixed.perSecond) * 1e6
}

interface Target {
  name: string
  goal: string
  measured: string
  pass: boolean | undefined
}

function targets(results: Results): Target[] {
  const list: Target[] = []
  const relay = (label: string, size: string) =>
    results.relay.find((r) => r.label === label && r.size === size)
  for (const size of ['candidate', 'sdp']) {
    const moim = relay('Moim (default limits)', size)
    const ws = relay('raw ws relay', size)
    const tutorial = relay('tutorial Socket.IO', size)
    if (moim && ws) {
      const value = ratio(bestRate(moim), bestRate(ws))
      list.push({
        name: `Relay throughput vs raw ws (${size})`,
        goal: '≥ 0.80×',
        measured: x(value),
        pass: value >= 0.8
      })
    }
    if (moim && tutorial) {
      const value = ratio(bestRate(moim), bestRate(tutorial))
      list.push({
        name: `Relay throughput vs tutorial (${size})`,
        goal: '≥ 1.00×',
        measured: x(value),
        pass: value >= 1
      })
    }
    if (moim && ws && tutorial) {
      // Not a target of the issue: the same comparison in CPU per message, which the shared machine disturbs less.
      const value = ratio(cpuPerMessage(ws), cpuPerMessage(moim))
      const tut = ratio(cpuPerMessage(tutorial), cpuPerMessage(moim))
      list.push({
        name: `(check) relay efficiency, CPU/msg: ws÷Moim, tutorial÷Moim (${size})`,
        goal: '≥ 0.80×, ≥ 1.00×',
        measured: `${x(value)}, ${x(tut)}`,
        pass: undefined
      })
    }
    // Issue #9: validation on and the same per-socket limits as the other servers (none).
    const validated = relay('Moim (limits raised)', size)
    if (validated && tutorial) {
      const rate = ratio(bestRate(validated), bestRate(tutorial))
      const cpu = ratio(cpuPerMessage(tutorial), cpuPerMessage(validated))
      list.push({
        name: `Relay vs tutorial, validation on, limits raised: throughput, CPU/msg tutorial÷Moim (${size})`,
        goal: '≥ 1.00×, ≥ 1.00×',
        measured: `${x(rate)}, ${x(cpu)}`,
        pass: rate >= 1 && cpu >= 1
      })
    }
    if (moim?.half.latency) {
      const p99 = moim.half.latency.p99
      list.push({
        name: `Relay p99 at half load (${size})`,
        goal: '≤ 2 ms',
        measured: `${fmt(p99, 2)} ms`,
        pass: p99 <= 2
      })
    }
  }
  if (results.call) {
    const two = results.call.rows.find((r) => r.peers === 2)
    if (two) {
      const value = ratio(two.median, results.call.loopback.median)
      list.push({
        name: 'Call setup, 2 peers, vs loopback floor',
        goal: '≤ 1.60×',
        measured: x(value),
        pass: value <= 1.6
      })
    }
  }
  const memory = results.memory.find((r) => r.label === 'Moim (connected)')
  if (memory) {
    const step = memory.steps.at(-1)!
    list.push({
      name: `Heap per idle client (${step.clients} clients)`,
      goal: '≤ 12 KB',
      measured: `${kb(step.heapPerClient)} KB`,
      pass: step.heapPerClient <= 12 * 1024
    })
  }
  if (results.cluster) {
    const { relay } = results.cluster
    for (const size of ['candidate', 'sdp']) {
      const single = relay.find((r) => r.size === size && r.label === 'one server')
      const apart = relay.find((r) => r.size === size && r.label !== 'one server')
      if (single === undefined || apart === undefined) continue
      const value = ratio(apart.saturated.perSecond, single.saturated.perSecond)
      list.push({
        name: `Cluster relay, peers on two nodes vs one server (${size})`,
        goal: '≥ 0.50×',
        measured: x(value),
        pass: value >= 0.5
      })
    }
  }
  if (results.resume) {
    const worst = Math.max(...results.resume.rows.map((row) => row.resumed.p95))
    list.push({
      name: 'Reconnect to resumed, p95 (worst row)',
      goal: '≤ 1 s',
      measured: `${fmt(worst, 1)} ms`,
      pass: worst <= 1_000
    })
  }
  if (results.whiteboard) {
    const w = results.whiteboard
    const extra = w.lateJoinMs.big.p50 - w.lateJoinMs.empty.p50
    const wire = w.wire.perStroke / w.wire.wholeBoard
    list.push(
      {
        name: 'Whiteboard stroke propagation, p50',
        goal: '≤ 50 ms',
        measured: `${fmt(w.propagationMs.p50, 1)} ms`,
        pass: w.propagationMs.p50 <= 50
      },
      {
        name: `Whiteboard late join, ${w.options.bigBoard} strokes minus empty board, p50`,
        goal: '≤ 500 ms',
        measured: `${fmt(extra, 0)} ms`,
        pass: extra <= 500
      },
      {
        name: `Whiteboard wire per stroke vs the whole board per change, at ${w.wire.strokes} strokes`,
        goal: '≤ 1/50',
        measured: `1/${fmt(1 / wire, 0)}`,
        pass: wire <= 1 / 50
      },
      {
        // 60 Hz frames are 16.67 ms apart, give or take the vsync's jitter; a missed frame makes 33 ms.
        name: `Whiteboard frame interval while drawing on ${w.options.bigBoard} strokes, p95`,
        goal: '≤ 16.7 ms (under 17 ms: vsync jitter)',
        measured: `${fmt(w.frameMs.p95, 1)} ms`,
        pass: w.frameMs.p95 < 17
      }
    )
  }
  if (results.bundle) {
    list.push({
      name: 'Renderer JS loaded at startup, gzipped',
      goal: '≤ 45 KB',
      measured: `${kb(results.bundle.entryJsGzip)} KB`,
      pass: results.bundle.entryJsGzip <= 45 * 1024
    })
    list.push({
      name: 'Renderer JS, all chunks (incl. lazy host UI), gzipped',
      goal: '≤ 45 KB',
      measured: `${kb(results.bundle.jsGzip)} KB`,
      pass: results.bundle.jsGzip <= 45 * 1024
    })
  }
  return list
}

export function renderReport(results: Results): string {
  const out: string[] = []
  const m = results.machine
  out.push(`# Moim benchmarks (${results.mode} run)`)
  out.push('')
  out.push(
    `Run ${results.startedAt} → ${results.finishedAt} on ${m.cpu}, ${fmt(m.memoryGiB, 0)} GiB, ${m.platform}, Node ${m.node}. ` +
      `Load average before ${m.loadBefore.map((l) => fmt(l, 2)).join('/')}, after ${m.loadAfter.map((l) => fmt(l, 2)).join('/')} ` +
      '(the machine is shared: compare ratios, which are measured in the same run, rather than absolute figures).'
  )
  out.push('')
  out.push(
    'Every Moim server here runs with its per-address caps (connections, joins), its room cap and its ' +
      'per-connection abuse limits (bytes sent, rate-limited answers) raised, because the load generators open ' +
      'thousands of connections from one loopback address on purpose (`BENCH_LIMITS` in ' +
      '`bench/servers/server-child.ts`); the per-socket rate limits stay at their defaults unless a row says ' +
      '"limits raised". Section 8 measures the limits themselves and runs with the defaults.'
  )
  out.push('')
  const list = targets(results)
  if (list.length > 0) {
    out.push('## Targets')
    out.push('')
    out.push(
      table(
        ['Target', 'Goal', 'Measured', 'Result'],
        list.map((t) => [
          t.name,
          t.goal,
          t.measured,
          t.pass === undefined ? '—' : t.pass ? 'pass' : '**miss**'
        ])
      )
    )
    out.push('')
  }

  if (results.relay.length > 0) {
    const o = results.relayOptions!
    out.push('## 1. Relay: `signal` between pairs of peers')
    out.push('')
    out.push(
      `${o.pairs} pairs, each pair alone in a room; saturation is a closed loop with ${o.window} messages in flight per ` +
        `pair, ${o.durationMs / 1000} s measured after ${o.warmupMs / 1000} s warm-up; half load is an open loop at half ` +
        `the best saturation rate (1 ms ticks, round-robin over the pairs); unloaded is one message in flight on one ` +
        `pair (${o.unloadedCount} messages); fixed load is the same open loop at ${o.fixedRate.candidate} candidates/s or ${o.fixedRate.sdp} SDPs/s for every server, where server CPU per message is measured (each server keeps its lowest-CPU round for it). CPU columns are cores (1.00 = one core busy) during the one-generator saturation run of the best round ("Saturation msg/s" is the better of one and two generators); "Others" is the rest of the machine (other engineers' work on this shared 2-core box): a large figure there means a disturbed round. Latency is one way, sender → server → receiver, on the generator's clock. ` +
        `Server, generator(s) are separate processes. ${o.rounds} interleaved round(s); each server keeps its best round. ` +
        'Moim validates every `signal` and, as its client does, it is sent without an ack (refusals come back as ' +
        '`signal:refused`, successes send nothing back); the raw ws relay ' +
        'parses, routes by `to` and re-serialises; the tutorial server broadcasts to the room without validation or ack.'
    )
    out.push('')
    const ws = (size: string) => results.relay.find((r) => r.kind === 'ws' && r.size === size)
    const tut = (size: string) => results.relay.find((r) => r.kind === 'tutorial' && r.size === size)
    out.push(
      table(
        [
          'Server',
          'Payload',
          'Rate limit',
          'Saturation msg/s',
          'Rounds msg/s',
          '2 generators msg/s',
          'Server CPU (cores)',
          'Server µs CPU/msg at fixed load',
          'Generator CPU',
          'Others CPU',
          'Unloaded p50 / p99 ms',
          'Half load msg/s',
          'Half load p50 / p99 ms',
          'Fixed load msg/s',
          'Fixed load p50 / p99 ms',
          'vs ws',
          'vs tutorial',
          'CPU/msg vs ws',
          'CPU/msg vs tutorial'
        ],
        results.relay.map((r) => [
          r.label,
          r.size === 'sdp' ? 'SDP ~4 KB' : 'candidate ~200 B',
          r.rateLimit,
          fmt(bestRate(r), 0),
          r.rounds.map((v) => fmt(v, 0)).join(', '),
          r.twoGenerators ? fmt(r.twoGenerators.perSecond, 0) : '—',
          fmt(r.saturatedServerCores, 2),
          fmt(cpuPerMessage(r), 1),
          fmt(r.saturated.generatorCores, 2),
          fmt(Math.max(0, r.saturatedMachineCores - r.saturatedServerCores - r.saturated.generatorCores), 2),
          r.unloaded.latency ? `${fmt(r.unloaded.latency.p50, 3)} / ${fmt(r.unloaded.latency.p99, 3)}` : '—',
          fmt(r.half.perSecond, 0),
          r.half.latency ? `${fmt(r.half.latency.p50, 3)} / ${fmt(r.half.latency.p99, 3)}` : '—',
          fmt(r.fixed.perSecond, 0),
          r.fixed.latency ? `${fmt(r.fixed.latency.p50, 3)} / ${fmt(r.fixed.latency.p99, 3)}` : '—',
          r.kind === 'ws' ? '1.00×' : x(ratio(bestRate(r), bestRate(ws(r.size)!))),
          r.kind === 'tutorial' ? '1.00×' : x(ratio(bestRate(r), bestRate(tut(r.size)!))),
          x(ratio(cpuPerMessage(r), cpuPerMessage(ws(r.size)!))),
          x(ratio(cpuPerMessage(r), cpuPerMessage(tut(r.size)!)))
        ])
      )
    )
    out.push('')
    const limited = results.relay.filter((r) => r.saturated.rateLimited > 0)
    if (limited.length > 0) {
      out.push(
        'Rate-limited answers during saturation (retried after 10 ms, not counted as delivered): ' +
          limited.map((r) => `${r.label} ${r.size}: ${r.saturated.rateLimited}`).join('; ') +
          '.'
      )
      out.push('')
    }
  }

  if (results.join.length > 0) {
    const ws = results.join.find((r) => r.label === 'raw ws relay')
    const tut = results.join.find((r) => r.label === 'tutorial Socket.IO')
    const first = results.join[0]
    out.push('## 2. Join storm')
    out.push('')
    out.push(
      `${first.clients} clients connect (not timed in the storm), then all send their join in the same tick, client i ` +
        `to room i mod ${first.rooms}. "All lists complete" is the time until every client knows every other member ` +
        'of its room (join answer + joined events). Ratios are times: lower is better.'
    )
    out.push('')
    out.push(
      table(
        [
          'Server',
          'Clients / rooms',
          'Connect all (ms)',
          'All lists complete (ms)',
          'Join p50 / p95 (ms)',
          'Full list p50 / p95 (ms)',
          'Generator CPU',
          'vs ws',
          'vs tutorial'
        ],
        results.join.map((r) => [
          r.label,
          `${r.clients} / ${r.rooms}`,
          fmt(r.connectMs, 0),
          fmt(r.completeMs, 1),
          `${fmt(r.join.p50, 1)} / ${fmt(r.join.p95, 1)}`,
          `${fmt(r.full.p50, 1)} / ${fmt(r.full.p95, 1)}`,
          fmt(r.generatorCores, 2),
          ws ? x(ratio(r.completeMs, ws.completeMs)) : '—',
          tut ? x(ratio(r.completeMs, tut.completeMs)) : '—'
        ])
      )
    )
    out.push('')
  }

  if (results.memory.length > 0) {
    const ws = results.memory.find((r) => r.label === 'plain ws')
    const sio = results.memory.find((r) => r.label === 'default Socket.IO')
    out.push('## 3. Memory per idle client')
    out.push('')
    out.push(
      'Server in its own process with --expose-gc; heap and RSS after four forced collections, minus the same ' +
        'figures before any client (after a 20-client warm-up), divided by the number of clients. Clients are idle ' +
        'socket.io-client (websocket transport) or ws connections from a separate process.'
    )
    out.push('')
    const rows: string[][] = []
    for (const r of results.memory) {
      for (const step of r.steps) {
        const wsStep = ws?.steps.find((s) => s.clients === step.clients)
        const sioStep = sio?.steps.find((s) => s.clients === step.clients)
        rows.push([
          r.label,
          String(step.clients),
          kb(step.heapPerClient),
          kb(step.rssPerClient),
          wsStep ? x(ratio(step.heapPerClient, wsStep.heapPerClient)) : '—',
          sioStep ? x(ratio(step.heapPerClient, sioStep.heapPerClient)) : '—'
        ])
      }
    }
    out.push(
      table(
        ['Server', 'Clients', 'Heap/client (KB)', 'RSS/client (KB)', 'Heap vs ws', 'Heap vs Socket.IO'],
        rows
      )
    )
    out.push('')
  }

  if (results.call) {
    const c = results.call
    out.push('## 4. Call setup in Chromium')
    out.push('')
    out.push(c.definition)
    out.push('')
    out.push(
      table(
        ['Setup', 'Runs', 'Median (ms)', 'Max (ms)', 'vs loopback', 'vs mesh floor'],
        [
          [
            'loopback floor (2 PCs, one page)',
            c.loopback.runs.map((v) => fmt(v, 0)).join(', '),
            fmt(c.loopback.median, 0),
            fmt(c.loopback.max, 0),
            '1.00×',
            '—'
          ],
          ...c.rows.flatMap((r) => [
            ...(r.floor
              ? [
                  [
                    `${r.peers} pages, mesh floor (raw relay)`,
                    r.floor.runs.map((v) => fmt(v, 0)).join(', '),
                    fmt(r.floor.median, 0),
                    fmt(r.floor.max, 0),
                    x(ratio(r.floor.median, c.loopback.median)),
                    '1.00×'
                  ]
                ]
              : []),
            [
              `${r.peers} peers through Moim`,
              r.runs.map((v) => fmt(v, 0)).join(', '),
              fmt(r.median, 0),
              fmt(r.max, 0),
              x(ratio(r.median, c.loopback.median)),
              r.floor ? x(ratio(r.median, r.floor.median)) : '—'
            ]
          ])
        ]
      )
    )
    out.push('')
    const names = [...new Set(c.rows.flatMap((r) => Object.keys(r.phases)))]
    if (names.length > 0) {
      out.push(
        'Where the time goes: median ms from `room:join` until every page that reached the milestone after the ' +
          'join had reached it (local/remote = setLocalDescription/setRemoteDescription resolved; media open = ' +
          'getUserMedia resolved after the join).'
      )
      out.push('')
      out.push(
        table(
          ['Peers', ...names],
          c.rows.map((r) => [
            String(r.peers),
            ...names.map((n) => (r.phases[n] === undefined ? '—' : fmt(r.phases[n], 0)))
          ])
        )
      )
      out.push('')
    }
    if (c.failures.length > 0) {
      out.push(
        `Setups that did not complete within 20 s (retried, not in the figures): ${c.failures.length}. ` +
          c.failures.map((f) => `${f}`).join('; ') +
          '.'
      )
      out.push('')
    }
  }

  if (results.mesh && results.mesh.length > 0) {
    out.push('## 5. Mesh load')
    out.push('')
    out.push(
      "N pages (one browser, each page its own context with the default fake camera at the app's 640×360/24 fps " +
        'request) in one room; after the mesh is up and a ramp-up (3 s, 1 s with --quick), deltas of getStats over the window. CPU is ' +
        'all Chromium processes (browser, renderers, GPU/utility), in cores; fps is the mean over every received ' +
        'video stream; kbit/s is what each page sends in total over its N−1 connections; qualityLimitationReason is ' +
        'the share of time over all outbound video streams (qualityLimitationDurations).'
    )
    out.push('')
    out.push(
      table(
        [
          'Pages in room',
          'Seconds',
          'Browser CPU (cores)',
          'Decoded fps per remote',
          'Outbound kbit/s per sender',
          'Sent resolution',
          'qualityLimitationReason'
        ],
        results.mesh.map((r) => [
          String(r.peers),
          fmt(r.seconds, 0),
          fmt(r.browserCores, 2),
          fmt(r.fpsPerRemote, 1),
          fmt(r.outboundKbpsPerSender, 0),
          `${r.frameWidth}×${r.frameHeight}`,
          Object.entries(r.qualityLimitation)
            .map(([reason, share]) => `${reason} ${fmt(share * 100, 0)}%`)
            .join(', ')
        ])
      )
    )
    out.push('')
  }

  if (results.attack && results.attack.length > 0) {
    const calm = results.attack.find((r) => r.label === 'no attack')
    out.push('## 8. Slow readers: what a flood of non-reading clients costs')
    out.push('')
    out.push(
      'A Moim server in its own process, with its default limits but room for the attack (150 connections and ' +
        'joins from one address). 100 attackers join rooms of 6, stop reading their sockets and, for the ' +
        'window, keep sending within every per-connection limit: 4 room lists and about 6.7 offers of 32 KB a ' +
        "second each, to their room's first member, who reads nothing either. A well-behaved probe client asks " +
        "for the room list 4 times a second and times the answer. Peak RSS is the server process's VmHWM; " +
        '"Still open" counts attackers the server still held 10 s after the window. In the hardening test the ' +
        'same 15 s attack took the server before the output bound (main at e2b50bc) to a 320 MB peak.'
    )
    out.push('')
    out.push(
      table(
        [
          'Run',
          'Peak server RSS (MB)',
          'vs no attack',
          'Probe p50 ms',
          'p99 ms',
          'max ms',
          'Timeouts',
          'Still open'
        ],
        results.attack.map((r) => [
          r.label,
          fmt(r.peakRssBytes / 2 ** 20, 0),
          calm ? x(ratio(r.peakRssBytes, calm.peakRssBytes)) : '—',
          fmt(r.probe.p50, 1),
          fmt(r.probe.p99, 1),
          fmt(r.probe.max, 1),
          String(r.probeTimeouts),
          String(r.stillOpen)
        ])
      )
    )
    out.push('')
  }

  if (results.cluster) {
    const c = results.cluster
    out.push('## 9. Several servers as one (Redis)')
    out.push('')
    out.push(
      'Moim servers (own processes, signal limits raised) alone and as nodes sharing one redis-server (loopback, ' +
        'persistence off). Relay: pairs each alone in a room, the sender on one node and the receiver on the other, ' +
        'against both on one server, same generator and options (unloaded: one message at a time; saturated: a ' +
        'window of messages in flight per pair). The cross-node path costs a store lookup per remote peer every 5 s ' +
        'and, per signal, a trip through the Redis Streams adapter (every node reads every entry). Join storm: clients spread round robin over three nodes. Goal: ≥ 0.5× ' +
        "one server's relay throughput."
    )
    out.push('')
    const single = (size: string) => c.relay.find((r) => r.size === size && r.label === 'one server')
    out.push(
      table(
        ['Relay', 'Payload', 'Unloaded p50 ms', 'p99 ms', 'Saturated msg/s', 'vs one server'],
        c.relay.map((r) => [
          r.label,
          r.size,
          fmt(r.unloaded.latency?.p50, 2),
          fmt(r.unloaded.latency?.p99, 2),
          fmt(r.saturated.perSecond, 0),
          x(ratio(r.saturated.perSecond, single(r.size)?.saturated.perSecond ?? Number.NaN))
        ])
      )
    )
    out.push('')
    const oneJoin = c.join.find((r) => r.label === 'one server')
    out.push(
      table(
        ['Join storm', 'Clients', 'Rooms', 'All joined (ms)', 'Join ack p50 ms', 'p99 ms', 'vs one server'],
        c.join.map((r) => [
          r.label,
          String(r.clients),
          String(r.rooms),
          fmt(r.completeMs, 0),
          fmt(r.join.p50, 1),
          fmt(r.join.p99, 1),
          x(ratio(r.completeMs, oneJoin?.completeMs ?? Number.NaN))
        ])
      )
    )
    out.push('')
    out.push(
      `Heap per idle client (${c.heapPerClient.clients} clients): ${kb(c.heapPerClient.single)} KB on a single ` +
        `server, ${kb(c.heapPerClient.cluster)} KB on a cluster node ` +
        `(${x(ratio(c.heapPerClient.cluster, c.heapPerClient.single))}).`
    )
    out.push('')
  }

  if (results.resume) {
    const r = results.resume
    out.push('## 10. Resuming after a dropped connection')
    out.push('')
    out.push(
      'A client of a two-person room has its TCP connection destroyed (a network drop: the server holds its ' +
        'seat), then opens a new connection and sends `room:resume`, one drop at a time. "Reconnect to resumed" ' +
        'runs from the new socket being connected to the answer; "others see it back" until the other member ' +
        'gets `peer:updated` without `reconnecting`. Goal: ≤ 1 s from reconnect to resumed.'
    )
    out.push('')
    out.push(
      table(
        [
          'Resume',
          'Drops',
          'Reconnect to resumed p50 ms',
          'p95 ms',
          'max ms',
          'Others see it back p50 ms',
          'p95 ms'
        ],
        r.rows.map((row) => [
          row.label,
          String(row.samples),
          fmt(row.resumed.p50, 1),
          fmt(row.resumed.p95, 1),
          fmt(row.resumed.max, 1),
          fmt(row.othersSee.p50, 1),
          fmt(row.othersSee.p95, 1)
        ])
      )
    )
    out.push('')
    out.push(
      `The app's SignalingClient, ${r.app.samples} drops: from the drop to resumed p50 ` +
        `${fmt(r.app.dropToResumed.p50, 0)} ms, max ${fmt(r.app.dropToResumed.max, 0)} ms, most of it ` +
        "Socket.IO's first reconnection delay (500 ms ± 50 %)."
    )
    out.push('')
  }

  if (results.whiteboard) {
    const w = results.whiteboard
    const o = w.options
    out.push('## 11. Whiteboard')
    out.push('')
    out.push(
      'The built web client on the real server (board bucket and per-connection byte limit raised for the Node ' +
        'clients that fill boards with thousands of strokes in seconds), headless Chromium pages drawing with the ' +
        `real mouse. Strokes are ${w.pointsPerStroke}-point random walks. Propagation: ${o.strokes} strokes drawn on ` +
        'page A; from its pointer-up to the frame after page B has the stroke (both clocks are this machine’s). ' +
        `Late join: once pages A and B have closed, a fresh page clicks the board button, until its board is ready ` +
        `with every stroke and a frame has been drawn (${o.joins} rounds, empty board and ${o.bigBoard} strokes ` +
        'alternating; the first round also loads the board’s code). Wire: characters of the `board:update` frames a peer receives per stroke for ' +
        'strokes 451–500, against one frame carrying the whole board as JSON (what MiroTalk sends after every ' +
        'change). Memory: server heap with the room minus once the room and its board are deleted, after forced collections, per 1,000 strokes. Frames: ' +
        `rAF intervals on a page drawing a 3-second stroke on the ${o.bigBoard}-stroke board.`
    )
    out.push('')
    out.push(
      table(
        ['Measure', 'p50', 'p95', 'p99', 'max', 'samples'],
        [
          ['Stroke propagation (ms)', w.propagationMs],
          ['Late join, empty board (ms)', w.lateJoinMs.empty],
          [`Late join, ${o.bigBoard} strokes (ms)`, w.lateJoinMs.big],
          ['Frame interval while drawing (ms)', w.frameMs]
        ].map(([label, s]) => {
          const sum = s as WhiteboardResult['frameMs']
          return [
            label as string,
            fmt(sum.p50, 1),
            fmt(sum.p95, 1),
            fmt(sum.p99, 1),
            fmt(sum.max, 1),
            String(sum.count)
          ]
        })
      )
    )
    out.push('')
    out.push(
      `Wire per stroke: ${fmt(w.wire.perStroke, 0)} characters, vs ${fmt(w.wire.wholeBoard, 0)} for the whole ` +
        `${w.wire.strokes}-stroke board per change (1/${fmt(w.wire.wholeBoard / w.wire.perStroke, 0)}). Server ` +
        `memory: ${kb(w.memory.heapPer1000)} KB of heap per 1,000 strokes (${w.memory.strokes} drawn), of which ` +
        `${kb(w.memory.storedPer1000)} KB are the stored board itself.`
    )
    out.push('')
  }

  if (results.bundle) {
    const b = results.bundle
    out.push('## 6. Renderer bundle')
    out.push('')
    out.push(
      'gzip level 9 of the minified build (`electron-vite build`, out/renderer). Styles are Lit `css` in the JS (no ' +
        'CSS files). Files: ' +
        b.files.map((f) => `${f.file} ${kb(f.gzip)} KB`).join(', ') +
        '. The floor is one Lit component with a socket.io-client socket, built by Vite with default options.'
    )
    out.push('')
    out.push(
      table(
        ['Bundle', 'JS raw (KB)', 'JS gzip (KB)', 'CSS gzip (KB)', 'JS gzip vs floor'],
        [
          [
            'Moim renderer, loaded at startup',
            kb(b.entryJsRaw),
            kb(b.entryJsGzip),
            kb(b.cssGzip),
            x(ratio(b.entryJsGzip, b.floorJsGzip))
          ],
          [
            'Moim renderer, all chunks',
            kb(b.jsRaw),
            kb(b.jsGzip),
            kb(b.cssGzip),
            x(ratio(b.jsGzip, b.floorJsGzip))
          ],
          ['floor: Lit + socket.io-client only', kb(b.floorJsRaw), kb(b.floorJsGzip), '—', '1.00×']
        ]
      )
    )
    out.push('')
  }

  if (results.improvements) {
    const i = results.improvements
    out.push('## 7. What each change bought (A/B in this run)')
    out.push('')
    out.push(
      `"Before" is the signaling server at \`${i.baseline}\` (its files copied and loaded in the server process), ` +
        '"after" is the current one, both with raised limits, interleaved rounds, each keeping its least ' +
        'disturbed round (lowest CPU per message). bufferutil is toggled with `WS_NO_BUFFER_UTIL=1`.'
    )
    out.push('')
    out.push(
      table(
        ['Change', 'Measure', 'Before', 'After', 'After / before'],
        i.rows.map((r) => [
          r.change,
          r.measure,
          fmt(r.before, r.before < 100 ? 2 : 0),
          fmt(r.after, r.after < 100 ? 2 : 0),
          `${x(ratio(r.after, r.before))} (${ratio(r.after, r.before) < 1 === r.lowerIsBetter ? 'better' : 'worse'})`
        ])
      )
    )
    out.push('')
  }

  for (const note of results.notes ?? []) out.push(`- ${note}`)
  return out.join('\n').trimEnd() + '\n'
}
