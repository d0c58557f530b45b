/**
 * Bench 1: `signal` relay between pairs of peers, through Moim, a raw `ws` relay and a tutorial Socket.IO server.
 * Every server runs in its own process, the load generator(s) in others.
 */
import { SERVER_NODE_FLAGS } from '../src/server/process-flags'
import type { RateLimits } from '../src/server/server'
import { DEFAULT_RATE_LIMITS } from '../src/server/server'
import type { RelayResult } from './clients/load-child'
import type { PayloadSize } from './lib/payloads'
import { Child, machineBusyMs, sleep } from './lib/proc'
import type { ChildOptions } from './lib/proc'
import type { ServerKind, StartParams } from './servers/server-child'

export interface ServerConfig {
  label: string
  kind: ServerKind
  rateLimits?: Partial<RateLimits>
  env?: Record<string, string>
  /** Moim at an earlier commit (lib/baseline.ts), to measure what a change bought. */
  serverModule?: string
  /** Moim as a node of a cluster sharing rooms through this Redis. */
  redisUrl?: string
  /** Moim at a revision whose `signal` needed an ack: the generator asks for one, as that revision's client did. */
  ackSignals?: boolean
  /** Moim only: V8 flags in place of SERVER_NODE_FLAGS, to measure what those buy. */
  vmFlags?: readonly string[]
}

/** Limits high enough that the server, not the per-socket bucket, is what saturates. */
export const RAISED_LIMITS: Partial<RateLimits> = { signal: { burst: 1e9, perSecond: 1e9 } }

export const SERVER_URL = new URL('./servers/server-child.ts', import.meta.url)
export const LOAD_URL = new URL('./clients/load-child.ts', import.meta.url)

/**
 * Starts a benchmark server (`params.kind`) in its own process and resolves with it and the port it bound; if it
 * cannot start, its process is stopped. A Moim server runs with the V8 flags `npm run host` gives Node
 * (`vmFlags`, by default SERVER_NODE_FLAGS), so the benchmarks measure what is shipped; the raw `ws` relay and
 * the tutorial server run on plain Node, as they are run.
 */
export async function startServer(
  name: string,
  params: StartParams,
  options: ChildOptions & { vmFlags?: readonly string[] } = {}
): Promise<{ server: Child; port: number; pid: number }> {
  const { vmFlags = SERVER_NODE_FLAGS, ...childOptions } = options
  const nodeFlags = [...(params.kind === 'moim' ? vmFlags : []), ...(options.nodeFlags ?? [])]
  const server = await Child.start(name, SERVER_URL, [], { ...childOptions, nodeFlags })
  try {
    const { port, pid } = await server.call<{ port: number; pid: number }>('start', params)
    return { server, port, pid }
  } catch (error) {
    await server.stop()
    throw error
  }
}

export interface RelayOptions {
  pairs: number
  window: number
  warmupMs: number
  durationMs: number
  unloadedCount: number
  /**
   * Messages/s of a fixed open-loop load, the same for every server, at which server CPU per message is measured:
   * below everyone's saturation, so neither the generator nor the machine limits it.
   */
  fixedRate: Record<PayloadSize, number>
  /** Also run saturation with the pairs split over two generator processes. */
  twoGenerators: boolean
  serverFlags?: string[]
}

export interface RelayRow {
  label: string
  kind: ServerKind
  size: PayloadSize
  pairs: number
  rateLimit: string
  unloaded: RelayResult
  saturated: RelayResult
  saturatedServerCores: number
  /** Busy cores of the whole machine during saturation (server + generator + anything else running). */
  saturatedMachineCores: number
  twoGenerators?: { perSecond: number; generatorCores: number[]; serverCores: number; machineCores: number }
  half: RelayResult & { offeredPerSecond: number }
  halfServerCores: number
  /** The fixed load (same rate for every server) and the server's CPU during it. */
  fixed: RelayResult & { offeredPerSecond: number }
  fixedServerCores: number
  fixedMachineCores: number
}

/**
 * Starts `config`'s server and one load generator, each in its own process, and adds both to `children` so the
 * caller's `finally` stops them even when a start fails. Resolves with both and the port the server bound.
 */
export async function startServerAndGenerator(
  config: ServerConfig,
  children: Child[],
  serverFlags?: string[]
): Promise<{ server: Child; gen: Child; port: number }> {
  const { server, port } = await startServer(
    `${config.label} server`,
    {
      kind: config.kind,
      rateLimits: config.rateLimits,
      serverModule: config.serverModule,
      redisUrl: config.redisUrl
    },
    { env: config.env, nodeFlags: serverFlags, vmFlags: config.vmFlags }
  )
  children.push(server)
  const gen = await Child.start(`${config.label} generator`, LOAD_URL)
  children.push(gen)
  return { server, gen, port }
}

