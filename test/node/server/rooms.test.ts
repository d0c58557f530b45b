import { afterEach, describe, expect, it, vi } from 'vitest'
import { LIMITS } from '../../../src/shared/protocol'
import type { Peer } from '../../../src/shared/protocol'
import { closeAll, connect, joined, request, settle, startServer, WAIT_MS } from '../../support/signaling'

afterEach(closeAll)

const byName = (a: Peer, b: Peer): number => a.name.localeCompare(b.name)

describe('joining a room', () => {
  it('gives the first joiner an empty peer list, its own peer and the new room info', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    expect(ann.join.self).toEqual({ id: ann.id, name: 'Ann', audio: true, video: true, screen: false })
    expect(ann.join.peers).toEqual([])
    expect(ann.join.history).toEqual([])
    expect(ann.join.room).toEqual({ name: 'lounge', count: 1, capacity: LIMITS.capacity, locked: false })
  })

  it('shows two peers to each other: the list for the joiner, peer:joined for the one already there', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    expect(bob.join.peers).toEqual([ann.self])
    expect(bob.join.room.count).toBe(2)
    expect(await ann.inbox.waitFor('peer:joined')).toEqual(bob.self)
  })

  it('shows three peers to each other', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const cat = await joined(url, 'lounge', 'Cat')
    expect([...cat.join.peers].sort(byName)).toEqual([ann.self, bob.self])
    await ann.inbox.waitFor('peer:joined', (peer) => peer.id === cat.id)
    await bob.inbox.waitFor('peer:joined', (peer) => peer.id === cat.id)
    expect(ann.inbox.payloads('peer:joined')).toEqual([bob.self, cat.self])
    expect(bob.inbox.payloads('peer:joined')).toEqual([cat.self])
    expect(cat.inbox.payloads('peer:joined')).toEqual([])
  })

  it('keeps rooms apart: a joiner of another room is neither listed nor announced', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'kitchen', 'Bob')
    expect(bob.join.peers).toEqual([])
    await settle(ann)
    expect(ann.inbox.payloads('peer:joined')).toEqual([])
  })

  it('accepts room and display names in any script', async () => {
    const { url } = await startServer()
    const host = await joined(url, '모임 방', '지수')
    const guest = await joined(url, '모임 방', 'Zoë')
    expect(guest.join.peers).toEqual([host.self])
    expect(guest.join.room.name).toBe('모임 방')
  })

  it('treats room names as case-sensitive', async () => {
    const { url } = await startServer()
    await joined(url, 'Lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    expect(bob.join.peers).toEqual([])
  })

  it('trims surrounding spaces from room and name', async () => {
    const { url } = await startServer()
    const ann = await joined(url, '  lounge ', ' Ann  ')
    expect(ann.self.name).toBe('Ann')
    expect(ann.join.room.name).toBe('lounge')
  })

  it('suffixes a duplicate name, ignoring case, so names stay unique in the room', async () => {
    const { url } = await startServer()
    await joined(url, 'lounge', 'Ann')
    const second = await joined(url, 'lounge', 'ann')
    const third = await joined(url, 'lounge', 'Ann')
    expect(second.self.name).toBe('ann (2)')
    expect(third.self.name).toBe('Ann (3)')
  })

  it('keeps a suffixed name within the name length limit', async () => {
    const { url } = await startServer()
    const long = 'x'.repeat(LIMITS.name)
    await joined(url, 'lounge', long)
    const second = await joined(url, 'lounge', long)
    expect(second.self.name).toHaveLength(LIMITS.name)
    expect(second.self.name.endsWith(' (2)')).toBe(true)
  })

  it('lets the same name be used in different rooms', async () => {
    const { url } = await startServer()
    await joined(url, 'lounge', 'Ann')
    const other = await joined(url, 'kitchen', 'Ann')
    expect(other.self.name).toBe('Ann')
  })

  it('refuses a joiner beyond capacity with full, and tells nobody', async () => {
    const { url, server } = await startServer({ capacity: 2 })
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const cat = await connect(url)
    const ack = await request(cat.socket, 'room:join', { room: 'lounge', name: 'Cat' })
    expect(ack).toEqual({ ok: false, error: { code: 'full', message: expect.any(String) } })
    await settle(ann)
    await settle(bob)
    expect(ann.inbox.payloads('peer:joined')).toEqual([bob.self])
    expect(bob.inbox.payloads('peer:joined')).toEqual([])
    expect(await server.rooms()).toEqual([{ name: 'lounge', count: 2, capacity: 2, locked: false }])
  })

  it('lets a refused joiner in once a place frees up', async () => {
    const { url } = await startServer({ capacity: 2 })
    await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const cat = await connect(url)
    expect(await request(cat.socket, 'room:join', { room: 'lounge', name: 'Cat' })).toMatchObject({
      ok: false
    })
    expect(await request(bob.socket, 'room:leave')).toEqual({ ok: true })
    expect(await request(cat.socket, 'room:join', { room: 'lounge', name: 'Cat' })).toMatchObject({
      ok: true
    })
  })

  it('clamps the capacity option to 2..16', async () => {
    const low = await startServer({ capacity: 1 })
    const high = await startServer({ capacity: 100 })
    expect((await joined(low.url, 'a', 'Ann')).join.room.capacity).toBe(2)
    expect((await joined(high.url, 'a', 'Ann')).join.room.capacity).toBe(LIMITS.maxCapacity)
  })

  it('answers already-in-room to a second join on the same socket and keeps the first membership', async () => {
    const { url, server } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const ack = await request(ann.socket, 'room:join', { room: 'kitchen', name: 'Ann' })
    expect(ack).toEqual({ ok: false, error: { code: 'already-in-room', message: expect.any(String) } })
    expect(await server.rooms()).toEqual([
      { name: 'lounge', count: 1, capacity: LIMITS.capacity, locked: false }
    ])
  })
})

