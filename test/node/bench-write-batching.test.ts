import { afterEach, describe, expect, it } from 'vitest'
import { io as connect } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import { createSignalingServer } from '../../src/server/server'
import type { SignalingServer } from '../../src/server/server'
import type { Ack, SignalMessage } from '../../src/shared/protocol'

type Fn = (...args: unknown[]) => unknown

/** Counts the TCP writes of each server-side connection (net.Socket `_write` / `_writev` calls). */
function countWrites(server: SignalingServer): Map<string, () => number> {
  const counters = new Map<string, () => number>()
  server.io.engine.on('connection', (raw: { id: string; transport: { socket?: { _socket?: object } } }) => {
    const tcp = raw.transport.socket?._socket as { _write: Fn; _writev: Fn } | undefined
    if (tcp === undefined) return
    let writes = 0
    const write = tcp._write
    const writev = tcp._writev
    tcp._write = function (...args: unknown[]) {
      writes++
      return write.apply(this, args)
    }
    tcp._writev = function (...args: unknown[]) {
      writes++
      return writev.apply(this, args)
    }
    counters.set(raw.id, () => writes)
  })
  return counters
}

describe('websocket write batching', () => {
  let server: SignalingServer | undefined
  const sockets: Socket[] = []

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect()
    await server?.close()
    server = undefined
  })

  async function client(port: number): Promise<Socket> {
    const socket = connect(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false
    })
    sockets.push(socket)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('connect_error', reject)
    })
    return socket
  }

  it('delivers a burst of signals intact and in order in far fewer TCP writes than frames', async () => {
    server = createSignalingServer({ rateLimits: { signal: { burst: 1_000, perSecond: 1_000 } } })
    const writes = countWrites(server)
    const { port } = await server.listen(0, '127.0.0.1')
    const sender = await client(port)
    const receiver = await client(port)
    for (const socket of [sender, receiver]) {
      const reply = (await socket.emitWithAck('room:join', { room: 'burst', name: 'x' })) as Ack
      expect(reply.ok).toBe(true)
    }
    const count = 200
    const received: string[] = []
    const all = new Promise<void>((resolve) =>
      receiver.on('signal', (message: SignalMessage) => {
        received.push(message.candidate!.candidate)
        if (received.length === count) resolve()
      })
    )
    const receiverWrites = writes.get(receiver.io.engine.id)!
    const before = receiverWrites()
    // One synchronous burst: the server reads it in a few chunks and forwards while the first write is pending.
    const acks: Promise<Ack>[] = []
    for (let i = 0; i < count; i++) {
      const candidate = {
        candidate: `candidate:${i} 1 udp 2122260223 127.0.0.1 ${5000 + i} typ host`,
        sdpMid: '0'
      }
      acks.push(sender.emitWithAck('signal', { to: receiver.id, candidate }) as Promise<Ack>)
    }
    await all
    expect((await Promise.all(acks)).every((ack) => ack.ok)).toBe(true)
    expect(received).toEqual(
      Array.from(
        { length: count },
        (_, i) => `candidate:${i} 1 udp 2122260223 127.0.0.1 ${5000 + i} typ host`
      )
    )
    // Without batching every frame is its own write (200); batched, a burst goes out in a handful.
    expect(receiverWrites() - before).toBeLessThan(count / 4)
  })
})
