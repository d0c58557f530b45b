/**
 * What each server change bought, measured in the same run: Moim as it was before the changes (lib/baseline.ts)
 * against Moim now, and `ws` with and without bufferutil.
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
const SERVER_CHANGES = 'write batching, shared bucket clock, shared event listeners'

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
    serverModule: baseline
  }
  const after: ServerConfig = { label: 'Moim now', kind: 'moim', rateLimits: RAISED_LIMITS }
  const noBufferUtil: ServerConfig = {
    ...after,
    label: 'Moim now, bufferutil off',
    env: { WS_NO_BUFFER_UTIL: '1' }
  }
  const rows: ImprovementRow[] = []
  const best = new Map<string, { us: number; rate: number; p99: number }>()
  // Interleaved rounds; per variant the lowest CPU per message (the least disturbed round) is kept.
  for (let round = 0; round < rounds; round++) {
    for (const size of ['candidate', 'sdp'] as const) {
      const configs = size === 'sdp' ? [before, after, noBufferUtil] : [before, after]
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
  log(`improvements: memory before/after, ${memoryClients} clients`)
  const memBefore = await memoryPerClient({ ...before, label: 'before' }, [memoryClients])
  const memAfter = await memoryPerClient({ ...after, label: 'after' }, [memoryClients])
  rows.push({
    change: changes,
    measure: `heap per idle client, bytes (${memoryClients} clients)`,
    before: memBefore.steps[0].heapPerClient,
    after: memAfter.steps[0].heapPerClient,
    lowerIsBetter: true
  })
  const [clients, rooms] = memoryClients >= 5_000 ? [1_000, 200] : [300, 60]
  log(`improvements: join storm before/after, ${clients} clients in ${rooms} rooms`)
  const joinBefore = await joinStorm({ ...before, label: 'before' }, clients, rooms)
  const joinAfter = await joinStorm({ ...after, label: 'after' }, clients, rooms)
  rows.push(
    {
      change: changes,
      measure: `join storm: all ${clients} joined, ms`,
      before: joinBefore.completeMs,
      after: joinAfter.completeMs,
      lowerIsBetter: true
    },
    {
      change: changes,
      measure: 'join storm: join ack p50, ms',
      before: joinBefore.join.p50,
      after: joinAfter.join.p50,
      lowerIsBetter: true
    }
  )
  return rows
}
