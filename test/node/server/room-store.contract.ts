/**
 * The RoomStore contract, as a suite every implementation runs: `describeRoomStore('memory', create)` here, and
 * the Redis store's test file with its own `create`. Each test makes a fresh store (and closes it), so an
 * implementation backed by a server must give each one an empty keyspace.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LIMITS } from '../../../src/shared/protocol'
import type { ChatMessage } from '../../../src/shared/protocol'
import { nameChoice, passwordDigest, tokenDigest } from '../../../src/server/room-store'
import type { JoinInput, RoomStore, RoomStoreOptions } from '../../../src/server/room-store'

declare module '../../../src/server/room-store' {
  interface RoomFeatures {
    /** Only the contract suite uses this key, to show a feature's state lives and dies with its room. */
    'contract-test': { strokes: string[] }
  }
}

export type CreateRoomStore = (options: RoomStoreOptions) => RoomStore | Promise<RoomStore>

const DEFAULTS: RoomStoreOptions = { capacity: 4, maxRooms: 10 }

/** A join of peer `id` as `name`, as the server asks it. */
function joinOf(id: string, room: string, name: string, password?: string): JoinInput {
  return {
    room,
    peer: { id, audio: true, video: true, screen: false },
    name: nameChoice(name),
    ...(password === undefined ? {} : { passwordDigest: passwordDigest(password) }),
    // Each peer's token is `token-ID` and it joins on connection `socket-ID`, so tests can name both.
    tokenDigest: tokenDigest(`token-${id}`),
    connection: `socket-${id}`
  }
}

function chat(id: string, text: string): ChatMessage {
  return { id, from: 'p', name: 'Ann', text, ts: 0 }
}

