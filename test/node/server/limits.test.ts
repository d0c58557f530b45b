/**
 * What one client address may cost the server: connections, rooms, join answers, room lists and password guesses,
 * each against a real server on loopback. A second client address is 127.0.0.2 (Linux routes all of 127/8 to lo).
 */
import { connect as tcpConnect } from 'node:net'
import type { Socket as TcpSocket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_SERVER_LIMITS } from '../../../src/server/server'
import { LIMITS } from '../../../src/shared/protocol'
import type { JoinResult } from '../../../src/shared/protocol'
import {
  closeAll,
  connect,
  joined,
  rawConnect,
  request,
  settle,
  startServer,
  WAIT_MS
} from '../../support/signaling'
import type { TestClient } from '../../support/signaling'

/** Client options for connecting from 127.0.0.2 (engine.io-client passes `localAddress` on to `ws`). */
const FROM_SECOND_ADDRESS = { localAddress: '127.0.0.2' } as Parameters<typeof connect>[1]

const tcpSockets = new Set<TcpSocket>()
afterEach(async () => {
  for (const socket of tcpSockets) socket.destroy()
  tcpSockets.clear()
  await closeAll()
})

/** Connects expecting a refusal; resolves with the `connect_error` the client got. */
async function refusedConnection(
  url: string,
  options: Record<string, unknown> = {}
): Promise<Error & { data?: unknown }> {
  try {
    await connect(url, options)
  } catch (error) {
    return error as Error & { data?: unknown }
  }
  throw new Error('the connection was accepted')
}

