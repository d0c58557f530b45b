/**
 * A load generator in its own process: opens clients against one benchmark server and runs relay, join-storm or
 * idle-connection workloads on command from bench/run.ts. Sender and receiver of each pair live here, so a
 * message's one-way latency is measured on one clock.
 */
import { CpuMeter, serveChild, sleep } from '../lib/proc'
import { Reservoir, summarize } from '../lib/stats'
import type { Summary } from '../lib/stats'
import { makeSignal, readStamp } from '../lib/payloads'
import type { PayloadSize } from '../lib/payloads'
import type { ServerKind } from '../servers/server-child'
import { connectMany } from './adapters'
import type { BenchClient, Relayed } from './adapters'

interface Pair {
  sender: BenchClient
  receiver: BenchClient
}

let kind: ServerKind = 'moim'
let pairs: Pair[] = []
let idle: BenchClient[] = []

export interface RelayResult {
  delivered: number
  sent: number
  rateLimited: number
  errors: number
  wallMs: number
  perSecond: number
  latency: Summary | null
  generatorCores: number
}

/**
 * Opens `count` pairs, each alone in its own room (`<prefix><i>`), and wires their receivers. With
 * `receiverPort`, receivers connect to that server (another node of a cluster) and senders to `port`. With
 * `ackSignals`, senders ask for an ack on each signal (a Moim revision that needed one).
 */
async function setupPairs(params: {
  kind: ServerKind
  port: number
  receiverPort?: number
  count: number
  prefix: string
  ackSignals?: boolean
}) {
  kind = params.kind
  pairs = []
  if (params.receiverPort === undefined) {
    const clients = await connectMany(kind, params.port, params.count * 2)
    for (let i = 0; i < params.count; i++)
      pairs.push({ sender: clients[2 * i], receiver: clients[2 * i + 1] })
  } else {
    const senders = await connectMany(kind, params.port, params.count)
    const receivers = await connectMany(kind, params.receiverPort, params.count)
    for (let i = 0; i < params.count; i++) pairs.push({ sender: senders[i], receiver: receivers[i] })
  }
  for (const pair of pairs) {
    pair.sender.onRefused = (code) => refused(pair, code)
    pair.sender.ackSignals = params.ackSignals ?? false
  }
  await Promise.all(
    pairs.flatMap((pair, i) =>
      [pair.sender, pair.receiver].map(
        (client, j) =>
          new Promise<void>((resolve, reject) =>
            client.join(`${params.prefix}${i}`, j === 0 ? 'sender' : 'receiver', (peers) =>
              typeof peers === 'string' ? reject(new Error(`join refused: ${peers}`)) : resolve()
            )
          )
      )
    )
  )
  // Let the last peer:joined/user-joined events settle before any measurement.
  await sleep(200)
  return { pairs: pairs.length }
}

interface Run {
  latency: Reservoir
  delivered: number
  sent: number
  rateLimited: number
  errors: number
  running: boolean
}

function newRun(): Run {
  return { latency: new Reservoir(200_000), delivered: 0, sent: 0, rateLimited: 0, errors: 0, running: true }
}

function finish(run: Run, meter: CpuMeter): RelayResult {
  const cpu = meter.stop()
  const samples = run.latency.samples()
  return {
    delivered: run.delivered,
    sent: run.sent,
    rateLimited: run.rateLimited,
    errors: run.errors,
    wallMs: cpu.wallMs,
    perSecond: (run.delivered / cpu.wallMs) * 1000,
    latency: samples.length > 0 ? summarize(samples) : null,
    generatorCores: cpu.cores
  }
}

/** The run and payload size the latest sends belong to, which a refusal (it names neither) is counted against. */
const sending: { run: Run; size: PayloadSize } = { run: newRun(), size: 'candidate' }