describe('passwords', () => {
  it('lets a joiner with the creator password in', async () => {
    const { url } = await startServer()
    await joined(url, 'vault', 'Ann', 's3cret')
    const bob = await joined(url, 'vault', 'Bob', 's3cret')
    expect(bob.join.room.locked).toBe(true)
  })

  it('refuses a wrong password with wrong-password and a missing one with password-required, and tells nobody', async () => {
    const { url, server } = await startServer()
    const ann = await joined(url, 'vault', 'Ann', 's3cret')
    const bob = await connect(url)
    const wrong = await request(bob.socket, 'room:join', { room: 'vault', name: 'Bob', password: 'S3cret' })
    const missing = await request(bob.socket, 'room:join', { room: 'vault', name: 'Bob' })
    expect(wrong).toEqual({ ok: false, error: { code: 'wrong-password', message: expect.any(String) } })
    expect(missing).toEqual({
      ok: false,
      error: { code: 'password-required', message: 'This room needs a password.' }
    })
    await settle(ann)
    expect(ann.inbox.payloads('peer:joined')).toEqual([])
    expect((await server.rooms())[0]?.count).toBe(1)
  })

  it('checks the password before capacity, so a full room does not confirm a guess', async () => {
    const { url } = await startServer({ capacity: 2 })
    await joined(url, 'vault', 'Ann', 's3cret')
    await joined(url, 'vault', 'Bob', 's3cret')
    const eve = await connect(url)
    const ack = await request(eve.socket, 'room:join', { room: 'vault', name: 'Eve', password: 'guess' })
    expect(ack).toMatchObject({ ok: false, error: { code: 'wrong-password' } })
  })

  it('lets anyone into a room created without a password, and refuses a password sent to it as not-locked', async () => {
    const { url } = await startServer()
    await joined(url, 'open', 'Ann')
    const eve = await connect(url)
    const withPassword = await request(eve.socket, 'room:join', { room: 'open', name: 'Eve', password: 'x' })
    expect(withPassword).toMatchObject({ ok: false, error: { code: 'not-locked' } })
    const bob = await joined(url, 'open', 'Bob')
    expect(bob.join.room.locked).toBe(false)
  })

  it('does not admit the holder of a password to an open room re-created under a locked room’s name', async () => {
    const { url } = await startServer()
    const owner = await joined(url, 'vault', 'Owner', 'secret')
    await request(owner.socket, 'room:leave')
    // The locked room emptied and was deleted; a squatter takes the name without a password.
    const squatter = await joined(url, 'vault', 'Squatter')
    const guest = await connect(url)
    const ack = await request(guest.socket, 'room:join', { room: 'vault', name: 'Guest', password: 'secret' })
    expect(ack).toMatchObject({ ok: false, error: { code: 'not-locked' } })
    await settle(squatter)
    expect(squatter.inbox.payloads('peer:joined')).toEqual([])
  })

  it('never sends or logs a password, right or wrong, and lists the room as locked', async () => {
    const password = 'pw-4f9c1e-unique'
    const guess = 'guess-8b2d70-unique'
    const logged: string[] = []
    const record = (message: string, details?: Record<string, unknown>): void => {
      logged.push(message + JSON.stringify(details ?? {}))
    }
    const { url } = await startServer({
      logger: { debug: record, info: record, warn: record, error: record }
    })
    const lobby = await connect(url)
    const ann = await joined(url, 'vault', 'Ann', password)
    const bob = await joined(url, 'vault', 'Bob', password)
    const eve = await connect(url)
    const acks: unknown[] = [ann.join, bob.join]
    acks.push(await request(eve.socket, 'room:join', { room: 'vault', name: 'Eve', password: guess }))
    acks.push(await request(eve.socket, 'rooms:list'))
    acks.push(await request(ann.socket, 'chat:send', { text: 'hi' }))
    acks.push(await request(ann.socket, 'peer:update', { audio: false }))
    await lobby.inbox.waitFor('rooms:changed', (rooms) => rooms.some((room) => room.count === 2))
    await bob.inbox.waitFor('peer:updated')
    for (const client of [lobby, ann, bob, eve]) await settle(client)

    const everything = JSON.stringify([acks, lobby.inbox.received, ann.inbox.received, bob.inbox.received])
    const eveSaw = JSON.stringify(eve.inbox.received)
    for (const secret of [password, guess]) {
      expect(everything).not.toContain(secret)
      expect(eveSaw).not.toContain(secret)
      expect(logged.join('\n')).not.toContain(secret)
    }
    expect(logged.length).toBeGreaterThan(0)
    expect(acks[3]).toEqual({
      ok: true,
      total: 1,
      rooms: [{ name: 'vault', count: 2, capacity: 6, locked: true }]
    })
  })
})

