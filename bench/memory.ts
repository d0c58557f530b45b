/**
 * Bench 3: server memory per idle connected client. The server runs with --expose-gc; heap and RSS are read after
 * forced collections, before any client and after each step, and the delta is divided by the client count.
 */
import { join } from 'node:path'
import { heapGrowth } from './lib/heap-summary'
import type { HeapGrowth } from './lib/heap-summary'
import type { Child } from './lib/proc'
import { startServerAndGenerator } from './relay'
import type { ServerConfig } from './relay'

export interface MemoryConfig extends ServerConfig {
  /** Join the clients into rooms of this size (a real Moim client is in a call); absent: connected only. */
  roomSize?: number
}

export interface MemoryStep {
  clients: number
  heapPerClient: number
  rssPerClient: number
}

export interface MemoryRow {
  label: string
  steps: MemoryStep[]
  /** Heap growth per client by constructor, when snapshots were taken. */
  growth?: HeapGrowth[]
}

type Usage = { heapUsed: number; rss: number }

export interface MemoryOptions {
  /** Write heap snapshots before the first and after the first step into this directory. */
  snapshotDir?: string
}

export async function memoryPerClient(
  config: MemoryConfig,
  steps: readonly number[],
  options: MemoryOptions = {}
): Promise<MemoryRow> {
  const children: Child[] = []
  try {
    const { server, gen, port } = await startServerAndGenerator(config, children, ['--expose-gc'])
    // Warm the server's code paths with a few clients first, so lazily compiled code and caches are not
    // charged to the first step.
    await gen.call('connectIdle', {
      kind: config.kind,
      port,
      count: 20,
      roomSize: config.roomSize,
      prefix: 'warm-'
    })
    await gen.call('closeAll')
    const base = await server.call<Usage>('memory')
    const snapshot = (name: string) =>
      options.snapshotDir === undefined
        ? undefined
        : server.call<string>('heapSnapshot', { path: join(options.snapshotDir, name) }, 120_000)
    const before = await snapshot('before.heapsnapshot')
    const rows: MemoryStep[] = []
    let growth: HeapGrowth[] | undefined
    let connected = 0
    for (const target of steps) {
      await gen.call(
        'connectIdle',
        {
          kind: config.kind,
          port,
          count: target - connected,
          roomSize: config.roomSize,
          prefix: `idle${target}-`
        },
        300_000
      )
      connected = target
      const now = await server.call<Usage>('memory')
      if (target === steps[0] && before !== undefined) {
        const after = await snapshot('after.heapsnapshot')
        growth = heapGrowth(before, after!, target)
      }
      rows.push({
        clients: target,
        heapPerClient: (now.heapUsed - base.heapUsed) / target,
        rssPerClient: (now.rss - base.rss) / target
      })
    }
    return { label: config.label, steps: rows, growth }
  } finally {
    await Promise.all(children.map((child) => child.stop(15_000)))
  }
}
