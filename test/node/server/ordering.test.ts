/**
 * Handlers wait for the room store, yet one socket's requests still take effect and are answered in the order
 * they were sent: each connection queues behind its own pending request. The store here answers after a delay,
 * as a shared store over the network does; the in-memory store answers within a microtask, which would hide a
 * missing queue.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { MemoryRoomStore } from '../../../src/server/memory-room-store'
import type { RoomStore, RoomStoreOptions } from '../../../src/server/room-store'
import type { AckOf } from '../../support/signaling'
import { closeAll, connect, joined, request, startServer } from '../../support/signaling'

afterEach(closeAll)

/**
 * A MemoryRoomStore that acts on each call `ms` later (`joinMs` for joins), as a store across a network does: a
 * slower join lets a later call overtake it unless the server orders them.
 */
function slowStore(ms: number, joinMs = ms) {
  return (options: RoomStoreOptions): RoomStore => {
    const store = new MemoryRoomStore(options)
    return new Proxy(store, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver)
        if (typeof value !== 'function') return value
        return async (...args: unknown[]) => {
          await new Promise((resolve) => setTimeout(resolve, key === 'join' ? joinMs : ms))
          return (value as (...args: unknown[]) => unknown).apply(target, args)
        }
      }
    })
  }
}

const startSlowServer = () => startServer({ roomStore: slowStore(20) })

describe('per-socket ordering', () => {
  it('a chat:send sent right after room:join, without waiting, sees the join', async () => {
    const { url } = await startSlowServer()
    const bob = await joined(url, 'lounge', 'Bob')
    const ann = await connect(url)

    const order: string[] = []
    const join = request(ann.socket, 'room:join', { room: 'lounge', name: 'Ann' }).then((ack) => {
      order.push('join')
      return ack
    })
    const chat = request(ann.socket, 'chat:send', { text: 'first words' }).then((ack) => {
      order.push('chat')
      return ack
    })
    const rename = request(ann.socket, 'peer:update', { name: 'Annie' })
    const chat2 = request(ann.socket, 'chat:send', { text: 'renamed' })

    expect(await join).toMatchObject({ ok: true, self: { name: 'Ann' } })
    expect(await chat).toMatchObject({ ok: true, message: { name: 'Ann', text: 'first words' } })
    expect(await rename).toMatchObject({ ok: true, self: { name: 'Annie' } })
    expect(await chat2).toMatchObject({ ok: true, message: { name: 'Annie', text: 'renamed' } })
    expect(order).toEqual(['join', 'chat'])
    await bob.inbox.waitFor('chat:message', (message) => message.text === 'renamed')
    expect(bob.inbox.payloads('chat:message').map((message) => message.text)).toEqual([
      'first words',
      'renamed'
    ])
  })

  it('answers refusals in order too: an invalid request does not overtake a pending join', async () => {
    const { url } = await startSlowServer()
    const ann = await connect(url)
    const answers: string[] = []
    const record =
      (label: string) =>
      (ack: AckOf<'room:join'> | AckOf<'chat:send'>): void => {
        answers.push(`${label} ${ack.ok ? 'ok' : ack.error.code}`)
      }

    await Promise.all([
      request(ann.socket, 'room:join', { room: 'lounge', name: 'Ann' }).then(record('join')),
      request(ann.socket, 'chat:send', { text: '' }).then(record('blank')),
      request(ann.socket, 'chat:send', { text: 'hi' }).then(record('chat'))
    ])

    expect(answers).toEqual(['join ok', 'blank invalid', 'chat ok'])
  })

  it('a socket that disconnects while its join is pending leaves no one behind', async () => {
    const { server, url } = await startServer({ roomStore: slowStore(0, 50) })
    const watcher = await joined(url, 'lounge', 'Watcher')
    const ghost = await connect(url)
    const ghostJoined = new Promise<void>((resolve) =>
      server.events.on('peer-joined', ({ peer }) => peer.name === 'Ghost' && resolve())
    )

    ghost.socket.emit('room:join', { room: 'lounge', name: 'Ghost' }, () => undefined)
    // Disconnect once the join has reached the server, while the store still works on it.
    await new Promise((resolve) => setTimeout(resolve, 10))
    ghost.socket.disconnect()
    await ghostJoined

    await expect.poll(async () => (await server.rooms())[0]?.count).toBe(1)
    await watcher.inbox.waitFor('peer:left', ({ id }) => id === ghost.id)
  })
})