describe('leaving', () => {
  it('announces peer:left to the others when a peer leaves, and acks the leaver', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    expect(await request(bob.socket, 'room:leave')).toEqual({ ok: true })
    expect(await ann.inbox.waitFor('peer:left')).toEqual({ id: bob.id })
  })

  it('announces peer:left when a peer disconnects without leaving', async () => {
    const { url, server } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    bob.socket.disconnect()
    expect(await ann.inbox.waitFor('peer:left')).toEqual({ id: bob.id })
    expect((await server.rooms())[0]?.count).toBe(1)
  })

  it('deletes a room when its last peer leaves', async () => {
    const { url, server } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    await request(ann.socket, 'room:leave')
    expect(await server.rooms()).toEqual([])
  })

  it('deletes a room when its last peer disconnects', async () => {
    const { url, server } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const watcher = await connect(url)
    ann.socket.disconnect()
    await watcher.inbox.waitFor('rooms:changed', (rooms) => rooms.length === 0)
    expect(await server.rooms()).toEqual([])
  })

  it('forgets a deleted room: the next joiner creates it anew, with its own password', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann', 'old')
    await request(ann.socket, 'chat:send', { text: 'before' })
    await request(ann.socket, 'room:leave')
    const bob = await joined(url, 'lounge', 'Bob')
    expect(bob.join.room.locked).toBe(false)
    expect(bob.join.history).toEqual([])
  })

  it('lets a peer join another room after leaving', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    await request(ann.socket, 'room:leave')
    const ack = await request(ann.socket, 'room:join', { room: 'kitchen', name: 'Ann' })
    expect(ack).toMatchObject({ ok: true, room: { name: 'kitchen', count: 1 } })
  })

  it('answers not-in-room to room:leave outside a room', async () => {
    const { url } = await startServer()
    const ann = await connect(url)
    const ack = await request(ann.socket, 'room:leave')
    expect(ack).toEqual({ ok: false, error: { code: 'not-in-room', message: expect.any(String) } })
  })
})

