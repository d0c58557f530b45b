/**
 * Bench 10: sessions that survive a dropped connection. A client in a two-person room has its TCP connection
 * destroyed (as a network drop does; the server holds its seat), then comes back and resumes. Measured, one client
 * at a time so each figure is a latency, not a queue:
 * - reconnect to resumed: from the new socket's Socket.IO `connect` to the `room:resume` answer (the protocol's
 *   own cost: one store round trip), and until the other member sees the peer back (`peer:updated`);
 * - the same with the resume landing on another node of a two-node cluster (one redis-server);
 * - the app's SignalingClient: from the drop to its `rejoined` (resumed) event, which includes Socket.IO's first
 *   reconnection delay (500 ms ± 50 %) and is what a person waits for.
 * Goal: ≤ 1 s from reconnect to resumed.
 */
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import { SignalingClient } from '../src/renderer/src/core/signaling-client'
import { parseJoinAddress } from '../src/shared/join-address'
import { setLogLevel } from '../src/shared/logger'
import type { ClientToServerEvents, JoinResult, Peer, ServerToClientEvents } from '../src/shared/protocol'
import { startRedis, stopRedis } from '../test/support/redis'
import type { Child } from './lib/proc'
import { summarize } from './lib/stats'
import type { Summary } from './lib/stats'
import { startServer } from './relay'

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export interface ResumeRow {
  label: string
  samples: number
  /** New socket connected → `room:resume` answered, ms. */
  resumed: Summary
  /** New socket connected → the other member saw the peer back, ms. */
  othersSee: Summary
}

export interface ResumeResult {
  rows: ResumeRow[]
  /** The app's SignalingClient: drop → resumed, ms (includes Socket.IO's reconnection delay). */
  app: { samples: number; dropToResumed: Summary }
}

export interface ResumeOptions {
  /** Drops and resumes per row. */
  samples: number
  /** Drops and resumes through the app's SignalingClient (each waits for a reconnection delay). */
  appSamples: number
}

const WAIT_MS = 10_000

function socketTo(port: number): Promise<ClientSocket> {
  const socket: ClientSocket = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true
  })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', reject)
  })
}

async function join(socket: ClientSocket, room: string, name: string): Promise<JoinResult> {
  const answer = await socket.timeout(WAIT_MS).emitWithAck('room:join', { room, name })
  if (!answer.ok) throw new Error(`join failed: ${answer.error.code}`)
  return answer
}

/** Resolves with the first `peer:updated` for `id` that `where` accepts. */
function updated(socket: ClientSocket, id: string, where: (peer: Peer) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no peer:updated in time')), WAIT_MS)
    const listener = (peer: Peer): void => {
      if (peer.id !== id || !where(peer)) return
      clearTimeout(timer)
      socket.off('peer:updated', listener)
      resolve(performance.now())
    }
    socket.on('peer:updated', listener)
  })
}

/** Destroys the socket's TCP connection under its WebSocket, as a network drop does. */
function cut(socket: ClientSocket): void {
  const transport = socket.io.engine.transport as unknown as { ws?: { _socket?: { destroy(): void } } }
  transport.ws?._socket?.destroy()
}

/** `samples` drops of a client joined through `joinPort`, each resumed through `resumePort`. */
async function measure(
  label: string,
  joinPort: number,
  resumePort: number,
  samples: number
): Promise<ResumeRow> {
  const resumed: number[] = []
  const othersSee: number[] = []
  for (let i = 0; i < samples; i++) {
    const room = `resume-${label.length}-${i}`
    const partner = await socketTo(joinPort)
    const subject = await socketTo(joinPort)
    let back: ClientSocket | undefined
    try {
      await join(partner, room, 'Partner')
      const { self, token } = await join(subject, room, 'Subject')
      const held = updated(partner, self.id, (peer) => peer.reconnecting === true)
      cut(subject)
      await held
      const seenBack = updated(partner, self.id, (peer) => peer.reconnecting === undefined)
      back = await socketTo(resumePort)
      const connected = performance.now()
      const answer = await back.timeout(WAIT_MS).emitWithAck('room:resume', { token })
      const answered = performance.now()
      if (!answer.ok || answer.self.id !== self.id) throw new Error('resume failed')
      resumed.push(answered - connected)
      othersSee.push((await seenBack) - connected)
    } finally {
      for (const socket of [partner, subject, back]) socket?.disconnect()
    }
  }
  return { label, samples, resumed: summarize(resumed), othersSee: summarize(othersSee) }
}

/** Drops through the app's own client: the time from the drop until it says it resumed. */
async function measureApp(port: number, samples: number): Promise<number[]> {
  const parsed = parseJoinAddress(`http://127.0.0.1:${port}`)
  if (!parsed.ok) throw new Error(parsed.message)
  const times: number[] = []
  for (let i = 0; i < samples; i++) {
    const partner = await socketTo(port)
    const client = new SignalingClient({ requestTimeoutMs: WAIT_MS, connectTimeoutMs: WAIT_MS })
    try {
      await join(partner, `resume-app-${i}`, 'Partner')
      if (!(await client.connect(parsed.value)).ok) throw new Error('app client could not connect')
      if (!(await client.join({ room: `resume-app-${i}`, name: 'Subject' })).ok)
        throw new Error('join failed')
      const back = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('not resumed in time')), WAIT_MS)
        client.on('rejoined', (result, resumed) => {
          clearTimeout(timer)
          if (result.ok && resumed) resolve(performance.now())
          else reject(new Error('joined afresh instead of resuming'))
        })
      })
      // The client's socket is private: cut every TCP connection this process has to the server but the
      // partner's, which is the client's.
      const dropped = performance.now()
      cutAppClient(client)
      times.push((await back) - dropped)
    } finally {
      client.dispose()
      partner.disconnect()
    }
  }
  return times
}

function cutAppClient(client: SignalingClient): void {
  // The only way in without a test hook in the app: the private field, read here and nowhere else.
  const socket = (client as unknown as { socket: ClientSocket | null }).socket
  if (socket === null) throw new Error('app client has no socket')
  cut(socket)
}

async function startNode(name: string, children: Child[], redisUrl?: string): Promise<number> {
  const { server, port } = await startServer(name, { kind: 'moim', redisUrl })
  children.push(server)
  return port
}

export async function resumeBench(
  options: ResumeOptions,
  log: (line: string) => void
): Promise<ResumeResult> {
  // The app's client logs each connection at info; the figures are the output here.
  setLogLevel('warn')
  const rows: ResumeRow[] = []
  const children: Child[] = []
  let app: number[]
  try {
    const single = await startNode('resume server', children)
    log(`resume: ${options.samples} drops on one server`)
    rows.push(await measure('one server', single, single, options.samples))
    log(`resume: ${options.appSamples} drops through the app's SignalingClient`)
    app = await measureApp(single, options.appSamples)
  } finally {
    await Promise.all(children.splice(0).map((child) => child.stop()))
  }
  const redis = await startRedis()
  try {
    const a = await startNode('resume node a', children, redis.url)
    const b = await startNode('resume node b', children, redis.url)
    log(`resume: ${options.samples} drops on one node of two, resumed on the other`)
    rows.push(await measure('cluster, back through the other node', a, b, options.samples))
  } finally {
    await Promise.all(children.map((child) => child.stop()))
    await redis.stop()
    await stopRedis()
  }
  return { rows, app: { samples: options.appSamples, dropToResumed: summarize(app) } }
}
