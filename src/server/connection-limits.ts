/**
 * What one client address may cost the server: how many connections it holds, and how much the server buffers
 * for a connection that does not read what it is sent. Plain Node, tested against a real server.
 */
import type { Server as HttpServer } from 'node:http'
import type { Socket as TcpSocket } from 'node:net'
import type { Server } from 'socket.io'
import type { Logger } from '../shared/logger'
import type { RateLimit } from './rate-limiter'

/** The client's IP as one key: an IPv4-mapped IPv6 address (`::ffff:10.0.0.2`) is that IPv4 address. */
export function clientAddress(remote: string | undefined): string {
  if (remote === undefined) return 'unknown'
  return remote.startsWith('::ffff:') && remote.includes('.') ? remote.slice(7) : remote
}

/** Counts open things per client address. */
export class AddressCounter {
  private readonly counts = new Map<string, number>()

  count(address: string): number {
    return this.counts.get(address) ?? 0
  }

  add(address: string): void {
    this.counts.set(address, this.count(address) + 1)
  }

  remove(address: string): void {
    const left = this.count(address) - 1
    if (left > 0) this.counts.set(address, left)
    else this.counts.delete(address)
  }
}

/**
 * Closes a new TCP connection at once when its address already holds `max` of them. This is the hard ceiling that
 * also covers connections that never finish a Socket.IO handshake (or an HTTP request); the friendlier per-address
 * cap, with an error code the client can show, is applied to Socket.IO connections by the server.
 */
export function capTcpConnections(httpServer: HttpServer, max: number, log: Logger): void {
  const open = new AddressCounter()
  // One listener for every connection, not a closure each (bench: heap per idle client). `remoteAddress` is
  // read once at connection time, which makes Node keep it for the close.
  function onClose(this: TcpSocket): void {
    open.remove(clientAddress(this.remoteAddress))
  }
  httpServer.on('connection', (tcp: TcpSocket) => {
    const address = clientAddress(tcp.remoteAddress)
    if (open.count(address) >= max) {
      log.warn('connection refused: too many TCP connections from one address', { address, max })
      tcp.destroy()
      return
    }
    open.add(address)
    // `on`, not `once`: a socket closes once, and `once` would wrap the listener in a closure per connection.
    tcp.on('close', onClose)
  })
}

/** The parts of engine.io's socket and transports this module reads (engine.io 6). */
interface EnginePacket {
  data?: unknown
}
interface EngineTransport {
  name: string
  /** The `ws` WebSocket, for the websocket transport. */
  socket?: { terminate(): void; _socket?: { writableLength: number } }
}
interface EngineConnection {
  transport: EngineTransport
  remoteAddress: string
  /** Packets waiting for the transport; `packetCreate` is emitted before the new one is pushed. */
  writeBuffer: unknown[]
  close(discard?: boolean): void
  on(event: 'packetCreate', listener: (this: Guarded, packet: EnginePacket) => void): void
  prependListener(event: 'data', listener: (this: Guarded, data: unknown) => void): void
}

export interface ConnectionBounds {
  /** Output the server may hold for one connection that does not read it. */
  bufferedBytes: number
  /** Bytes one connection may send (burst, then per second), all events together. */
  inboundBytes: RateLimit
}

/** What a connection has cost so far; kept on the engine.io socket itself (no map, no closures). */
interface Spent {
  /** Characters in engine.io's write buffer. */
  queued: number
  /** Bytes it may still send now: a token bucket for `inboundBytes`, inline to save an object per client. */
  inboundTokens: number
  inboundRefilledAt: number
  dropped: boolean
}

const SPENT = Symbol('moim.spent')
type Guarded = EngineConnection & { [SPENT]: Spent }

/**
 * Disconnects a connection as soon as it costs more than `bounds` allow:
 * - **output**: a client that sends requests but does not read its socket would otherwise make the server queue
 *   answers without bound. What is held for it is engine.io's write buffer (packets waiting for the transport: on
 *   websocket while the previous batch is still unwritten, on long-polling until the next GET) plus, on
 *   websocket, what the TCP socket has accepted but not yet handed to the kernel. Both are checked whenever a
 *   packet is queued, so a client costs nothing while nothing is sent to it. Sizes are string lengths, the unit of
 *   every Moim packet.
 * - **input**: each event has its own rate limit, but a `signal` may be 40 KB, so within its count a client could
 *   still make the server parse many megabytes a second. A real client sends a few offers and candidates when a
 *   call starts, and little after.
 *
 * The listeners are shared by every connection and their state lives on the engine.io socket, because these
 * bounds apply to every idle client (bench: heap per idle client).
 */
export function boundConnections(io: Server, bounds: ConnectionBounds, log: Logger): void {
  function drop(connection: Guarded, why: string, details: Record<string, unknown>): void {
    connection[SPENT].dropped = true
    log.warn(why, { address: clientAddress(connection.remoteAddress), ...details })
    // After engine.io has finished what it is doing (queueing this packet, or emitting this one), so the close
    // does not race its own flush. A websocket is terminated rather than closed: a graceful close would wait for
    // the very buffer that does not drain.
    process.nextTick(() => {
      const transport = connection.transport
      if (transport.name === 'websocket' && transport.socket) transport.socket.terminate()
      else connection.close(true)
    })
  }

  function onPacketCreate(this: Guarded, packet: EnginePacket): void {
    const spent = this[SPENT]
    if (spent.dropped) return
    // An empty write buffer was flushed to the transport, where what is not written yet shows in writableLength.
    if (this.writeBuffer.length === 0) spent.queued = 0
    spent.queued += typeof packet.data === 'string' ? packet.data.length : 64
    const held = spent.queued + (this.transport.socket?._socket?.writableLength ?? 0)
    if (held <= bounds.bufferedBytes) return
    drop(this, 'disconnected a client that does not read what it is sent', {
      transport: this.transport.name,
      bufferedBytes: held
    })
  }

  function onData(this: Guarded, data: unknown): void {
    const spent = this[SPENT]
    if (spent.dropped) return
    const size = typeof data === 'string' ? data.length : ((data as { length?: number }).length ?? 0)
    const now = performance.now()
    const { burst, perSecond } = bounds.inboundBytes
    spent.inboundTokens = Math.min(
      burst,
      spent.inboundTokens + ((now - spent.inboundRefilledAt) / 1000) * perSecond
    )
    spent.inboundRefilledAt = now
    spent.inboundTokens -= size
    if (spent.inboundTokens >= 0) return
    // This packet is still dispatched (at most one more of MAX_PACKET_BYTES); the connection closes after it.
    drop(this, 'disconnected a client that sends more than it may', {
      burst: bounds.inboundBytes.burst,
      perSecond: bounds.inboundBytes.perSecond
    })
  }

  io.engine.on('connection', (connection: Guarded) => {
    connection[SPENT] = {
      queued: 0,
      inboundTokens: bounds.inboundBytes.burst,
      inboundRefilledAt: performance.now(),
      dropped: false
    }
    connection.on('packetCreate', onPacketCreate)
    // Before Socket.IO's own listener, so the budget is charged before the packet is decoded.
    connection.prependListener('data', onData)
  })
}

/**
 * True when `boundConnections` dropped this engine.io connection for what it cost: such a client is not one whose
 * network dropped, so the server does not hold its seat for a resume.
 */
export function droppedForCost(connection: object): boolean {
  return (connection as Partial<Guarded>)[SPENT]?.dropped === true
}