export function describeRoomStore(name: string, create: CreateRoomStore): void {
  describe(`RoomStore contract: ${name}`, () => {
    const stores: RoomStore[] = []
    async function store(options: Partial<RoomStoreOptions> = {}): Promise<RoomStore> {
      const made = await create({ ...DEFAULTS, ...options })
      stores.push(made)
      return made
    }
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((made) => made.close()))
    })

    it('creates a room on the first join and gives later joiners the others, in join order', async () => {
      const rooms = await store()
      const ann = await rooms.join(joinOf('a', 'lounge', 'Ann'))
      const bob = await rooms.join(joinOf('b', 'lounge', 'Bob'))
      const cy = await rooms.join(joinOf('c', 'lounge', 'Cy'))

      expect(ann).toEqual({
        ok: true,
        self: { id: 'a', name: 'Ann', audio: true, video: true, screen: false },
        peers: [],
        room: { name: 'lounge', count: 1, capacity: 4, locked: false },
        history: [],
        created: true
      })
      expect(bob).toMatchObject({ ok: true, created: false, room: { count: 2 } })
      expect(cy.ok && cy.peers.map((peer) => peer.name)).toEqual(['Ann', 'Bob'])
      expect(await rooms.peer('b')).toEqual({
        room: 'lounge',
        peer: { id: 'b', name: 'Bob', audio: true, video: true, screen: false }
      })
      expect(await rooms.peer('nobody')).toBeUndefined()
    })

    it('keeps one room per peer', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      expect(await rooms.join(joinOf('a', 'other', 'Ann'))).toEqual({ ok: false, code: 'already-in-room' })
      expect(await rooms.join(joinOf('a', 'lounge', 'Ann'))).toEqual({ ok: false, code: 'already-in-room' })
      expect(await rooms.rooms()).toEqual([{ name: 'lounge', count: 1, capacity: 4, locked: false }])
    })

    it('leaves, and deletes a room with its password, history and features when it empties', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann', 'tea'))
      await rooms.join(joinOf('b', 'lounge', 'Bob', 'tea'))
      await rooms.appendHistory('lounge', chat('m1', 'hello'))
      expect(await rooms.setFeature('lounge', 'contract-test', { strokes: ['s1'] })).toBe(true)

      expect(await rooms.leave('a')).toEqual({
        peer: { id: 'a', name: 'Ann', audio: true, video: true, screen: false },
        room: { name: 'lounge', count: 1, capacity: 4, locked: true },
        removed: false
      })
      expect(await rooms.leave('a')).toBeUndefined()
      expect(await rooms.peer('a')).toBeUndefined()
      expect(await rooms.leave('b')).toMatchObject({ room: { count: 0 }, removed: true })
      expect(await rooms.rooms()).toEqual([])
      expect(await rooms.history('lounge')).toEqual([])
      expect(await rooms.getFeature('lounge', 'contract-test')).toBeUndefined()

      // The next joiner creates a new, open room of that name.
      expect(await rooms.join(joinOf('c', 'lounge', 'Cy'))).toMatchObject({
        ok: true,
        created: true,
        room: { locked: false },
        history: []
      })
    })

    it('lists the fullest rooms first, then by name, at most LIMITS.listedRooms, with the total', async () => {
      const rooms = await store({ maxRooms: LIMITS.listedRooms + 5 })
      await rooms.join(joinOf('a1', 'b-room', 'A'))
      await rooms.join(joinOf('a2', 'b-room', 'B'))
      await rooms.join(joinOf('b1', 'a-room', 'A'))
      await rooms.join(joinOf('c1', 'c-room', 'A'))
      expect(await rooms.list()).toEqual({
        rooms: [
          { name: 'b-room', count: 2, capacity: 4, locked: false },
          { name: 'a-room', count: 1, capacity: 4, locked: false },
          { name: 'c-room', count: 1, capacity: 4, locked: false }
        ],
        total: 3
      })
      expect((await rooms.rooms()).map((room) => room.name)).toEqual(['b-room', 'a-room', 'c-room'])

      for (let i = 0; i < LIMITS.listedRooms + 2; i++) await rooms.join(joinOf(`x${i}`, `x${i}`, 'X'))
      const list = await rooms.list()
      expect(list.total).toBe(LIMITS.listedRooms + 5)
      expect(list.rooms).toHaveLength(LIMITS.listedRooms)
      expect(list.rooms[0].name).toBe('b-room')
    })

    it('refuses a joiner past capacity with full, and lets one in when someone leaves', async () => {
      const rooms = await store({ capacity: 2 })
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      await rooms.join(joinOf('b', 'lounge', 'Bob'))
      expect(await rooms.join(joinOf('c', 'lounge', 'Cy'))).toEqual({ ok: false, code: 'full' })
      await rooms.leave('a')
      expect(await rooms.join(joinOf('c', 'lounge', 'Cy'))).toMatchObject({ ok: true, room: { count: 2 } })
    })

    it('refuses a new room past maxRooms with server-full, but still lets people into existing ones', async () => {
      const rooms = await store({ maxRooms: 2 })
      await rooms.join(joinOf('a', 'one', 'Ann'))
      await rooms.join(joinOf('b', 'two', 'Bob'))
      expect(await rooms.join(joinOf('c', 'three', 'Cy'))).toEqual({ ok: false, code: 'server-full' })
      expect(await rooms.join(joinOf('c', 'one', 'Cy'))).toMatchObject({ ok: true })
    })

    it('locks a room with its creator’s password: missing is password-required, wrong is wrong-password, checked before full', async () => {
      const rooms = await store({ capacity: 2 })
      expect(await rooms.join(joinOf('a', 'lounge', 'Ann', 'tea'))).toMatchObject({
        ok: true,
        room: { locked: true }
      })
      expect(await rooms.join(joinOf('b', 'lounge', 'Bob', 'coffee'))).toEqual({
        ok: false,
        code: 'wrong-password'
      })
      expect(await rooms.join(joinOf('b', 'lounge', 'Bob'))).toEqual({ ok: false, code: 'password-required' })
      expect(await rooms.join(joinOf('b', 'lounge', 'Bob', 'tea'))).toMatchObject({ ok: true })
      // Full: a joiner without a password still learns only that the room is locked, which RoomInfo says anyway.
      expect(await rooms.join(joinOf('c', 'lounge', 'Cy'))).toEqual({ ok: false, code: 'password-required' })
      // Full, but a wrong guess still learns only that it is wrong.
      expect(await rooms.join(joinOf('c', 'lounge', 'Cy', 'coffee'))).toEqual({
        ok: false,
        code: 'wrong-password'
      })
      expect(await rooms.join(joinOf('c', 'lounge', 'Cy', 'tea'))).toEqual({ ok: false, code: 'full' })
    })

    it('refuses a password for an open room with not-locked', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      expect(await rooms.join(joinOf('b', 'lounge', 'Bob', 'tea'))).toEqual({ ok: false, code: 'not-locked' })
      expect(await rooms.join(joinOf('b', 'lounge', 'Bob'))).toMatchObject({ ok: true })
    })

    it('locks a preset room from its first join, whoever creates it', async () => {
      const rooms = await store({ presetPasswords: { team: passwordDigest('open sesame') } })
      expect(await rooms.join(joinOf('e', 'team', 'Eve'))).toEqual({ ok: false, code: 'password-required' })
      expect(await rooms.join(joinOf('e', 'team', 'Eve', 'guess'))).toEqual({
        ok: false,
        code: 'wrong-password'
      })
      expect(await rooms.rooms()).toEqual([])
      expect(await rooms.join(joinOf('b', 'team', 'Bob', 'open sesame'))).toMatchObject({
        ok: true,
        room: { name: 'team', locked: true }
      })
      // Other rooms are not preset.
      expect(await rooms.join(joinOf('d', 'other', 'Dan'))).toMatchObject({
        ok: true,
        room: { locked: false }
      })
    })

    it('gives each joiner the first free name by comparison key', async () => {
      const rooms = await store()
      const names: string[] = []
      for (const [id, asked] of [
        ['a', 'Ann'],
        ['b', 'ANN'],
        ['c', 'ａｎｎ'],
        ['d', 'Bob']
      ]) {
        const joined = await rooms.join(joinOf(id, 'lounge', asked))
        names.push(joined.ok ? joined.self.name : joined.code)
      }
      expect(names).toEqual(['Ann', 'ANN (2)', 'ａｎｎ (3)', 'Bob'])
      // A freed name is free again; the same name is free in another room.
      await rooms.leave('a')
      expect(await rooms.updatePeer('d', { name: nameChoice('ann') })).toMatchObject({
        peer: { name: 'ann' }
      })
      expect(await rooms.join(joinOf('e', 'elsewhere', 'Ann'))).toMatchObject({ self: { name: 'Ann' } })
    })

    it('updates a peer’s media flags and name, keeping its own name free for itself', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      await rooms.join(joinOf('b', 'lounge', 'Bob'))
      expect(await rooms.updatePeer('b', { video: false, screen: true })).toEqual({
        room: 'lounge',
        peer: { id: 'b', name: 'Bob', audio: true, video: false, screen: true }
      })
      expect(await rooms.updatePeer('b', { name: nameChoice('BOB') })).toMatchObject({
        peer: { name: 'BOB', video: false }
      })
      expect(await rooms.updatePeer('b', { name: nameChoice('Ann') })).toMatchObject({
        peer: { name: 'Ann (2)' }
      })
      expect(await rooms.peer('b')).toMatchObject({ peer: { name: 'Ann (2)', screen: true } })
      expect(await rooms.updatePeer('nobody', { audio: false })).toBeUndefined()
    })

    it('keeps raised hands on the peer, numbered in the order they went up, and drops them when lowered', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      await rooms.join(joinOf('b', 'lounge', 'Bob'))
      expect((await rooms.updatePeer('b', { hand: true }))?.peer).toEqual({
        id: 'b',
        name: 'Bob',
        audio: true,
        video: true,
        screen: false,
        hand: 1
      })
      const ann = await rooms.updatePeer('a', { hand: true })
      expect(ann?.peer.hand).toBe(2)
      // Raising again keeps the place; other changes keep the hand.
      expect((await rooms.updatePeer('b', { hand: true }))?.peer.hand).toBe(1)
      expect((await rooms.updatePeer('b', { audio: false }))?.peer).toMatchObject({ audio: false, hand: 1 })
      const lowered = await rooms.updatePeer('b', { hand: false })
      expect(lowered?.peer).toEqual({ id: 'b', name: 'Bob', audio: false, video: true, screen: false })
      expect((await rooms.peer('a'))?.peer.hand).toBe(2)
      // A hand raised after others were lowered still goes after every hand up now.
      expect((await rooms.updatePeer('b', { hand: true }))?.peer.hand).toBe(3)
      // A late joiner sees who has a hand up.
      const cy = await rooms.join(joinOf('c', 'lounge', 'Cy'))
      expect(cy.ok && cy.peers.map((peer) => peer.hand)).toEqual([2, 3])
    })

    it('keeps the last LIMITS.history messages, oldest first, for rooms that exist', async () => {
      const rooms = await store()
      expect(await rooms.appendHistory('lounge', chat('m0', 'before'))).toBe(false)
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      for (let i = 1; i <= LIMITS.history + 5; i++) {
        expect(await rooms.appendHistory('lounge', chat(`m${i}`, `text ${i}`))).toBe(true)
      }
      const kept = await rooms.history('lounge')
      expect(kept).toHaveLength(LIMITS.history)
      expect(kept[0].id).toBe('m6')
      expect(kept.at(-1)?.id).toBe(`m${LIMITS.history + 5}`)
      const joined = await rooms.join(joinOf('b', 'lounge', 'Bob'))
      expect(joined.ok && joined.history).toEqual(kept)
    })

    it('keeps history within LIMITS.historyBytes of JSON, escapes counted', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      // Control characters take six bytes each in JSON: 2,000 of them is ~12 KB a message.
      for (let i = 0; i < 20; i++) await rooms.appendHistory('lounge', chat(`m${i}`, '\u0001'.repeat(2_000)))
      const kept = await rooms.history('lounge')
      const bytes = kept.reduce((sum, message) => sum + Buffer.byteLength(JSON.stringify(message)), 0)
      expect(bytes).toBeLessThanOrEqual(LIMITS.historyBytes)
      expect(bytes).toBeGreaterThan(LIMITS.historyBytes - 13_000)
      expect(kept.at(-1)?.id).toBe('m19')
    })

    it('keeps per-room feature state for rooms that exist', async () => {
      const rooms = await store()
      expect(await rooms.setFeature('lounge', 'contract-test', { strokes: ['x'] })).toBe(false)
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      await rooms.join(joinOf('b', 'other', 'Bob'))
      expect(await rooms.getFeature('lounge', 'contract-test')).toBeUndefined()
      await rooms.setFeature('lounge', 'contract-test', { strokes: ['s1', 's2'] })
      expect(await rooms.getFeature('lounge', 'contract-test')).toEqual({ strokes: ['s1', 's2'] })
      expect(await rooms.getFeature('other', 'contract-test')).toBeUndefined()
    })

    it('lets exactly capacity of 12 racing joiners in', async () => {
      const rooms = await store({ capacity: 4 })
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) => rooms.join(joinOf(`p${i}`, 'lounge', `P${i}`)))
      )
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(4)
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual(
        Array.from({ length: 8 }, () => ({ ok: false, code: 'full' }))
      )
      expect(await rooms.rooms()).toEqual([{ name: 'lounge', count: 4, capacity: 4, locked: false }])
      expect(outcomes.filter((outcome) => outcome.ok && outcome.created)).toHaveLength(1)
    })

    it('gives 10 racing joiners of one name 10 distinct names', async () => {
      const rooms = await store({ capacity: 10 })
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => rooms.join(joinOf(`p${i}`, 'lounge', 'Sam')))
      )
      const names = outcomes.map((outcome) => (outcome.ok ? outcome.self.name : outcome.code))
      expect(new Set(names).size).toBe(10)
      expect([...names].sort()).toEqual(
        ['Sam', ...Array.from({ length: 9 }, (_, i) => `Sam (${i + 2})`)].sort()
      )
    })

    it('keeps a room’s board log within its bounds, atomically, and deletes it with the room', async () => {
      const rooms = await store()
      const bounds = { maxBytes: 10, maxStrokes: 3 }
      expect(await rooms.appendBoard('lounge', 'AAAA', 1, bounds)).toEqual({ ok: false, code: 'no-room' })
      expect(await rooms.readBoard('lounge')).toBeUndefined()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      expect(await rooms.readBoard('lounge')).toEqual({ updates: [], bytes: 0, strokes: 0, version: 0 })

      expect(await rooms.appendBoard('lounge', 'AAAA', 1, bounds)).toEqual({ ok: true, updates: 1 })
      expect(await rooms.appendBoard('lounge', 'BBBB', 2, bounds)).toEqual({ ok: true, updates: 2 })
      // One stroke too many, then two bytes too many: refused whole.
      expect(await rooms.appendBoard('lounge', 'C', 1, bounds)).toEqual({ ok: false, code: 'board-full' })
      expect(await rooms.appendBoard('lounge', 'DDD', 0, bounds)).toEqual({ ok: false, code: 'board-full' })
      expect(await rooms.readBoard('lounge')).toEqual({
        updates: ['AAAA', 'BBBB'],
        bytes: 8,
        strokes: 3,
        version: 0
      })

      await rooms.leave('a')
      await rooms.join(joinOf('b', 'lounge', 'Bob'))
      expect(await rooms.readBoard('lounge')).toEqual({ updates: [], bytes: 0, strokes: 0, version: 0 })
    })

    it('appends racing board updates without losing one', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      const bounds = { maxBytes: 1_000, maxStrokes: 30 }
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) => rooms.appendBoard('lounge', `u${i}`, 1, bounds))
      )
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(30)
      const board = await rooms.readBoard('lounge')
      expect(board?.updates).toHaveLength(30)
      expect(board?.strokes).toBe(30)
    })

    it('compacts a board log only from the version it was read at, keeping later appends', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      const bounds = { maxBytes: 1_000, maxStrokes: 100 }
      for (const update of ['a1', 'a2', 'a3']) await rooms.appendBoard('lounge', update, 2, bounds)
      const read = await rooms.readBoard('lounge')
      if (read === undefined) throw new Error('no board')
      // Appended after the read: kept after the merge.
      await rooms.appendBoard('lounge', 'late', 1, bounds)
      const compaction = {
        version: read.version,
        count: 3,
        strokes: read.strokes,
        merged: 'M',
        liveStrokes: 4
      }
      expect(await rooms.compactBoard('lounge', compaction)).toBe(true)
      expect(await rooms.readBoard('lounge')).toEqual({
        updates: ['M', 'late'],
        bytes: 5,
        strokes: 5,
        version: 1
      })
      // A second compaction from the same (now old) read changes nothing.
      expect(await rooms.compactBoard('lounge', compaction)).toBe(false)
      expect((await rooms.readBoard('lounge'))?.updates).toEqual(['M', 'late'])
      expect(await rooms.compactBoard('other', compaction)).toBe(false)
    })

    it('creates one room, with the first creator’s password, when creators race', async () => {
      const rooms = await store()
      const outcomes = await Promise.all(
        ['one', 'two', 'three'].map((password, i) => rooms.join(joinOf(`p${i}`, 'lounge', `P${i}`, password)))
      )
      expect(outcomes.filter((outcome) => outcome.ok && outcome.created)).toHaveLength(1)
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1)
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([
        { ok: false, code: 'wrong-password' },
        { ok: false, code: 'wrong-password' }
      ])
    })

    it('leaves one room count right when joins and leaves race', async () => {
      const rooms = await store({ capacity: 8 })
      await Promise.all(Array.from({ length: 8 }, (_, i) => rooms.join(joinOf(`p${i}`, 'lounge', `P${i}`))))
      await Promise.all([
        ...Array.from({ length: 4 }, (_, i) => rooms.leave(`p${i}`)),
        ...Array.from({ length: 4 }, (_, i) => rooms.join(joinOf(`q${i}`, 'lounge', `Q${i}`)))
      ])
      const [room] = await rooms.rooms()
      expect(room.count).toBeGreaterThanOrEqual(4)
      expect(room.count).toBeLessThanOrEqual(8)
      const present = await Promise.all(
        [...Array(8).keys()].flatMap((i) => [rooms.peer(`p${i}`), rooms.peer(`q${i}`)])
      )
      expect(present.filter((entry) => entry !== undefined)).toHaveLength(room.count)
    })

    it('holds a dropped peer: still a member, marked reconnecting, its seat counted', async () => {
      const rooms = await store({ capacity: 2 })
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      await rooms.join(joinOf('b', 'lounge', 'Bob'))
      expect(await rooms.hold('b', 'socket-b', 1_000)).toEqual({
        room: 'lounge',
        peer: { id: 'b', name: 'Bob', audio: true, video: true, screen: false, reconnecting: true }
      })
      expect(await rooms.join(joinOf('c', 'lounge', 'Cy'))).toEqual({ ok: false, code: 'full' })
      const ann = await rooms.peer('a')
      expect(ann?.peer.reconnecting).toBeUndefined()
      expect((await rooms.peer('b'))?.peer.reconnecting).toBe(true)
      expect(await rooms.hold('a', 'socket-somewhere-else', 1_000)).toBeUndefined()
      expect(await rooms.hold('nobody', 'socket-nobody', 1_000)).toBeUndefined()
    })

    it('lists a held peer to a newcomer as reconnecting, so the newcomer waits for its call', async () => {
      const rooms = await store({ capacity: 3 })
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      await rooms.join(joinOf('b', 'lounge', 'Bob'))
      await rooms.hold('b', 'socket-b', 1_000)
      const joined = await rooms.join(joinOf('c', 'lounge', 'Cy'))
      expect(joined.ok && joined.peers.map((peer) => [peer.name, peer.reconnecting])).toEqual([
        ['Ann', undefined],
        ['Bob', true]
      ])
    })

    it('resumes a peer by its token: same id, name and seat, the others and the history', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      await rooms.join(joinOf('b', 'lounge', 'Bob'))
      await rooms.appendHistory('lounge', chat('m1', 'while away'))
      await rooms.hold('b', 'socket-b', 1_000)
      expect(await rooms.resume({ tokenDigest: tokenDigest('token-b'), connection: 'socket-b2' })).toEqual({
        ok: true,
        self: { id: 'b', name: 'Bob', audio: true, video: true, screen: false },
        peers: [{ id: 'a', name: 'Ann', audio: true, video: true, screen: false }],
        room: { name: 'lounge', count: 2, capacity: 4, locked: false },
        history: [chat('m1', 'while away')],
        previousConnection: 'socket-b',
        wasHeld: true
      })
      // The hold is over: its expiry changes nothing, and the old connection can neither hold nor leave.
      expect(await rooms.expire('b', 1_000)).toBeUndefined()
      expect(await rooms.hold('b', 'socket-b', 2_000)).toBeUndefined()
      expect(await rooms.leave('b', 'socket-b')).toBeUndefined()
      expect((await rooms.peer('b'))?.peer).toEqual({
        id: 'b',
        name: 'Bob',
        audio: true,
        video: true,
        screen: false
      })
      // A peer that comes back before its drop was noticed resumes too, without having been held.
      expect(
        await rooms.resume({ tokenDigest: tokenDigest('token-a'), connection: 'socket-a2' })
      ).toMatchObject({
        ok: true,
        previousConnection: 'socket-a',
        wasHeld: false
      })
    })

    it('keeps what a peer had through a hold: its raised hand and media state come back with it', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      await rooms.join(joinOf('b', 'lounge', 'Bob'))
      const raised = await rooms.updatePeer('b', { hand: true, video: false })
      await rooms.hold('b', 'socket-b', 1_000)
      const back = await rooms.resume({ tokenDigest: tokenDigest('token-b'), connection: 'socket-b2' })
      expect(back).toMatchObject({ ok: true, self: { id: 'b', video: false, hand: raised?.peer.hand } })
      expect(back.ok && back.self.hand).toEqual(expect.any(Number))
      expect(back.ok && 'reconnecting' in back.self).toBe(false)
    })

    it('ends a hold at its expiry: the peer leaves and its token no longer resumes', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      await rooms.join(joinOf('b', 'lounge', 'Bob'))
      await rooms.hold('b', 'socket-b', 1_000)
      expect(await rooms.expire('b', 999)).toBeUndefined()
      expect(await rooms.expire('b', 1_000)).toEqual({
        peer: { id: 'b', name: 'Bob', audio: true, video: true, screen: false, reconnecting: true },
        room: { name: 'lounge', count: 1, capacity: 4, locked: false },
        removed: false
      })
      expect(await rooms.resume({ tokenDigest: tokenDigest('token-b'), connection: 'x' })).toEqual({
        ok: false,
        code: 'resume-failed'
      })
      // Its name is free again.
      const bob = await rooms.join(joinOf('c', 'lounge', 'Bob'))
      expect(bob.ok && bob.self.name).toBe('Bob')
    })

    it('refuses to resume with an unknown token, or the token of a peer that left', async () => {
      const rooms = await store()
      await rooms.join(joinOf('a', 'lounge', 'Ann'))
      await rooms.join(joinOf('b', 'lounge', 'Bob'))
      expect(await rooms.resume({ tokenDigest: tokenDigest('guess'), connection: 'x' })).toEqual({
        ok: false,
        code: 'resume-failed'
      })
      expect(await rooms.leave('b', 'socket-b')).toMatchObject({ peer: { id: 'b' } })
      expect(await rooms.resume({ tokenDigest: tokenDigest('token-b'), connection: 'x' })).toEqual({
        ok: false,
        code: 'resume-failed'
      })
      expect(await rooms.leave('a')).toMatchObject({ removed: true })
      expect(await rooms.resume({ tokenDigest: tokenDigest('token-a'), connection: 'x' })).toEqual({
        ok: false,
        code: 'resume-failed'
      })
    })
  })
}
