/**
 * A loopback TCP proxy in front of a server, so a test can cut one client's connection the way a network does:
 * `cut(ms)` destroys every proxied connection (no close frame, no FIN handshake with the far side first) and
 * refuses new ones for `ms`, then lets them through again. Only what goes through the proxy is affected: WebRTC
 * media between pages (UDP, peer to peer) keeps flowing.
 */
import { connect, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number
  /** Drops every open connection and refuses new ones for `ms`; resolves when connections are accepted again. */
  cut(ms: number): Promise<void>
  close(): Promise<void>
}

/** Proxies 127.0.0.1:(a free port) to 127.0.0.1:`targetPort()` (asked per connection, so it may be set later). */
export async function startTcpProxy(targetPort: () => number): Promise<TcpProxy> {
  const open = new Set<Socket>()
  let refusing = false
  const server = createServer((client) => {
    if (refusing) {
      client.destroy()
      return
    }
    const upstream = connect(targetPort(), '127.0.0.1')
    for (const [from, to] of [
      [client, upstream],
      [upstream, client]
    ] as const) {
      open.add(from)
      from.pipe(to)
      from.on('error', () => to.destroy())
      from.on('close', () => {
        open.delete(from)
        to.destroy()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    async cut(ms) {
      refusing = true
      // resetAndDestroy sends a RST, as a vanished network path eventually does; the far side learns at once.
      for (const socket of open) socket.resetAndDestroy()
      await new Promise((resolve) => setTimeout(resolve, ms))
      refusing = false
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy()
        server.close(() => resolve())
      })
  }
}
