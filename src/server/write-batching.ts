import type { Server } from 'socket.io'

/** The parts of engine.io's websocket transport this module touches (`socket` is the `ws` WebSocket). */
interface EngineTransport {
  name: string
  send(packets: unknown[]): void
  socket?: { _socket?: { cork(): void; uncork(): void } }
}

interface EngineSocket {
  transport: EngineTransport
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): void
}

/**
 * Makes each batch of packets engine.io flushes to a websocket one TCP write instead of one per packet.
 *
 * engine.io sends every packet as its own WebSocket frame, and `ws` writes each frame with its own `writev`; a
 * relay under load flushes several packets per socket at once (forwarded signals plus their acks), so the
 * syscalls dominate (bench/: 39% of the server's CPU was `writev`). Corking the TCP socket around the batch
 * coalesces it into one write; nothing else changes (same frames, same order, flushed before `send` returns).
 */
export function batchWebSocketWrites(io: Server): void {
  io.engine.on('connection', (socket: EngineSocket) => {
    corkEachBatch(socket.transport)
    // A client that starts on long-polling gets its websocket transport on upgrade.
    socket.on('upgrade', corkEachBatch)
  })
}

function corkEachBatch(transport: EngineTransport): void {
  // `_socket` is ws's underlying net.Socket; if a future ws renames it, batching is simply skipped.
  const tcp = transport.socket?._socket
  if (transport.name !== 'websocket' || tcp === undefined) return
  const send = transport.send.bind(transport)
  transport.send = (packets) => {
    tcp.cork()
    try {
      send(packets)
    } finally {
      tcp.uncork()
    }
  }
}
