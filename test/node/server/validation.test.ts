import { afterEach, describe, expect, it, vi } from 'vitest'
import { LIMITS } from '../../../src/shared/protocol'
import type { InvalidField, InvalidReason } from '../../../src/shared/protocol'
import {
  closeAll,
  connect,
  joined,
  rawEmit,
  rawRequest,
  request,
  settle,
  startServer
} from '../../support/signaling'
import type { TestClient } from '../../support/signaling'

afterEach(closeAll)

const offer = { type: 'offer', sdp: 'v=0\r\n' }
const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 }

interface Case {
  /** What is wrong with the payload, for the test name. */
  label: string
  event: string
  /** The arguments before the ack; `bob` is the id of a peer in the sender's room. */
  args: (bob: string) => unknown[]
  /** Send from a client that is in no room (for room:join), instead of from a member of the room. */
  fromLobby?: boolean
  /** The typed field at fault and why, which the answer must name; absent for malformed payloads. */
  problem?: { field: InvalidField; reason: InvalidReason }
}

/** `c`, whose answer must also carry `field` and `reason`. */
const because = (c: Case, field: InvalidField, reason: InvalidReason): Case => ({
  ...c,
  problem: { field, reason }
})

const join = (label: string, ...args: unknown[]): Case => ({
  label,
  event: 'room:join',
  args: () => args,
  fromLobby: true
})
const signal = (label: string, payload: (bob: string) => unknown): Case => ({
  label,
  event: 'signal',
  args: (bob) => [payload(bob)]
})
const chat = (label: string, ...args: unknown[]): Case => ({ label, event: 'chat:send', args: () => args })
const update = (label: string, ...args: unknown[]): Case => ({
  label,
  event: 'peer:update',
  args: () => args
})

