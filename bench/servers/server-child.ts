/**
 * One benchmark server in its own process: Moim's signaling server, a raw `ws` relay (the practical ceiling) or a
 * tutorial-style Socket.IO server (the baseline most "Zoom clone" apps ship). Driven over IPC by bench/run.ts.
 */
import { createServer } from 'node:http'
import type { Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { writeHeapSnapshot } from 'node:v8'
import { Server } from 'socket.io'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import { createSignalingServer } from '../../src/server/server'
import type { RateLimits, ServerLimits } from '../../src/server/server'
import { createLogger, setLogLevel } from '../../src/shared/logger'
import { CpuMeter, serveChild, sleep } from '../lib/proc'

export type ServerKind = 'moim' | 'ws' | 'tutorial'

export interface StartParams {
  kind: ServerKind
  rateLimits?: Partial<RateLimits>
  /** Moim only: the server's per-address and server-wide limits; default BENCH_LIMITS. */
  limits?: Partial<ServerLimits>
  capacity?: number
  /** Moim only: load createSignalingServer from this file (an earlier version, see lib/baseline.ts). */
  serverModule?: string
  /** Moim only: serve this directory (the built web client) for the browser benchmarks. */
  staticDir?: string
  /** Moim only: a node of a cluster sharing rooms through this Redis. */
  redisUrl?: string
}

type CreateServer = typeof createSignalingServer

/**
 * The benchmarks open thousands of connections and rooms from one loopback address and join in storms, which is
 * exactly what the per-address and server-wide limits refuse; they are raised here, where every benchmark server
 * is started, so the benchmarks measure the server's work rather than its refusals. The slow-reader attack passes
 * its own limits (the defaults, with room for its connections).
 */
export const BENCH_LIMITS: Partial<ServerLimits> = {
  connectionsPerAddress: 1_000_000,
  rooms: 1_000_000,
  joinsPerAddress: { burst: 1e9, perSecond: 1e9 },
  // The relay generator sends megabytes a second per socket, and with the default per-socket rate limits it is
  // answered rate-limited on purpose: neither may get it disconnected.
  inboundBytes: { burst: 1e12, perSecond: 1e12 },
  refusals: { burst: 1e12, perSecond: 1e12 }
}

let closeServer: (() => Promise<void>) | undefined
/** Open engine.io connections, for the Moim server (the slow-reader attack checks its connections are gone). */
let countConnections: () => number = () => 0
const cpu = new CpuMeter()

/** A `ws` server that does only what a relay must: route `signal` by `to`, and keep rooms for the join storm. */
function startWsRelay(httpServer: HttpServer): () => Promise<void> {
  const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false, maxPayload: 40_960 })
  const clients = new Map<string, WebSocket>()
  const rooms = new Map<string, Set<string>>()
  let nextId = 0
  wss.on('connection', (ws) => {
    const id = `c${++nextId}`
    let room: string | undefined
    clients.set(id, ws)
    ws.send(JSON.stringify({ type: 'id', id }))
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as {
        type: string
        to?: string
        room?: string
        description?: unknown
        candidate?: unknown
      }
      if (message.type === 'signal') {
        const target = message.to === undefined ? undefined : clients.get(message.to)
        if (target === undefined) return
        const { description, candidate } = message
        target.send(JSON.stringify({ type: 'signal', from: id, description, candidate }))
      } else if (message.type === 'join' && message.room !== undefined && room === undefined) {
        room = message.room
        let members = rooms.get(room)
        if (members === undefined) rooms.set(room, (members = new Set()))
        ws.send(JSON.stringify({ type: 'peers', peers: [...members] }))
        const joined = JSON.stringify({ type: 'joined', id })
        for (const member of members) clients.get(member)?.send(joined)
        members.add(id)
      }
    })
    ws.on('close', () => {
      clients.delete(id)
      if (room !== undefined) rooms.get(room)?.delete(id)
    })
  })
  return () =>
    new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.terminate()
      wss.close(() => httpServer.close(() => resolve()))
      httpServer.closeAllConnections()
    })
}

/** The shape of the classic tutorials: default options, join a room, broadcast signals to it, no validation. */
function startTutorial(httpServer: HttpServer): () => Promise<void> {
  const io = new Server(httpServer)
  io.on('connection', (socket) => {
    let room: string | undefined
    socket.on('join-room', (roomId: string) => {
      room = roomId
      void socket.join(roomId)
      const others = [...(io.sockets.adapter.rooms.get(roomId) ?? [])].filter((id) => id !== socket.id)
      socket.emit('all-users', others)
      socket.to(roomId).emit('user-joined', socket.id)
    })
    socket.on('signal', (data: Record<string, unknown>) => {
      if (room !== undefined) socket.to(room).emit('signal', { ...data, from: socket.id })
    })
    socket.on('disconnect', () => {
      if (room !== undefined) socket.to(room).emit('user-left', socket.id)
    })
  })
  return () => new Promise<void>((resolve) => void io.close(() => resolve()))
}

async function start(params: StartParams): Promise<{ port: number; pid: number }> {
  if (closeServer !== undefined) throw new Error('already started')
  if (params.kind === 'moim') {
    // Per-join info lines would be a measurable part of a join storm; a production host logs at info, and
    // the difference is reported by the join storm bench itself when MOIM_BENCH_LOG=info.
    setLogLevel(process.env.MOIM_BENCH_LOG === 'info' ? 'info' : 'warn')
    // Passed explicitly: a server loaded from another file (lib/baseline.ts) may get its own logger module.
    const logger = createLogger('signaling')
    const create = params.serverModule
      ? ((await import(pathToFileURL(params.serverModule).href)) as { createSignalingServer: CreateServer })
          .createSignalingServer
      : createSignalingServer
    const server = create({
      rateLimits: params.rateLimits,
      limits: params.limits ?? BENCH_LIMITS,
      capacity: params.capacity,
      staticDir: params.staticDir,
      cluster: params.redisUrl === undefined ? undefined : { redisUrl: params.redisUrl },
      logger
    })
    const bound = await server.listen(0, '127.0.0.1')
    closeServer = () => server.close()
    countConnections = () => server.io.engine.clientsCount
    return { port: bound.port, pid: process.pid }
  }
  const httpServer = createServer()
  closeServer = params.kind === 'ws' ? startWsRelay(httpServer) : startTutorial(httpServer)
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  return { port: (httpServer.address() as AddressInfo).port, pid: process.pid }
}

/** Heap and RSS after a thorough collection (needs --expose-gc). */
async function memory(): Promise<{ heapUsed: number; rss: number; external: number; arrayBuffers: number }> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('start the server with --expose-gc to measure memory')
  for (let i = 0; i < 4; i++) {
    gc()
    await sleep(50)
  }
  const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage()
  return { heapUsed, rss, external, arrayBuffers }
}

/** Writes a heap snapshot to `path` (after the same collections as `memory`). */
async function heapSnapshot(params: { path: string }): Promise<string> {
  await memory()
  return writeHeapSnapshot(params.path)
}

serveChild({
  start,
  memory,
  heapSnapshot,
  connections: () => countConnections(),
  cpuStart: () => cpu.start(),
  cpuStop: () => cpu.stop(),
  close: async () => {
    await closeServer?.()
    closeServer = undefined
  }
})