describe('connections per address', () => {
  it('refuses a Socket.IO connection past the cap with too-many-connections, and takes one again after a close', async () => {
    const { url } = await startServer({ limits: { connectionsPerAddress: 3 } })
    const clients = [await connect(url), await connect(url), await connect(url)]
    const refused = await refusedConnection(url)
    expect(refused.data).toEqual({ code: 'too-many-connections', message: expect.any(String) })
    clients[0].socket.disconnect()
    await vi.waitFor(() => connect(url), WAIT_MS)
  })

  it(`applies its default of ${DEFAULT_SERVER_LIMITS.connectionsPerAddress} to loopback too`, async () => {
    const { url } = await startServer()
    for (let i = 0; i < DEFAULT_SERVER_LIMITS.connectionsPerAddress; i++) await connect(url)
    expect((await refusedConnection(url)).data).toMatchObject({ code: 'too-many-connections' })
  })

  it('counts each address on its own: another address still connects and joins', async () => {
    const { url } = await startServer({ limits: { connectionsPerAddress: 2 } })
    await connect(url)
    await connect(url)
    await refusedConnection(url)
    const other = await connect(url, FROM_SECOND_ADDRESS)
    expect(await request(other.socket, 'room:join', { room: 'lounge', name: 'Ann' })).toMatchObject({
      ok: true
    })
  })

  it('closes TCP connections past twice the cap (plus a few) at once, handshake or not', async () => {
    const { port } = await startServer({ limits: { connectionsPerAddress: 2 } })
    const ceiling = 2 * 2 + 8
    const open = async (): Promise<{ socket: TcpSocket; closed: Promise<void> }> => {
      const socket = tcpConnect(port, '127.0.0.1')
      tcpSockets.add(socket)
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve())
        socket.once('error', reject)
      })
      return { socket, closed }
    }
    const held = []
    for (let i = 0; i < ceiling; i++) held.push(await open())
    const extra = await open()
    await extra.closed
    // The ones under the ceiling are still open.
    expect(held.every(({ socket }) => !socket.destroyed)).toBe(true)
  })

  it('drops a transport that never sends CONNECT after about 10 s, not 45 s', async () => {
    const { port } = await startServer()
    const WebSocket = (await import('ws')).default
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`)
    const opened = Date.now()
    const closedAfter = new Promise<number>((resolve) => ws.once('close', () => resolve(Date.now() - opened)))
    // Engine.IO pings must be answered, or the heartbeat (15 s) would close it first.
    ws.on('message', (data) => {
      if (data.toString() === '2') ws.send('3')
    })
    expect(await closedAfter).toBeLessThan(12_500)
    expect(await closedAfter).toBeGreaterThan(9_000)
  }, 20_000)
})

describe('rooms per server', () => {
  it('refuses a new room past the cap with server-full, while existing rooms still take people', async () => {
    const { url, server } = await startServer({ limits: { rooms: 2 } })
    await joined(url, 'one', 'Ann')
    await joined(url, 'two', 'Bob')
    const eve = await connect(url)
    expect(await request(eve.socket, 'room:join', { room: 'three', name: 'Eve' })).toMatchObject({
      ok: false,
      error: { code: 'server-full' }
    })
    expect(await request(eve.socket, 'room:join', { room: 'one', name: 'Eve' })).toMatchObject({ ok: true })
    expect((await server.rooms()).map((room) => room.name)).toEqual(['one', 'two'])
  })
})

/** Lets a test fill a room's history quickly: the author, not the subject of the test, may chat without limits. */
const FAST_CHAT = {
  rateLimits: { chat: { burst: 1_000, perSecond: 1_000 } },
  limits: { inboundBytes: { burst: 1e9, perSecond: 1e9 } }
}

/** Fills `room` with LIMITS.history messages of LIMITS.chatText control characters (6 bytes each in JSON). */
async function fillHistory(author: TestClient): Promise<void> {
  const text = '\u0001'.repeat(LIMITS.chatText)
  for (let i = 0; i < LIMITS.history; i++) {
    // The chat bucket refills at 2/s: wait it out instead of being refused.
    for (;;) {
      const numbered = String(i).padStart(3, '0') + text.slice(3)
      const ack = await request(author.socket, 'chat:send', { text: numbered })
      if (ack.ok) break
      if (ack.error.code !== 'rate-limited') throw new Error(`chat:send refused: ${ack.error.message}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

describe('history', () => {
  it(`keeps at most ${LIMITS.historyBytes} bytes of history (as JSON) however large the messages`, async () => {
    const { url } = await startServer(FAST_CHAT)
    const ann = await joined(url, 'lounge', 'Ann')
    await fillHistory(ann)
    const bob = await joined(url, 'lounge', 'Bob')
    const history = bob.join.history
    expect(Buffer.byteLength(JSON.stringify(history))).toBeLessThanOrEqual(LIMITS.historyBytes + 2)
    expect(history.length).toBeGreaterThan(0)
    // The newest messages are the ones kept.
    expect(history.at(-1)?.text.startsWith(String(LIMITS.history - 1).padStart(3, '0'))).toBe(true)
  })

  it('gives one address at most a burst and then 2 join answers a second, however many connections join and leave', async () => {
    const { url } = await startServer(FAST_CHAT)
    const ann = await joined(url, 'lounge', 'Ann', undefined)
    await fillHistory(ann)
    // Ann's own joins used one of the address's joins; so does nothing else.
    const loopers = await Promise.all(Array.from({ length: 10 }, () => connect(url)))
    let historyBytes = 0
    let answered = 0
    const until = Date.now() + 3_000
    await Promise.all(
      loopers.map(async (client, index) => {
        while (Date.now() < until) {
          const ack = await request(client.socket, 'room:join', { room: 'lounge', name: `L${index}` })
          if (ack.ok) {
            answered++
            historyBytes += Buffer.byteLength(JSON.stringify((ack as JoinResult).history))
            await request(client.socket, 'room:leave')
          } else {
            await new Promise((resolve) => setTimeout(resolve, 50))
          }
        }
      })
    )
    const { burst, perSecond } = DEFAULT_SERVER_LIMITS.joinsPerAddress
    expect(answered).toBeGreaterThan(0)
    expect(answered).toBeLessThanOrEqual(burst + perSecond * 4)
    expect(historyBytes).toBeLessThanOrEqual((burst + perSecond * 4) * LIMITS.historyBytes)
  }, 30_000)
})

describe('room list', () => {
  it(`lists at most ${LIMITS.listedRooms} rooms, fullest first, with the total`, async () => {
    const rooms = LIMITS.listedRooms + 20
    const { url } = await startServer({
      limits: { connectionsPerAddress: rooms + 10, joinsPerAddress: { burst: rooms * 2, perSecond: 100 } }
    })
    const lobby = await connect(url)
    for (let i = 0; i < rooms; i++) await joined(url, `room ${String(i).padStart(3, '0')}`, 'Ann')
    await joined(url, 'room 119', 'Bob')
    const ack = await request(lobby.socket, 'rooms:list')
    expect(ack.ok && ack.total).toBe(rooms)
    expect(ack.ok && ack.rooms.length).toBe(LIMITS.listedRooms)
    expect(ack.ok && ack.rooms[0]).toMatchObject({ name: 'room 119', count: 2 })
    const changed = await lobby.inbox.waitFor('rooms:changed', (list) => list[0]?.count === 2)
    expect(changed).toHaveLength(LIMITS.listedRooms)
  }, 30_000)

  it('sends a lobby at most one list a second while rooms churn', async () => {
    const { url } = await startServer({
      limits: { joinsPerAddress: { burst: 1_000, perSecond: 1_000 } }
    })
    const lobby = await connect(url)
    const churners = await Promise.all(Array.from({ length: 10 }, () => connect(url)))
    const started = Date.now()
    const until = started + 3_000
    await Promise.all(
      churners.map(async (client, index) => {
        while (Date.now() < until) {
          await request(client.socket, 'room:join', { room: `churn ${index}`, name: 'C' })
          await request(client.socket, 'room:leave')
          // Within the control bucket's 5 requests a second, so no request is refused.
          await new Promise((resolve) => setTimeout(resolve, 400))
        }
      })
    )
    const seconds = (Date.now() - started) / 1000
    await settle(lobby)
    const lists = lobby.inbox.payloads('rooms:changed').length
    expect(lists).toBeGreaterThan(0)
    expect(lists).toBeLessThanOrEqual(Math.ceil(seconds) + 1)
  }, 20_000)
})

describe('password guesses', () => {
  it('answers 150 connections guessing from one address for 3 s with at most a few dozen wrong-password', async () => {
    const { url } = await startServer({ limits: { connectionsPerAddress: 200 } })
    await joined(url, 'vault', 'Owner', '4821')
    const codes = new Map<string, number>()
    const until = Date.now() + 3_000
    let guess = 0
    // Each guesser ignores every limit and, when the server drops it, connects again: what an attacker does.
    await Promise.all(
      Array.from({ length: 150 }, async () => {
        while (Date.now() < until) {
          const client = await connect(url).catch(() => null)
          while (client !== null && client.socket.connected && Date.now() < until) {
            const pin = String(guess++ % 10_000).padStart(4, '0')
            if (pin === '4821') continue
            const payload = { room: 'vault', name: 'G', password: pin }
            const ack = await request(client.socket, 'room:join', payload).catch(() => null)
            if (ack === null) break
            const code = ack.ok ? 'admitted' : ack.error.code
            codes.set(code, (codes.get(code) ?? 0) + 1)
            if (!ack.ok && ack.error.code === 'rate-limited') {
              expect(ack.error.retryAfterMs).toBeGreaterThan(0)
            }
          }
          client?.socket.disconnect()
        }
      })
    )
    expect(codes.get('admitted')).toBeUndefined()
    expect(codes.get('wrong-password') ?? 0).toBeGreaterThan(0)
    expect(codes.get('wrong-password') ?? 0).toBeLessThanOrEqual(
      DEFAULT_SERVER_LIMITS.wrongPasswords.burst + 3
    )
    expect(codes.get('rate-limited') ?? 0).toBeGreaterThan(100)
  }, 30_000)

  it('does not let the right password through from the guessing address, but does from another', async () => {
    const { url } = await startServer()
    await joined(url, 'vault', 'Owner', 'right')
    const guesser = await connect(url)
    for (let i = 0; i < DEFAULT_SERVER_LIMITS.wrongPasswords.burst; i++) {
      const ack = await request(guesser.socket, 'room:join', { room: 'vault', name: 'G', password: `w${i}` })
      expect(ack).toMatchObject({ ok: false, error: { code: 'wrong-password' } })
    }
    // A new connection from the same address is still limited, even with the right password.
    const again = await connect(url)
    const limited = await request(again.socket, 'room:join', { room: 'vault', name: 'G', password: 'right' })
    expect(limited).toMatchObject({
      ok: false,
      error: { code: 'rate-limited', retryAfterMs: expect.any(Number) }
    })
    const friend = await connect(url, FROM_SECOND_ADDRESS)
    const ack = await request(friend.socket, 'room:join', {
      room: 'vault',
      name: 'Friend',
      password: 'right'
    })
    expect(ack).toMatchObject({ ok: true })
  })

  it('limits guesses per room: a wrong password for one room does not block another room', async () => {
    const { url } = await startServer()
    await joined(url, 'vault', 'Owner', 'right')
    await joined(url, 'safe', 'Owner', 'other')
    const guesser = await connect(url)
    for (let i = 0; i <= DEFAULT_SERVER_LIMITS.wrongPasswords.burst; i++) {
      await request(guesser.socket, 'room:join', { room: 'vault', name: 'G', password: `w${i}` })
    }
    const ack = await request(guesser.socket, 'room:join', { room: 'safe', name: 'G', password: 'other' })
    expect(ack).toMatchObject({ ok: true })
  })
})

describe('flooding past the rate limits', () => {
  it('disconnects a connection that sends more bytes than its budget, even within its event limits', async () => {
    const { url, port } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const flooder = await rawConnect(port)
    const sdp = 's'.repeat(LIMITS.sdp - 64)
    const frame = `421${JSON.stringify(['signal', { to: 'nobody', description: { type: 'offer', sdp } }])}`
    // 100 offers of 32 KB (3.2 MB) are within the signal bucket's burst of 300, not within the byte budget.
    for (let i = 0; i < 100; i++) flooder.send(frame)
    await flooder.closed
    expect(await request(ann.socket, 'chat:send', { text: 'still here' })).toMatchObject({ ok: true })
  })

  it('disconnects a socket that keeps sending past its limits, and only that socket', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const flooder = await rawConnect(Number(new URL(url).port))
    // Hundreds of rooms:list requests at once: the control bucket refuses most; past the refusals budget the
    // server stops answering and closes the connection.
    for (let i = 0; i < 400; i++) flooder.send(`42${i}["rooms:list"]`)
    await flooder.closed
    expect(await request(ann.socket, 'chat:send', { text: 'still here' })).toMatchObject({ ok: true })
  })
})