describe('room list', () => {
  it('answers rooms:list with every room, its count, capacity and lock', async () => {
    const { url } = await startServer({ capacity: 4 })
    await joined(url, 'lounge', 'Ann')
    await joined(url, 'lounge', 'Bob')
    await joined(url, 'vault', 'Cat', 'pw')
    const lobby = await connect(url)
    const ack = await request(lobby.socket, 'rooms:list')
    expect(ack.ok && [...ack.rooms].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'lounge', count: 2, capacity: 4, locked: false },
      { name: 'vault', count: 1, capacity: 4, locked: true }
    ])
  })

  it('sends rooms:changed to clients not in a room when a room appears, grows, shrinks and goes', async () => {
    const { url } = await startServer()
    const lobby = await connect(url)
    // Lists are at most one a second: wait for each before the next change, or they would be coalesced.
    const lists = (count: number): Promise<void> =>
      vi.waitFor(() => expect(lobby.inbox.payloads('rooms:changed')).toHaveLength(count), WAIT_MS)
    const ann = await joined(url, 'lounge', 'Ann')
    await lists(1)
    const bob = await joined(url, 'lounge', 'Bob')
    await lists(2)
    await request(bob.socket, 'room:leave')
    await lists(3)
    await request(ann.socket, 'room:leave')
    await lists(4)
    expect(lobby.inbox.payloads('rooms:changed').map((rooms) => rooms.map((room) => room.count))).toEqual([
      [1],
      [2],
      [1],
      []
    ])
  })

  it('does not send rooms:changed to clients in a room', async () => {
    const { url } = await startServer()
    const lobby = await connect(url)
    const ann = await joined(url, 'lounge', 'Ann')
    await joined(url, 'kitchen', 'Bob')
    await lobby.inbox.waitFor('rooms:changed', (rooms) => rooms.length === 2)
    await settle(ann)
    expect(ann.inbox.payloads('rooms:changed')).toEqual([])
  })

  it('sends rooms:changed again to a peer once it has left its room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    await request(ann.socket, 'room:leave')
    await joined(url, 'kitchen', 'Bob')
    const rooms = await ann.inbox.waitFor('rooms:changed', (list) =>
      list.some((room) => room.name === 'kitchen')
    )
    expect(rooms).toEqual([{ name: 'kitchen', count: 1, capacity: LIMITS.capacity, locked: false }])
  })
})

describe('peer:update', () => {
  it('acks the updated peer and broadcasts it as peer:updated to the others in the room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const ack = await request(bob.socket, 'peer:update', { audio: false, screen: true })
    const expected = { id: bob.id, name: 'Bob', audio: false, video: true, screen: true }
    expect(ack).toEqual({ ok: true, self: expected })
    expect(await ann.inbox.waitFor('peer:updated')).toEqual(expected)
    await settle(bob)
    expect(bob.inbox.payloads('peer:updated')).toEqual([])
  })

  it('suffixes a rename that collides with another peer in the room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const ack = await request(bob.socket, 'peer:update', { name: 'ANN' })
    expect(ack).toMatchObject({ ok: true, self: { name: 'ANN (2)' } })
    expect(await ann.inbox.waitFor('peer:updated')).toMatchObject({ id: bob.id, name: 'ANN (2)' })
  })

  it('lets a peer rename itself to a different case of its own name without a suffix', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'ann')
    expect(await request(ann.socket, 'peer:update', { name: 'Ann' })).toMatchObject({ self: { name: 'Ann' } })
  })

  it('gives a late joiner the updated state of the peers already there', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    await request(ann.socket, 'peer:update', { video: false, name: 'Annie' })
    const bob = await joined(url, 'lounge', 'Bob')
    expect(bob.join.peers).toEqual([{ id: ann.id, name: 'Annie', audio: true, video: false, screen: false }])
  })

  it('answers not-in-room to peer:update outside a room', async () => {
    const { url } = await startServer()
    const ann = await connect(url)
    const ack = await request(ann.socket, 'peer:update', { audio: false })
    expect(ack).toMatchObject({ ok: false, error: { code: 'not-in-room' } })
  })
})