const cases: Case[] = [
  join('without a payload'),
  join('with a string payload', 'lounge'),
  join('with a number payload', 42),
  join('with a null payload', null),
  join('with an array payload', ['lounge', 'Ann']),
  join('with two payloads', { room: 'lounge', name: 'Eve' }, { room: 'lounge', name: 'Eve' }),
  join('without room', { name: 'Eve' }),
  join('without name', { room: 'lounge' }),
  join('with a numeric room', { room: 7, name: 'Eve' }),
  join('with a numeric name', { room: 'lounge', name: 7 }),
  join('with an extra field', { room: 'lounge', name: 'Eve', admin: true }),
  join('with a __proto__ field', JSON.parse('{"room":"lounge","name":"Eve","__proto__":{"admin":true}}')),
  because(join('with an empty room', { room: '', name: 'Eve' }), 'room', 'empty'),
  because(join('with a blank room', { room: '   ', name: 'Eve' }), 'room', 'empty'),
  because(
    join('with a room over the limit', { room: 'r'.repeat(LIMITS.room + 1), name: 'Eve' }),
    'room',
    'too-long'
  ),
  because(
    join('with a room containing a slash', { room: '../lounge', name: 'Eve' }),
    'room',
    'not-allowed-characters'
  ),
  because(join('with an empty name', { room: 'lounge', name: '' }), 'name', 'empty'),
  because(
    join('with a name over the limit', { room: 'lounge', name: 'n'.repeat(LIMITS.name + 1) }),
    'name',
    'too-long'
  ),
  because(
    join('with a newline in the name', { room: 'lounge', name: 'Eve\nAnn' }),
    'name',
    'not-allowed-characters'
  ),
  because(
    join('with a bidi override in the name', { room: 'lounge', name: 'Eve\u202eAnn' }),
    'name',
    'invisible-characters'
  ),
  because(
    join('with a password over the limit', {
      room: 'lounge',
      name: 'Eve',
      password: 'p'.repeat(LIMITS.password + 1)
    }),
    'password',
    'too-long'
  ),
  because(join('with an empty password', { room: 'lounge', name: 'Eve', password: '' }), 'password', 'empty'),
  join('with a null password', { room: 'lounge', name: 'Eve', password: null }),
  join('with a numeric password', { room: 'lounge', name: 'Eve', password: 1234 }),
  { label: 'with a payload', event: 'room:leave', args: () => [{}] },
  { label: 'with a payload', event: 'rooms:list', args: () => ['all'], fromLobby: true },
  signal('without description or candidate', (bob) => ({ to: bob })),
  signal('without to', () => ({ description: offer })),
  signal('with a numeric to', () => ({ to: 5, description: offer })),
  signal('with an empty to', () => ({ to: '', description: offer })),
  signal('with a to over the limit', () => ({ to: 'x'.repeat(LIMITS.peerId + 1), description: offer })),
  signal('with an extra field', (bob) => ({ to: bob, description: offer, via: 'x' })),
  signal('with a string payload', (bob) => bob),
  signal('with a null payload', () => null),
  signal('with an unknown SDP type', (bob) => ({ to: bob, description: { type: 'bogus', sdp: 'v=0' } })),
  signal('with a numeric SDP', (bob) => ({ to: bob, description: { type: 'offer', sdp: 5 } })),
  signal('with an SDP over the limit', (bob) => ({
    to: bob,
    description: { type: 'offer', sdp: 'a'.repeat(LIMITS.sdp + 1) }
  })),
  signal('with an extra description field', (bob) => ({ to: bob, description: { ...offer, x: 1 } })),
  signal('with a string candidate', (bob) => ({ to: bob, candidate: 'candidate:1' })),
  signal('with a candidate over the limit', (bob) => ({
    to: bob,
    candidate: { candidate: 'c'.repeat(LIMITS.candidate + 1) }
  })),
  signal('with a negative sdpMLineIndex', (bob) => ({
    to: bob,
    candidate: { ...candidate, sdpMLineIndex: -1 }
  })),
  signal('with a fractional sdpMLineIndex', (bob) => ({
    to: bob,
    candidate: { ...candidate, sdpMLineIndex: 0.5 }
  })),
  signal('with an sdpMid over the limit', (bob) => ({
    to: bob,
    candidate: { ...candidate, sdpMid: 'm'.repeat(LIMITS.sdpMid + 1) }
  })),
  signal('with an extra candidate field', (bob) => ({
    to: bob,
    candidate: { ...candidate, foundation: '1' }
  })),
  chat('without a payload'),
  chat('with a string payload', 'hello'),
  chat('without text', {}),
  chat('with a numeric text', { text: 42 }),
  because(chat('with an empty text', { text: '' }), 'text', 'empty'),
  because(chat('with a blank text', { text: ' \n\t ' }), 'text', 'empty'),
  because(chat('with a text over the limit', { text: 't'.repeat(LIMITS.chatText + 1) }), 'text', 'too-long'),
  chat('with a client-set from', { text: 'hi', from: 'someone-else' }),
  chat('with a binary text', { text: Buffer.from('hi') }),
  chat('with an object text', { text: { toString: 'hi' } }),
  update('with no field', {}),
  update('with a string audio', { audio: 'yes' }),
  update('with a numeric video', { video: 1 }),
  because(update('with an empty name', { name: '' }), 'name', 'empty'),
  because(update('with a name over the limit', { name: 'n'.repeat(LIMITS.name + 1) }), 'name', 'too-long'),
  update('with a client-set id', { id: 'someone-else' }),
  update('with a boolean payload', true)
]

/** What a newcomer can observe of the room: its peers and its history. */
async function roomAsSeenByNewcomer(url: string): Promise<unknown> {
  const newcomer = await joined(url, 'lounge', 'Newcomer')
  const view = { peers: newcomer.join.peers, history: newcomer.join.history, room: newcomer.join.room }
  await request(newcomer.socket, 'room:leave')
  return view
}