export function describeLimit(config: ServerConfig): string {
  if (config.kind !== 'moim') return 'none'
  const signal = { ...DEFAULT_RATE_LIMITS, ...config.rateLimits }.signal
  return signal.perSecond >= 1e9
    ? 'raised (unlimited)'
    : `burst ${signal.burst}, ${signal.perSecond}/s per socket`
}

/**
 * Measures the server's CPU and the whole machine's busy CPU over the measured window of `work`. The machine's
 * figure minus the server's and the generators' is what other processes took: on a shared machine, a run with
 * much of it was disturbed.
 */
async function measuredServerCpu<T>(server: Child, warmupMs: number, durationMs: number, work: Promise<T>) {
  await sleep(warmupMs)
  await server.call('cpuStart')
  const busyStart = machineBusyMs()
  const wallStart = performance.now()
  await sleep(durationMs)
  const cpu = await server.call<{ cores: number }>('cpuStop')
  const machineCores = (machineBusyMs() - busyStart) / (performance.now() - wallStart)
  return { result: await work, serverCores: cpu.cores, machineCores }
}

/** Runs the relay bench for one server configuration and one payload size. */
export async function relayOne(
  config: ServerConfig,
  size: PayloadSize,
  options: RelayOptions
): Promise<RelayRow> {
  const children: Child[] = []
  try {
    const { server, gen, port } = await startServerAndGenerator(config, children, options.serverFlags)
    const pairsOf = (count: number, prefix: string) => ({
      kind: config.kind,
      port,
      count,
      prefix,
      ackSignals: config.ackSignals
    })
    await gen.call('setupPairs', pairsOf(options.pairs, `p${size}-`))
    const unloaded = await gen.call<RelayResult>('unloaded', {
      size,
      count: options.unloadedCount,
      timeoutMs: 30_000
    })
    const timing = {
      size,
      window: options.window,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs
    }
    const sat = await measuredServerCpu(
      server,
      options.warmupMs,
      options.durationMs,
      gen.call<RelayResult>('saturate', timing)
    )
    let twoGenerators: RelayRow['twoGenerators']
    if (options.twoGenerators) {
      // The same pairs split over two processes: if the total does not rise, one generator was not the limit.
      await gen.call('closeAll')
      const gens = [gen, await Child.start(`${config.label} generator 2`, LOAD_URL)]
      children.push(gens[1])
      const half = Math.ceil(options.pairs / 2)
      await Promise.all(gens.map((g, i) => g.call('setupPairs', pairsOf(half, `q${size}${i}-`))))
      const both = await measuredServerCpu(
        server,
        options.warmupMs,
        options.durationMs,
        Promise.all(gens.map((g) => g.call<RelayResult>('saturate', timing)))
      )
      twoGenerators = {
        perSecond: both.result.reduce((sum, r) => sum + r.perSecond, 0),
        generatorCores: both.result.map((r) => r.generatorCores),
        serverCores: both.serverCores,
        machineCores: both.machineCores
      }
      await gens[1].stop()
      await gen.call('closeAll')
      await gen.call('setupPairs', pairsOf(options.pairs, `r${size}-`))
    }
    const best = Math.max(sat.result.perSecond, twoGenerators?.perSecond ?? 0)
    const halfRun = await measuredServerCpu(
      server,
      options.warmupMs,
      options.durationMs,
      gen.call<RelayResult & { offeredPerSecond: number }>('openLoop', {
        ...timing,
        rate: Math.round(best / 2)
      })
    )
    const fixedRun = await measuredServerCpu(
      server,
      options.warmupMs,
      options.durationMs,
      gen.call<RelayResult & { offeredPerSecond: number }>('openLoop', {
        ...timing,
        rate: options.fixedRate[size]
      })
    )
    return {
      fixed: fixedRun.result,
      fixedServerCores: fixedRun.serverCores,
      fixedMachineCores: fixedRun.machineCores,
      label: config.label,
      kind: config.kind,
      size,
      pairs: options.pairs,
      rateLimit: describeLimit(config),
      unloaded,
      saturated: sat.result,
      saturatedServerCores: sat.serverCores,
      saturatedMachineCores: sat.machineCores,
      twoGenerators,
      half: halfRun.result,
      halfServerCores: halfRun.serverCores
    }
  } finally {
    await Promise.all(children.map((child) => child.stop()))
  }
}
