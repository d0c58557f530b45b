/**
 * What one client address may cost the server: how many connections it holds, and how much the server buffers
 * for a connection that does not read what it is sent. Plain Node, tested against a real server.
 */
import type { Server as HttpServer } from 'node:http'
import type { Socket as TcpSocket } from 'node:net'
import type { Server } from 'socket.io'
import type { Logger } from '../shared/logger'
import { TokenBucket } from './rate-limiter'
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
  httpServer.on('connection', (tcp: TcpSocket) => {
    const address = clientAddress(tcp.remoteAddress)
    if (open.count(address) >= max) {
      log.warn('connection refused: too many TCP connections from one address', { address, max })
      tcp.destroy()
      return
    }
    open.add(address)
    tcp.once('close', () => open.remove(address))
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
  close(discard?: boolean): void
  on(event: 'packetCreate', listener: (packet: EnginePacket) => void): void
  on(event: 'flush', listener: () => void): void
  prependListener(event: 'data', listener: (data: unknown) => void): void
}

/**
 * Disconnects a client that sends more than `limit` bytes (burst, then per second) of packets. Each event has its
 * own rate limit, but a `signal` may be 40 KB: within its count a client could still make the server parse many
 * megabytes a second. A real client sends a few offers and candidates when a call starts, and little after.
 */
export function boundInput(io: Server, limit: RateLimit, log: Logger): void {
  io.engine.on('connection', (connection: EngineConnection) => {
    const bytes = new TokenBucket(limit)
    let dropped = false
    connection.prependListener('data', (data) => {
      if (dropped) return
      const size = typeof data === 'string' ? data.length : ((data as { length?: number }).length ?? 0)
      if (bytes.take(size)) return
      dropped = true
      log.warn('disconnected a client that sends more than it may', {
        address: clientAddress(connection.remoteAddress),
        burst: limit.burst,
        perSecond: limit.perSecond
      })
      // After this packet's dispatch (at most one more packet of MAX_PACKET_BYTES), not inside engine.io's emit.
      process.nextTick(() => connection.close(true))
    })
  })
}

/**
 * Disconnects a client as soon as the server holds more than `maxBytes` of output for it: a client that sends
 * requests but does not read its socket would otherwise make the server queue answers without bound.
 *
 * What is held for a client is engine.io's write buffer (packets waiting for the transport: on websocket while the
 * previous batch is still unwritten, on long-polling until the next GET) plus, on websocket, what the TCP socket
 * has accepted but not yet handed to the kernel. Both are checked whenever a packet is queued, so a client costs
 * nothing while nothing is sent to it. Sizes are counted in string length, the unit of every Moim packet.
 */
export function boundOutput(io: Server, maxBytes: number, log: Logger): void {
  io.engine.on('connection', (connection: EngineConnection) => {
    let queued = 0
    let dropped = false
    connection.on('flush', () => {
      // Everything queued goes to the transport now; what it has not written shows in writableLength.
      queued = 0
    })
    connection.on('packetCreate', (packet) => {
      if (dropped) return
      queued += typeof packet.data === 'string' ? packet.data.length : 64
      const transport = connection.transport
      const unwritten = transport.socket?._socket?.writableLength ?? 0
      if (queued + unwritten <= maxBytes) return
      dropped = true
      log.warn('disconnected a client that does not read what it is sent', {
        address: clientAddress(connection.remoteAddress),
        transport: transport.name,
        bufferedBytes: queued + unwritten
      })
      // After engine.io has finished queueing this packet, so the close does not race its own flush. Terminate
      // rather than close: a graceful close would wait for the very buffer that does not drain.
      process.nextTick(() => {
        if (transport.name === 'websocket' && transport.socket) transport.socket.terminate()
        else connection.close(true)
      })
    })
  })
}