/** Sends one message of `size` from `pair`. */
function sendOne(run: Run, pair: Pair, size: PayloadSize): void {
  run.sent++
  sending.run = run
  sending.size = size
  pair.sender.signal(pair.receiver.id, makeSignal(size, performance.now()))
}

/** Moim refused one of `pair`'s messages (a rate limit): counted, and retried after 10 ms while running. */
function refused(pair: Pair, code: string): void {
  const { run, size } = sending
  if (code === 'rate-limited') run.rateLimited++
  else run.errors++
  if (run.running) setTimeout(() => run.running && sendOne(run, pair, size), 10)
}

/**
 * Closed loop at saturation: every pair keeps `window` messages in flight and sends the next one as soon as the
 * receiver gets one. Counts only what is delivered during the measured `durationMs` (after `warmupMs`).
 */
async function saturate(params: { size: PayloadSize; window: number; warmupMs: number; durationMs: number }) {
  let run = newRun()
  const warm = run
  for (const pair of pairs) {
    pair.receiver.onSignal = (message: Relayed) => {
      const current = run
      current.delivered++
      current.latency.add(performance.now() - readStamp(message))
      if (current.running) sendOne(current, pair, params.size)
    }
  }
  for (const pair of pairs) for (let i = 0; i < params.window; i++) sendOne(run, pair, params.size)
  await sleep(params.warmupMs)
  // Swap counters without breaking the loop: in-flight messages keep it going under the new run.
  run = newRun()
  warm.running = false
  const meter = new CpuMeter()
  await sleep(params.durationMs)
  const result = finish(run, meter)
  run.running = false
  await drain()
  return result
}

/**
 * Open loop at `rate` messages/s in total, spread round-robin over the pairs, ticking every millisecond. Latency is
 * measured from the moment each message is handed to the client library.
 */
async function openLoop(params: { size: PayloadSize; rate: number; warmupMs: number; durationMs: number }) {
  const run = newRun()
  let measuring = false
  for (const pair of pairs) {
    pair.receiver.onSignal = (message: Relayed) => {
      if (!measuring) return
      run.delivered++
      run.latency.add(performance.now() - readStamp(message))
    }
  }
  const started = performance.now()
  const stopAt = started + params.warmupMs + params.durationMs
  let scheduled = 0
  let next = 0
  let meter = new CpuMeter()
  // Bounded by time: one tick per millisecond until stopAt.
  while (performance.now() < stopAt) {
    const now = performance.now()
    if (!measuring && now - started >= params.warmupMs) {
      measuring = true
      meter = new CpuMeter()
    }
    const due = Math.floor(((now - started) / 1000) * params.rate) - scheduled
    for (let i = 0; i < due; i++) {
      sendOne(run, pairs[next], params.size)
      next = (next + 1) % pairs.length
    }
    scheduled += due
    // A 1 ms tick keeps bursts small (rate/1000 messages), so queueing behind a burst stays out of the figure.
    await sleep(1)
  }
  const result = finish(run, meter)
  run.running = false
  await drain()
  // `sent` counted the warm-up too; report what was offered during the measured window.
  return { ...result, offeredPerSecond: params.rate }
}

/** One message in flight on the first pair, a 2 ms pause between messages: the latency floor. */
async function unloaded(params: { size: PayloadSize; count: number; timeoutMs: number }) {
  const run = newRun()
  const pair = pairs[0]
  const meter = new CpuMeter()
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(resolve, params.timeoutMs)
    pair.receiver.onSignal = (message: Relayed) => {
      run.delivered++
      run.latency.add(performance.now() - readStamp(message))
      if (run.delivered >= params.count) {
        clearTimeout(deadline)
        resolve()
      } else setTimeout(() => sendOne(run, pair, params.size), 2)
    }
    sendOne(run, pair, params.size)
  })
  run.running = false
  return finish(run, meter)
}

