/**
 * What each server change bought, measured in the same run: Moim as it was before the changes (lib/baseline.ts)
 * against Moim now, `ws` with and without bufferutil, and Moim with and without the V8 flags `npm run host` passes.
 */
import { joinStorm } from './join'
import { memoryPerClient } from './memory'
import { prepareBaseline } from './lib/baseline'
import { cpuPerMessage } from './lib/report'
import type { ImprovementRow } from './lib/report'
import { RAISED_LIMITS, relayOne } from './relay'
import type { RelayOptions, ServerConfig } from './relay'

/** The commit before the benchmark-driven server changes (write batching, shared token-bucket clock). */
export const DEFAULT_BASELINE = 'f639048~1'

/** What the server gained since the baseline revision (section 7's "before"). */
const SERVER_CHANGES =
  'write batching, shared bucket clock, shared event listeners, signal without an ack, the room store'

/** The change SERVER_NODE_FLAGS makes (src/server/process-flags.ts). */
const FLAGS_CHANGE = 'V8 allocation-site pretenuring off'

export async function improvements(
  rev: string,
  options: RelayOptions,
  rounds: number,
  memoryClients: number,
  log: (line: string) => void
): Promise<ImprovementRow[]> {
  const baseline = prepareBaseline(rev)
  const changes = rev === DEFAULT_BASELINE ? SERVER_CHANGES : `server changes since ${rev}`
  const before: ServerConfig = {
    label: `Moim @ ${rev}`,
    kind: 'moim',
    rateLimits: RAISED_LIMITS,
    serverModule: baseline,
    // Its `signal` answered every message with an ack, and dropped one sent without (protocol before #9).
    ackSignals: true
  }
  const after: ServerConfig = { label: 'Moim now', kind: 'moim', rateLimits: RAISED_LIMITS }
  const noBufferUtil: ServerConfig = {
    ...after,
    label: 'Moim now, bufferutil off',
    env: { WS_NO_BUFFER_UTIL: '1' }
  }
  // What the V8 flags `npm run host` passes (SERVER_NODE_FLAGS) buy: Moim now without them.
  const withoutFlags: ServerConfig = { ...after, label: 'Moim now, without its V8 flags', vmFlags: [] }
  const rows: ImprovementRow[] = []
  const best = new Map<string, { us: number; rate: number; p99: number }>()
  // Interleaved rounds; per variant the lowest CPU per message (the least disturbed round) is kept.
  for (let round = 0; round < rounds; round++) {
    for (const size of ['candidate', 'sdp'] as const) {
      const configs =
        size === 'sdp' ? [before, after, noBufferUtil, withoutFlags] : [before, after, withoutFlags]
      for (const config of configs) {
        log(`improvements round ${round + 1}/${rounds}: ${config.label}, ${size}`)
        const row = await relayOne(config, size, { ...options, twoGenerators: false, unloadedCount: 50 })
        const key = `${config.label}|${size}`
        const us = cpuPerMessage(row)
        const previous = best.get(key)
        if (previous === undefined || us < previous.us) {
          best.set(key, { us, rate: row.saturated.perSecond, p99: row.half.latency?.p99 ?? Number.NaN })
        }
      }
    }
  }
  const relayRow = (change: string, size: string, a: ServerConfig, b: ServerConfig) => {
    const x = best.get(`${a.label}|${size}`)!
    const y = best.get(`${b.label}|${size}`)!
    rows.push(
      {
        change,
        measure: `server µs CPU per relayed ${size} at ${options.fixedRate[size as 'sdp']}/s`,
        before: x.us,
        after: y.us,
        lowerIsBetter: true
      },
      { change, measure: `saturation msg/s (${size})`, before: x.rate, after: y.rate, lowerIsBetter: false },
      { change, measure: `p99 at half load, ms (${size})`, before: x.p99, after: y.p99, lowerIsBetter: true }
    )
  }
  relayRow(`${changes} (limits raised)`, 'candidate', before, after)
  relayRow(`${changes} (limits raised)`, 'sdp', before, after)
  relayRow('bufferutil (limits raised)', 'sdp', noBufferUtil, after)
  relayRow(`${FLAGS_CHANGE} (limits raised)`, 'candidate', withoutFlags, after)
  relayRow(`${FLAGS_CHANGE} (limits raised)`, 'sdp', withoutFlags, after)
  const [clients, rooms] = memoryClients >= 5_000 ? [1_000, 200] : [300, 60]
  // Memory and the join storm, the server's other work, for the code changes and for the V8 flags.
  const otherRows = async (change: string, a: ServerConfig, b: ServerConfig) => {
    log(`improvements: ${change}: memory, ${memoryClients} clients`)
    const memoryA = await memoryPerClient({ ...a, label: 'before' }, [memoryClients])
    const memoryB = await memoryPerClient({ ...b, label: 'after' }, [memoryClients])
    log(`improvements: ${change}: join storm, ${clients} clients in ${rooms} rooms`)
    const joinA = await joinStorm({ ...a, label: 'before' }, clients, rooms)
    const joinB = await joinStorm({ ...b, label: 'after' }, clients, rooms)
    rows.push(
      {
        change,
        measure: `heap per idle client, bytes (${memoryClients} clients)`,
        before: memoryA.steps[0].heapPerClient,
        after: memoryB.steps[0].heapPerClient,
        lowerIsBetter: true
      },
      {
        change,
        measure: `join storm: all ${clients} joined, ms`,
        before: joinA.completeMs,
        after: joinB.completeMs,
        lowerIsBetter: true
      },
      {
        change,
        measure: 'join storm: join ack p50, ms',
        before: joinA.join.p50,
        after: joinB.join.p50,
        lowerIsBetter: true
      }
    )
  }
  await otherRows(changes, before, after)
  await otherRows(FLAGS_CHANGE, withoutFlags, after)
  return rows
}
