/**
 * Test helpers for the signaling server: a real server on 127.0.0.1 port 0, real socket.io-client sockets over
 * websocket, typed requests with a deadline, an inbox that records every event a client receives, and one
 * `closeAll()` that tears everything down (call it in `afterEach`, so it runs even when a test fails).
 */
import { io as connectSocket } from 'socket.io-client'
import { vi } from 'vitest'
import WebSocket from 'ws'
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client'
import { createSignalingServer } from '../../src/server/server'
import type { SignalingServer, SignalingServerOptions } from '../../src/server/server'
import type {
  AckedClientToServerEvents,
  JoinResult,
  Peer,
  ServerToClientEvents
} from '../../src/shared/protocol'

export type ClientSocket = Socket<ServerToClientEvents, AckedClientToServerEvents>

/** How long a test waits for an ack or an event before failing; generous for a loaded 2-core machine. */
export const WAIT_MS = 5_000

// A test makes dozens of round trips; on a shared, loaded 2-core machine the 5 s default is too tight, and a test
// that fails waits at most WAIT_MS per step anyway.
vi.setConfig({ testTimeout: 20_000, hookTimeout: 20_000 })

const servers = new Set<SignalingServer>()
const sockets = new Set<Socket>()
const rawSockets = new Set<WebSocket>()

export interface TestServer {
  server: SignalingServer
  port: number
  /** `http://127.0.0.1:PORT` */
  url: string
}

/** Starts a signaling server on 127.0.0.1, port 0; `closeAll()` closes it. */
export async function startServer(options: SignalingServerOptions = {}): Promise<TestServer> {
  const server = createSignalingServer(options)
  servers.add(server)
  const { port } = await server.listen(0, '127.0.0.1')
  return { server, port, url: `http://127.0.0.1:${port}` }
}

/** One received event: its name and arguments. */
export interface Received {
  event: string
  args: unknown[]
}

/** Records every event a socket receives, in order, and lets a test wait for one. */
export class Inbox {
  readonly received: Received[] = []
  private waiters: (() => void)[] = []

  constructor(socket: Socket) {
    socket.onAny((event: string, ...args: unknown[]) => {
      this.received.push({ event, args })
      for (const wake of this.waiters) wake()
    })
  }

  /** First arguments of every `event` received so far. */
  payloads<E extends keyof ServerToClientEvents>(event: E): Parameters<ServerToClientEvents[E]>[0][] {
    return this.received.filter((entry) => entry.event === event).map((entry) => entry.args[0] as never)
  }

  /**
   * Resolves with the payload of the first `event` (received before or after the call) that matches `where`;
   * rejects after `timeoutMs`.
   */
  waitFor<E extends keyof ServerToClientEvents>(
    event: E,
    where: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
    timeoutMs = WAIT_MS
  ): Promise<Parameters<ServerToClientEvents[E]>[0]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.payloads(event).find(where)
        if (found === undefined) return false
        resolve(found)
        return true
      }
      if (check()) return
      const wake = (): void => {
        if (!check()) return
        clearTimeout(timer)
        this.waiters = this.waiters.filter((waiter) => waiter !== wake)
      }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== wake)
        reject(new Error(`no "${event}" matching the condition within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiters.push(wake)
    })
  }
}

export interface TestClient {
  socket: ClientSocket
  inbox: Inbox
  /** The socket id (= peer id) assigned by the server. */
  id: string
}

/**
 * Connects a real socket.io-client socket (websocket only, no reconnection) and resolves once connected.
 * Every event it receives is recorded in `inbox` from the first packet on.
 */
export async function connect(
  url: string,
  options: Partial<ManagerOptions & SocketOptions> = {}
): Promise<TestClient> {
  const socket: ClientSocket = connectSocket(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    timeout: WAIT_MS,
    ...options
  })
  sockets.add(socket)
  const inbox = new Inbox(socket)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', (error) => reject(error))
    socket.connect()
  })
  return { socket, inbox, id: socket.id as string }
}

/** Connects a client and joins `room` as `name`; returns the client and the join result. */
export async function joined(
  url: string,
  room: string,
  name: string,
  password?: string
): Promise<TestClient & { join: JoinResult; self: Peer }> {
  const client = await connect(url)
  const ack = await request(
    client.socket,
    'room:join',
    password === undefined ? { room, name } : { room, name, password }
  )
  if (!ack.ok) throw new Error(`join ${room} as ${name} failed: ${ack.error.code}`)
  return { ...client, join: ack, self: ack.self }
}

/** The payload arguments of a client->server event (everything before the ack callback). */
export type PayloadOf<E extends keyof AckedClientToServerEvents> =
  Parameters<AckedClientToServerEvents[E]> extends [...infer Payload, unknown] ? Payload : never

/** The ack type of a client->server event. */
export type AckOf<E extends keyof AckedClientToServerEvents> =
  Parameters<AckedClientToServerEvents[E]> extends [...unknown[], (response: infer R) => void] ? R : never

/** Typed `emitWithAck` with a deadline: rejects if the server does not answer within `WAIT_MS`. */
export function request<E extends keyof AckedClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  ...args: PayloadOf<E>
): Promise<AckOf<E>> {
  return rawRequest(socket, event, ...args) as Promise<AckOf<E>>
}

/** Untyped `emitWithAck` with a deadline, for sending payloads the protocol does not allow. */
export function rawRequest(socket: Socket, event: string, ...args: unknown[]): Promise<unknown> {
  return rawRequestWithin(WAIT_MS, socket, event, ...args)
}

/** `rawRequest` with its own deadline, for asserting that no ack comes. */
export function rawRequestWithin(
  ms: number,
  socket: Socket,
  event: string,
  ...args: unknown[]
): Promise<unknown> {
  return socket.timeout(ms).emitWithAck(event, ...args)
}

/** Untyped `emit` without an ack callback. */
export function rawEmit(socket: Socket, event: string, ...args: unknown[]): void {
  socket.emit(event, ...args)
}

/**
 * Resolves once every event the server sent to `client` before this call has arrived: one request round trip on
 * the same connection, which the server answers after everything queued for this socket. Used before asserting
 * that a client received nothing.
 */
export async function settle(client: TestClient): Promise<void> {
  const ack = await request(client.socket, 'rooms:list')
  if (!ack.ok) throw new Error(`rooms:list failed during settle: ${ack.error.code}`)
}

/**
 * Cuts the client's TCP connection under its WebSocket, as a network drop does: no close frame, no Socket.IO
 * disconnect packet, so the server sees the transport close (not a client leaving). Resolves once the client has
 * noticed.
 */
export async function cutNetwork(client: TestClient): Promise<void> {
  const transport = client.socket.io.engine.transport as unknown as { ws?: { _socket?: { destroy(): void } } }
  const gone = disconnected(client.socket)
  transport.ws?._socket?.destroy()
  await gone
}

/** Resolves when `socket` disconnects, with the reason; rejects after `WAIT_MS`. */
export function disconnected(socket: Socket): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already disconnected')
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still connected after ${WAIT_MS} ms`)), WAIT_MS)
    socket.once('disconnect', (reason) => {
      clearTimeout(timer)
      resolve(reason)
    })
  })
}

