/**
 * Bench 9: several servers as one. Beside a single server in the same run: `signal` relay between peers on
 * different nodes of a two-node cluster (one redis-server), a join storm spread over three nodes, and heap per idle
 * client of a cluster node. Redis is Debian's redis-server on a free loopback port, persistence off.
 */
import { startRedis, stopRedis } from '../test/support/redis'
import type { JoinRow } from './join'
import { joinStorm } from './join'
import { memoryPerClient } from './memory'
import { Child, sleep } from './lib/proc'
import type { PayloadSize } from './lib/payloads'
import type { RelayResult } from './clients/load-child'
import type { ServerConfig } from './relay'
import { LOAD_URL, RAISED_LIMITS, startServer } from './relay'

export interface ClusterRelayRow {
  label: string
  size: PayloadSize
  /** One message at a time, pair by pair: latency without load. */
  unloaded: RelayResult
  /** Every pair with `window` messages in flight: throughput. */
  saturated: RelayResult
}

export interface ClusterResult {
  relay: ClusterRelayRow[]
  join: JoinRow[]
  /** Heap per idle client, bytes: [single server, cluster node]. */
  heapPerClient: { single: number; cluster: number; clients: number }
}

export interface ClusterOptions {
  pairs: number
  window: number
  warmupMs: number
  durationMs: number
  unloadedCount: number
  joinClients: number
  joinRooms: number
  memoryClients: number
}

/** Relay between `senderPort` and `receiverPort` (the same port: one server), measured by one generator. */
async function relayBetween(
  label: string,
  ports: { sender: number; receiver: number },
  size: PayloadSize,
  options: ClusterOptions
): Promise<ClusterRelayRow> {
  const gen = await Child.start(`${label} generator`, LOAD_URL)
  try {
    await gen.call('setupPairs', {
      kind: 'moim',
      port: ports.sender,
      receiverPort: ports.receiver === ports.sender ? undefined : ports.receiver,
      count: options.pairs,
      prefix: `c${size}-`
    })
    const unloaded = await gen.call<RelayResult>('unloaded', {
      size,
      count: options.unloadedCount,
      timeoutMs: 30_000
    })
    const saturated = await gen.call<RelayResult>('saturate', {
      size,
      window: options.window,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs
    })
    return { label, size, unloaded, saturated }
  } finally {
    await gen.stop()
  }
}

async function startNodes(count: number, redisUrl: string | undefined, children: Child[]): Promise<number[]> {
  const ports: number[] = []
  for (let i = 0; i < count; i++) {
    const { server, port } = await startServer(`node ${i}`, {
      kind: 'moim',
      rateLimits: RAISED_LIMITS,
      redisUrl
    })
    children.push(server)
    ports.push(port)
  }
  return ports
}

export async function clusterBench(
  options: ClusterOptions,
  log: (line: string) => void
): Promise<ClusterResult> {
  const redis = await startRedis()
  try {
    const relay: ClusterRelayRow[] = []
    for (const size of ['candidate', 'sdp'] as const) {
      const children: Child[] = []
      try {
        log(`cluster: relay of ${size}s on one server`)
        const [single] = await startNodes(1, undefined, children)
        relay.push(await relayBetween('one server', { sender: single, receiver: single }, size, options))
        log(`cluster: relay of ${size}s between two nodes`)
        const [a, b] = await startNodes(2, redis.url, children)
        await sleep(200)
        relay.push(await relayBetween('two nodes, peers apart', { sender: a, receiver: b }, size, options))
      } finally {
        await Promise.all(children.map((child) => child.stop()))
      }
    }

    const join: JoinRow[] = []
    const single: ServerConfig = { label: 'one server', kind: 'moim' }
    log(`cluster: join storm of ${options.joinClients} on one server`)
    join.push(await joinStorm(single, options.joinClients, options.joinRooms))
    log(`cluster: join storm of ${options.joinClients} over three nodes`)
    const children: Child[] = []
    try {
      const ports = await startNodes(3, redis.url, children)
      const gen = await Child.start('cluster join generator', LOAD_URL)
      children.push(gen)
      const result = await gen.call<Omit<JoinRow, 'label' | 'clients' | 'rooms'>>('joinStorm', {
        kind: 'moim',
        port: ports[0],
        ports,
        clients: options.joinClients,
        rooms: options.joinRooms,
        prefix: 'cluster-storm-'
      })
      join.push({ label: 'three nodes', clients: options.joinClients, rooms: options.joinRooms, ...result })
    } finally {
      await Promise.all(children.map((child) => child.stop()))
    }

    log(`cluster: heap per idle client, ${options.memoryClients} clients`)
    const memorySingle = await memoryPerClient({ label: 'single', kind: 'moim' }, [options.memoryClients])
    const memoryCluster = await memoryPerClient(
      { label: 'cluster node', kind: 'moim', redisUrl: redis.url },
      [options.memoryClients]
    )
    return {
      relay,
      join,
      heapPerClient: {
        single: memorySingle.steps[0].heapPerClient,
        cluster: memoryCluster.steps[0].heapPerClient,
        clients: options.memoryClients
      }
    }
  } finally {
    await redis.stop()
    await stopRedis()
  }
}
