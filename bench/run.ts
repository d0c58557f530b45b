/**
 * `npm run bench` (full) and `npm run bench -- --quick` (under two minutes): runs every benchmark against its
 * baselines in the same run, writes bench/results/latest.md (+ a timestamped JSON next to it) and prints the table.
 *
 * Flags: --quick, --only=relay,join,memory,call,mesh,bundle,improve,attack,cluster,resume (a subset), --no-write
 * (print only).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { slowReaders } from './attack'
import { callSetup, meshLoad } from './browser'
import { clusterBench } from './cluster'
import { resumeBench } from './resume'
import { bundleSizes } from './bundle'
import { whiteboardBench } from './whiteboard'
import { DEFAULT_BASELINE, improvements } from './improve'
import { joinStorm } from './join'
import { memoryPerClient } from './memory'
import type { MemoryConfig } from './memory'
import { RAISED_LIMITS, relayOne } from './relay'
import type { RelayOptions, RelayRow, ServerConfig } from './relay'
import { cpuPerMessage, renderReport } from './lib/report'
import type { Results } from './lib/report'

const SECTIONS = [
  'relay',
  'join',
  'memory',
  'call',
  'mesh',
  'bundle',
  'improve',
  'attack',
  'cluster',
  'resume',
  'whiteboard'
] as const
type Section = (typeof SECTIONS)[number]

function parseArgs(argv: string[]): {
  quick: boolean
  only: Set<Section> | null
  write: boolean
  baseline: string
} {
  let quick = false
  let write = true
  let baseline = DEFAULT_BASELINE
  let only: Set<Section> | null = null
  for (const arg of argv) {
    if (arg === '--quick') quick = true
    else if (arg.startsWith('--baseline=')) baseline = arg.slice('--baseline='.length)
    else if (arg === '--no-write') write = false
    else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',')
      const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name))
      if (unknown.length > 0)
        throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`)
      only = new Set(names as Section[])
    } else
      throw new Error(
        `unknown flag ${arg}; use --quick, --only=${SECTIONS.join(',')}, --baseline=REV, --no-write`
      )
  }
  return { quick, only, write, baseline }
}

/**
 * The fixed load for CPU per message: below every server's saturation here, and with --quick's 50 pairs still
 * under Moim's default 150 signals/s per socket (5000 / 50 = 100/s).
 */
const FIXED_RATE = { candidate: 8_000, sdp: 4_000 }
const QUICK_FIXED_RATE = { candidate: 5_000, sdp: 2_500 }