/**
 * A bare WebSocket speaking the Socket.IO wire protocol by hand (Engine.IO v4 frames carrying Socket.IO v5
 * packets), for sending frames a well-behaved client library never would.
 */
export interface RawClient {
  ws: WebSocket
  /** Every text frame received, in order (Engine.IO open packet first). */
  frames: string[]
  /** The Socket.IO socket id from the server's `40{"sid":...}` connect packet. */
  id: string
  send(frame: string | Buffer): void
  /** Resolves with the first received frame (before or after the call) that satisfies `where`. */
  waitForFrame(where: (frame: string, index: number) => boolean, timeoutMs?: number): Promise<string>
  /** Resolves with the close code once the server closes the connection. */
  closed: Promise<number>
}

/** Opens a raw WebSocket to `/socket.io/` and performs the Engine.IO open + Socket.IO connect handshake. */
export async function rawConnect(port: number): Promise<RawClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`)
  rawSockets.add(ws)
  const frames: string[] = []
  let wake: (() => void)[] = []
  ws.on('message', (data, isBinary) => {
    frames.push(isBinary ? '[binary]' : data.toString())
    for (const notify of wake) notify()
  })
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  const waitForFrame = (
    where: (frame: string, index: number) => boolean,
    timeoutMs = WAIT_MS
  ): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = frames.find(where)
        if (found !== undefined) resolve(found)
        return found !== undefined
      }
      if (check()) return
      const notify = (): void => {
        if (!check()) return
        clearTimeout(timer)
        wake = wake.filter((entry) => entry !== notify)
      }
      const timer = setTimeout(() => {
        wake = wake.filter((entry) => entry !== notify)
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`))
      }, timeoutMs)
      wake.push(notify)
    })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  await waitForFrame((frame) => frame.startsWith('0{'))
  ws.send('40')
  const connected = await waitForFrame((frame) => frame.startsWith('40{'))
  const { sid } = JSON.parse(connected.slice(2)) as { sid: string }
  return { ws, frames, id: sid, send: (frame) => ws.send(frame), waitForFrame, closed }
}

/**
 * Attempts a raw WebSocket upgrade to `/socket.io/` on 127.0.0.1 with exactly these headers (a test may forge
 * Origin and Host); resolves with 101 when accepted, else the refusal's status. `closeAll()` closes the socket.
 */
export function upgradeStatus(port: number, headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, { headers })
  rawSockets.add(ws)
  // Aborting a refused handshake makes ws emit an error we expect and do not care about.
  ws.on('error', () => undefined)
  return new Promise((resolve) => {
    ws.once('upgrade', (response) => resolve(response.statusCode ?? 0))
    ws.once('unexpected-response', (_request, response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
  })
}

/** Disconnects every client and closes every server started through these helpers. */
export async function closeAll(): Promise<void> {
  for (const ws of rawSockets) ws.terminate()
  rawSockets.clear()
  for (const socket of sockets) {
    socket.removeAllListeners()
    socket.disconnect()
  }
  sockets.clear()
  const closing = [...servers].map((server) => server.close())
  servers.clear()
  await Promise.all(closing)
}