describe('invalid payloads', () => {
  it.each(cases)(
    'answers $event $label with invalid and changes nothing',
    async ({ event, args, fromLobby, problem }) => {
      // Room lists without the 1 s throttle, so the newcomer's visit's last list arrives before counting.
      const { url, server } = await startServer({ limits: { roomListIntervalMs: 0 } })
      const ann = await joined(url, 'lounge', 'Ann')
      const bob = await joined(url, 'lounge', 'Bob')
      await request(ann.socket, 'chat:send', { text: 'earlier' })
      const lobby = await connect(url)
      const sender: TestClient = fromLobby ? lobby : ann
      await bob.inbox.waitFor('chat:message')
      const roomsBefore = await server.rooms()
      const viewBefore = await roomAsSeenByNewcomer(url)
      // The newcomer's visit sent peer:joined/left and rooms:changed; let them all arrive before counting.
      await vi.waitFor(() => expect(lobby.inbox.payloads('rooms:changed').at(-1)?.[0]?.count).toBe(2))
      // ...and no list is still on its way: none arrives for 100 ms (each change is sent within a tick here).
      for (let seen = -1; seen !== lobby.inbox.payloads('rooms:changed').length;) {
        seen = lobby.inbox.payloads('rooms:changed').length
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      for (const client of [ann, bob, lobby]) await settle(client)
      const receivedBefore = [ann, bob, lobby].map((client) => client.inbox.received.length)

      const ack = await rawRequest(sender.socket, event, ...args(bob.id))

      expect(ack).toEqual({
        ok: false,
        error: { code: 'invalid', message: expect.any(String), ...problem }
      })
      expect((ack as { error: { message: string } }).error.message.length).toBeGreaterThan(0)
      for (const client of [ann, bob, lobby]) await settle(client)
      expect([ann, bob, lobby].map((client) => client.inbox.received.length)).toEqual(receivedBefore)
      expect(await server.rooms()).toEqual(roomsBefore)
      expect(await roomAsSeenByNewcomer(url)).toEqual(viewBefore)
      // The sender and everyone else are still served.
      expect(await request(sender.socket, 'rooms:list')).toMatchObject({ ok: true })
      await request(bob.socket, 'chat:send', { text: 'still here' })
      expect(await ann.inbox.waitFor('chat:message', (message) => message.text === 'still here')).toBeTruthy()
    }
  )

  it('names the offending field in the invalid message', async () => {
    const { url } = await startServer()
    const lobby = await connect(url)
    const ack = await rawRequest(lobby.socket, 'room:join', {
      room: 'lounge',
      name: 'n'.repeat(LIMITS.name + 1)
    })
    expect(ack).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('name') }
    })
  })
})

describe('requests without an ack callback', () => {
  it('ignores room:join without an ack: no room is created and nobody is told', async () => {
    const { url, server } = await startServer()
    const watcher = await connect(url)
    const eve = await connect(url)
    rawEmit(eve.socket, 'room:join', { room: 'lounge', name: 'Eve' })
    await settle(eve)
    await settle(watcher)
    expect(await server.rooms()).toEqual([])
    expect(watcher.inbox.payloads('rooms:changed')).toEqual([])
  })

  it('ignores chat:send without an ack: nothing is delivered or kept', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    rawEmit(ann.socket, 'chat:send', { text: 'lost' })
    await settle(ann)
    await settle(bob)
    expect(bob.inbox.payloads('chat:message')).toEqual([])
    const cat = await joined(url, 'lounge', 'Cat')
    expect(cat.join.history).toEqual([])
  })

  it('ignores room:leave without an ack: the peer stays in the room', async () => {
    const { url, server } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    rawEmit(bob.socket, 'room:leave')
    await settle(bob)
    await settle(ann)
    expect(ann.inbox.payloads('peer:left')).toEqual([])
    expect((await server.rooms())[0]?.count).toBe(2)
  })
})
