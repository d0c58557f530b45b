/**
 * The slow-reader attack, for the hardening test and the benchmark alike: many connections from one address that
 * join rooms, then stop reading their sockets while they keep sending requests within their rate limits (room
 * lists, and large `signal`s to each other, so every room's first member is sent far more than it reads). A probe
 * client that does read measures how long the server takes to answer it meanwhile.
 */
import { readFile } from 'node:fs/promises'
import { io as connectSocket } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import WebSocket from 'ws'
import { LIMITS } from '../../src/shared/protocol'
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/shared/protocol'

export interface SlowReaderOptions {
  port: number
  /** How many connections the server holds (all of them, the probe's included). */
  serverConnections: () => Promise<number>
  /** Connections that stop reading (default 100). */
  sockets?: number
  /** How long they send (default 15 s). */
  durationMs?: number
  /** Members per room (default the default capacity). */
  roomSize?: number
  /** Whether to attack at all: false measures the probe alone, the baseline beside the attack. */
  attack?: boolean
}

export interface SlowReaderResult {
  /** Round-trip times of the probe's `rooms:list` requests during the attack, in ms. */
  probeMs: number[]
  /** Probe requests that got no answer within 5 s. */
  probeTimeouts: number
  /** Connections the server still holds besides the probe's, up to 10 s after the attack. */
  stillOpen: number
}

interface RawClient {
  ws: WebSocket
  id: string
  closed: boolean
}

/** Opens a raw Socket.IO connection, joins `room` and returns the peer ids already there. */
async function joinRaw(port: number, room: string, name: string): Promise<RawClient & { peers: string[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`)
  const client: RawClient = { ws, id: '', closed: false }
  ws.once('close', () => (client.closed = true))
  ws.on('error', () => undefined)
  const frames: string[] = []
  let wake: () => void = () => undefined
  ws.on('message', (data) => {
    const frame = data.toString()
    if (frame === '2') ws.send('3')
    frames.push(frame)
    wake()
  })
  const next = (where: (frame: string) => boolean): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame for ${name}`)), 10_000)
      const check = (): void => {
        const found = frames.find(where)
        if (found === undefined) return
        clearTimeout(timer)
        resolve(found)
      }
      wake = check
      check()
    })
  await next((frame) => frame.startsWith('0{'))
  ws.send('40')
  client.id = (JSON.parse((await next((frame) => frame.startsWith('40{'))).slice(2)) as { sid: string }).sid
  ws.send(`421${JSON.stringify(['room:join', { room, name }])}`)
  const ack = JSON.parse((await next((frame) => frame.startsWith('431'))).slice(3)) as [
    { ok: boolean; peers?: { id: string }[] }
  ]
  if (!ack[0].ok) throw new Error(`slow reader ${name} could not join ${room}: ${JSON.stringify(ack[0])}`)
  return { ...client, peers: (ack[0].peers ?? []).map((peer) => peer.id) }
}

/** Runs the attack (or, with `attack: false`, only the probe) and reports what the probe saw. */
export async function slowReaderAttack(options: SlowReaderOptions): Promise<SlowReaderResult> {
  const { port, serverConnections } = options
  const { sockets = 100, durationMs = 15_000, roomSize = LIMITS.capacity, attack = true } = options
  const attackers: (RawClient & { peers: string[] })[] = []
  const probe: Socket<ServerToClientEvents, ClientToServerEvents> = connectSocket(
    `http://127.0.0.1:${port}`,
    { transports: ['websocket'], reconnection: false, forceNew: true }
  )
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('connect', () => resolve())
      probe.once('connect_error', reject)
    })
    if (attack) {
      for (let i = 0; i < sockets; i++) {
        attackers.push(await joinRaw(port, `slow ${Math.floor(i / roomSize)}`, `S${i}`))
      }
    }
    // From here on the attackers read nothing: the server's answers pile up on its side of the connection.
    for (const attacker of attackers)
      (attacker.ws as unknown as { _socket: { pause(): void } })._socket.pause()

    const sdp = 's'.repeat(LIMITS.sdp - 64)
    // Encoded once per attacker (ack id 7 for all: the answers are never read), so the generator stays cheap.
    const signalFrames = attackers.map((attacker) =>
      attacker.peers[0] === undefined
        ? null
        : `427${JSON.stringify(['signal', { to: attacker.peers[0], description: { type: 'offer', sdp } }])}`
    )
    const until = Date.now() + durationMs
    let tick = 0
    const timer = setInterval(() => {
      tick++
      attackers.forEach((attacker, index) => {
        // Never buffer more on this side than the connection takes: the attack is on the server's memory.
        if (attacker.closed || attacker.ws.bufferedAmount > 1_000_000) return
        // Four lists and six 32 KB signals a second: under every per-connection limit (control and signal
        // buckets, inbound bytes), so only the bound on what the server holds for a reader stops it.
        if (tick % 5 === 0) attacker.ws.send('428["rooms:list"]')
        const frame = signalFrames[index]
        if (frame !== null && tick % 3 === 0) attacker.ws.send(frame)
      })
    }, 50)

    const probeMs: number[] = []
    let probeTimeouts = 0
    while (Date.now() < until) {
      const started = performance.now()
      try {
        await probe.timeout(5_000).emitWithAck('rooms:list')
        probeMs.push(performance.now() - started)
      } catch {
        probeTimeouts++
      }
      // Four a second, within the probe's own control bucket.
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    clearInterval(timer)

    // Those not dropped for what they were sent are ended by the heartbeat: they never answer its pings.
    const deadline = Date.now() + 10_000
    let stillOpen = (await serverConnections()) - 1
    while (Date.now() < deadline && stillOpen > 0) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      stillOpen = (await serverConnections()) - 1
    }
    return { probeMs, probeTimeouts, stillOpen }
  } finally {
    for (const attacker of attackers) attacker.ws.terminate()
    probe.disconnect()
  }
}

/** Peak resident memory of process `pid` so far (VmHWM), in bytes; Linux only. */
export async function peakRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status)
  if (match === null) throw new Error(`no VmHWM for process ${pid}`)
  return Number(match[1]) * 1024
}