/** Waits until nothing more arrives for 200 ms (at most 5 s), so the next run starts from a quiet server. */
async function drain(): Promise<void> {
  let last = -1
  let seen = 0
  for (const pair of pairs) pair.receiver.onSignal = () => seen++
  for (let i = 0; i < 25 && seen !== last; i++) {
    last = seen
    await sleep(200)
  }
}

/**
 * Join storm: connects `clients` clients, then all join `rooms` rooms at once (client i joins room i % rooms).
 * Reports each client's join round trip and the time until every client knows every other member of its room.
 */
async function joinStorm(params: {
  kind: ServerKind
  port: number
  /** Several servers of a cluster: client i connects to ports[i % ports.length]. */
  ports?: number[]
  clients: number
  rooms: number
  prefix: string
}) {
  const connectStart = performance.now()
  const ports = params.ports ?? [params.port]
  const perPort = await Promise.all(
    ports.map((port, p) => connectMany(params.kind, port, Math.ceil((params.clients - p) / ports.length)))
  )
  // Interleaved again, so client i is on ports[i % ports.length] and rooms mix the servers.
  const clients = Array.from(
    { length: params.clients },
    (_, i) => perPort[i % ports.length][Math.floor(i / ports.length)]
  )
  const connectMs = performance.now() - connectStart
  idle.push(...clients)
  const expected = new Array<number>(params.rooms).fill(0)
  for (let i = 0; i < clients.length; i++) expected[i % params.rooms]++
  const joinMs: number[] = []
  const fullMs: number[] = []
  let refused = 0
  const meter = new CpuMeter()
  const t0 = performance.now()
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(
      () => reject(new Error(`join storm incomplete after 60 s: ${fullMs.length} done`)),
      60_000
    )
    const settle = (): void => {
      if (fullMs.length + refused === clients.length) {
        clearTimeout(deadline)
        resolve()
      }
    }
    clients.forEach((client, i) => {
      const want = expected[i % params.rooms] - 1
      const known = new Set<string>()
      let full = false
      const check = (): void => {
        if (!full && known.size >= want) {
          full = true
          fullMs.push(performance.now() - t0)
          settle()
        }
      }
      client.onPeerJoined = (id) => {
        known.add(id)
        check()
      }
      const sentAt = performance.now()
      client.join(`${params.prefix}${i % params.rooms}`, `guest ${i}`, (peers) => {
        if (typeof peers === 'string') {
          refused++
          settle()
          return
        }
        joinMs.push(performance.now() - sentAt)
        for (const id of peers) known.add(id)
        check()
      })
    })
  })
  const cpu = meter.stop()
  return {
    connectMs,
    completeMs: Math.max(...fullMs),
    refused,
    join: summarize(joinMs),
    full: summarize(fullMs),
    generatorCores: cpu.cores
  }
}

/** Adds `count` idle connected clients (optionally joined in rooms of `roomSize`). */
async function connectIdle(params: {
  kind: ServerKind
  port: number
  count: number
  roomSize?: number
  prefix: string
}) {
  const clients = await connectMany(params.kind, params.port, params.count)
  const base = idle.length
  idle.push(...clients)
  if (params.roomSize !== undefined) {
    const size = params.roomSize
    await Promise.all(
      clients.map(
        (client, i) =>
          new Promise<void>((resolve, reject) =>
            client.join(`${params.prefix}${Math.floor((base + i) / size)}`, `idle ${i}`, (peers) =>
              typeof peers === 'string' ? reject(new Error(`join refused: ${peers}`)) : resolve()
            )
          )
      )
    )
  }
  await sleep(300)
  return { total: idle.length }
}

function closeAll(): void {
  for (const pair of pairs) {
    pair.sender.close()
    pair.receiver.close()
  }
  for (const client of idle) client.close()
  pairs = []
  idle = []
}

serveChild({
  setupPairs,
  saturate,
  openLoop,
  unloaded,
  joinStorm,
  connectIdle,
  closeAll: async () => {
    closeAll()
    await sleep(200)
  },
  close: () => closeAll()
})