const MOIM: ServerConfig = { label: 'Moim (default limits)', kind: 'moim' }
const MOIM_RAISED: ServerConfig = { label: 'Moim (limits raised)', kind: 'moim', rateLimits: RAISED_LIMITS }
const WS: ServerConfig = { label: 'raw ws relay', kind: 'ws' }
const TUTORIAL: ServerConfig = { label: 'tutorial Socket.IO', kind: 'tutorial' }

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const { quick, write } = args
  // The A/B of past changes costs minutes: part of the full run, left out of --quick unless asked for.
  const only = args.only ?? new Set<Section>(quick ? SECTIONS.filter((s) => s !== 'improve') : SECTIONS)
  const started = new Date()
  const results: Results = {
    mode: quick ? 'quick' : 'full',
    startedAt: started.toISOString(),
    finishedAt: '',
    machine: {
      cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
      memoryGiB: totalmem() / 2 ** 30,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      loadBefore: loadavg(),
      loadAfter: []
    },
    relay: [],
    join: [],
    memory: []
  }
  const log = (line: string): void =>
    console.error(`[bench ${((Date.now() - started.getTime()) / 1000).toFixed(0)}s] ${line}`)

  if (only.has('relay')) {
    const options: RelayOptions = quick
      ? {
          pairs: 50,
          window: 8,
          warmupMs: 200,
          durationMs: 800,
          unloadedCount: 100,
          twoGenerators: false,
          fixedRate: QUICK_FIXED_RATE
        }
      : {
          pairs: 200,
          window: 8,
          warmupMs: 1_000,
          durationMs: 4_000,
          unloadedCount: 1_000,
          twoGenerators: true,
          fixedRate: FIXED_RATE
        }
    const rounds = quick ? 1 : 2
    results.relayOptions = { ...options, rounds }
    const best = new Map<string, RelayRow & { rounds: number[] }>()
    // The fixed load is judged on its own: the round where the server spent least CPU per message was the least
    // disturbed one for that measurement, whichever round saturated best.
    const bestFixed = new Map<string, RelayRow>()
    // Rounds interleave the servers so a burst of load from elsewhere on this shared machine hits them all alike;
    // each server keeps its best round (the least disturbed), and the spread is reported.
    for (let round = 0; round < rounds; round++) {
      for (const size of ['candidate', 'sdp'] as const) {
        for (const config of [MOIM, MOIM_RAISED, WS, TUTORIAL]) {
          log(`relay round ${round + 1}/${rounds}: ${config.label}, ${size}`)
          const row = await relayOne(config, size, {
            ...options,
            twoGenerators: options.twoGenerators && round === 0
          })
          const key = `${config.label}|${size}`
          const perSecond = Math.max(row.saturated.perSecond, row.twoGenerators?.perSecond ?? 0)
          const previous = best.get(key)
          const roundsSeen = [...(previous?.rounds ?? []), perSecond]
          const previousBest =
            previous && Math.max(previous.saturated.perSecond, previous.twoGenerators?.perSecond ?? 0)
          if (previous === undefined || perSecond > (previousBest ?? 0)) {
            best.set(key, {
              ...row,
              twoGenerators: row.twoGenerators ?? previous?.twoGenerators,
              rounds: roundsSeen
            })
          } else previous.rounds = roundsSeen
          const fixed = bestFixed.get(key)
          if (fixed === undefined || cpuPerMessage(row) < cpuPerMessage(fixed)) bestFixed.set(key, row)
        }
      }
    }
    results.relay = [...best.entries()].map(([key, row]) => {
      const fixed = bestFixed.get(key)!
      return {
        ...row,
        fixed: fixed.fixed,
        fixedServerCores: fixed.fixedServerCores,
        fixedMachineCores: fixed.fixedMachineCores
      }
    })
  }

  if (only.has('join')) {
    const [clients, rooms] = quick ? [300, 60] : [1_000, 200]
    for (const config of [MOIM, WS, TUTORIAL]) {
      log(`join storm: ${config.label}, ${clients} clients in ${rooms} rooms`)
      results.join.push(await joinStorm(config, clients, rooms))
    }
  }

  if (only.has('memory')) {
    const steps = quick ? [1_000] : [1_000, 5_000]
    const configs: MemoryConfig[] = [
      { ...MOIM, label: 'Moim (connected)' },
      // A real client is in a call; --quick keeps to the comparable connected-only figure.
      ...(quick ? [] : [{ ...MOIM, label: 'Moim (in rooms of 5)', roomSize: 5 }]),
      { ...WS, label: 'plain ws' },
      { ...TUTORIAL, label: 'default Socket.IO' }
    ]
    for (const config of configs) {
      log(`memory: ${config.label}, ${steps.join(' then ')} clients`)
      results.memory.push(await memoryPerClient(config, steps))
    }
  }

  if (only.has('call')) {
    const options = { runs: quick ? 2 : 5, peers: [2, 3, 4], meshSeconds: 0, rampSeconds: 0 }
    log(`call setup: ${options.peers.join(', ')} peers, ${options.runs} runs each, with the loopback floor`)
    results.call = await callSetup(options)
  }

  if (only.has('mesh')) {
    const options = { runs: 1, peers: [2, 3, 4], meshSeconds: quick ? 3 : 20, rampSeconds: quick ? 1 : 3 }
    log(`mesh load: ${options.peers.join(', ')} pages for ${options.meshSeconds} s each`)
    results.mesh = await meshLoad(options)
  }

  if (only.has('bundle')) {
    log('bundle: electron-vite build (if stale) and the Lit + socket.io-client floor')
    results.bundle = await bundleSizes()
  }

  if (only.has('improve')) {
    const options: RelayOptions = quick
      ? {
          pairs: 100,
          window: 8,
          warmupMs: 300,
          durationMs: 1_500,
          unloadedCount: 50,
          twoGenerators: false,
          fixedRate: QUICK_FIXED_RATE
        }
      : {
          pairs: 200,
          window: 8,
          warmupMs: 1_000,
          durationMs: 3_000,
          unloadedCount: 50,
          twoGenerators: false,
          fixedRate: FIXED_RATE
        }
    results.improvements = {
      baseline: args.baseline,
      rows: await improvements(args.baseline, options, quick ? 1 : 2, quick ? 1_000 : 5_000, log)
    }
  }

  if (only.has('attack')) {
    const options = { sockets: 100, durationMs: quick ? 5_000 : 15_000 }
    log(
      `slow readers: ${options.sockets} connections for ${options.durationMs / 1000} s, and without the attack`
    )
    results.attack = await slowReaders(options)
  }

  if (only.has('cluster')) {
    const options = quick
      ? {
          pairs: 50,
          window: 8,
          warmupMs: 200,
          durationMs: 800,
          unloadedCount: 100,
          joinClients: 300,
          joinRooms: 60,
          memoryClients: 1_000
        }
      : {
          pairs: 200,
          window: 8,
          warmupMs: 1_000,
          durationMs: 4_000,
          unloadedCount: 1_000,
          joinClients: 1_000,
          joinRooms: 200,
          memoryClients: 2_000
        }
    results.cluster = await clusterBench(options, log)
  }

  if (only.has('resume')) {
    const options = quick ? { samples: 20, appSamples: 5 } : { samples: 200, appSamples: 20 }
    results.resume = await resumeBench(options, log)
  }

  if (only.has('whiteboard')) {
    log('whiteboard')
    results.whiteboard = await whiteboardBench(
      quick ? { strokes: 20, bigBoard: 5_000, joins: 2 } : { strokes: 60, bigBoard: 5_000, joins: 4 },
      log
    )
  }

  results.finishedAt = new Date().toISOString()
  results.machine.loadAfter = loadavg()
  const markdown = renderReport(results)
  if (write) {
    const dir = new URL('./results/', import.meta.url)
    mkdirSync(dir, { recursive: true })
    writeFileSync(new URL('latest.md', dir), markdown)
    const stamp = results.startedAt.replace(/[:.]/g, '-')
    writeFileSync(new URL(`${stamp}-${results.mode}.json`, dir), JSON.stringify(results, null, 2))
  }
  console.log(markdown)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
