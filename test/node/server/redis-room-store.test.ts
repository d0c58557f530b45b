/**
 * The Redis room store against a real redis-server: what only a shared store has to get right (several nodes
 * racing, a node dying, Redis going away). The behaviour both stores share is the contract suite's.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { nameChoice, passwordDigest, tokenDigest } from '../../../src/server/room-store'
import type { JoinInput } from '../../../src/server/room-store'
import { RedisRoomStore } from '../../../src/server/redis-room-store'
import type { RedisRoomStoreOptions } from '../../../src/server/redis-room-store'
import { startRedis, stopRedis } from '../../support/redis'
import type { TestRedis } from '../../support/redis'
import { describeRoomStore } from './room-store.contract'

let redis: TestRedis
const stores = new Set<RedisRoomStore>()

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(stopRedis)
beforeEach(async () => {
  await redis.start()
})
afterEach(async () => {
  await Promise.all([...stores].map((store) => store.close()))
  stores.clear()
  const flusher = new RedisRoomStore({ url: redis.url, capacity: 2, maxRooms: 1 })
  await flusher.client.connect()
  await flusher.client.flushall()
  await flusher.client.quit()
})

async function node(options: Partial<RedisRoomStoreOptions> = {}): Promise<RedisRoomStore> {
  const store = new RedisRoomStore({ url: redis.url, capacity: 4, maxRooms: 100, ...options })
  stores.add(store)
  await store.connect()
  return store
}

let nextId = 0
function joinInput(room: string, name: string, password?: string): JoinInput {
  const id = `p${++nextId}`
  const input: JoinInput = {
    room,
    peer: { id, audio: true, video: true, screen: false },
    name: nameChoice(name),
    tokenDigest: tokenDigest(`token-${id}`),
    connection: `socket-${id}`
  }
  if (password !== undefined) input.passwordDigest = passwordDigest(password)
  return input
}

// The behaviour both stores share, each store in a keyspace of its own.
describeRoomStore('redis', async (options) => {
  const store = new RedisRoomStore({ ...options, url: redis.url, prefix: `contract-${randomUUID()}` })
  await store.connect()
  return store
})

describe('RedisRoomStore across nodes', () => {
  it('lets exactly 4 of 12 clients spread over 3 nodes into a capacity-4 room', async () => {
    const nodes = [await node(), await node(), await node()]
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => nodes[i % 3].join(joinInput('race', `R${i}`)))
    )
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(4)
    expect(outcomes.filter((outcome) => !outcome.ok && outcome.code === 'full')).toHaveLength(8)
    expect((await nodes[1].rooms())[0]).toMatchObject({ name: 'race', count: 4 })
  })

  it('gives 10 clients racing for one name on 3 nodes 10 distinct names', async () => {
    const nodes = [await node({ capacity: 10 }), await node({ capacity: 10 }), await node({ capacity: 10 })]
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => nodes[i % 3].join(joinInput('same', 'Alice')))
    )
    const names = outcomes.map((outcome) => (outcome.ok ? outcome.self.name : ''))
    expect(new Set(names).size).toBe(10)
    expect(names).toContain('Alice')
    expect(names).toContain('Alice (10)')
  })

  it('holds a locked room’s password and the history for every node', async () => {
    const [a, b] = [await node(), await node()]
    expect((await a.join(joinInput('vault', 'Ann', 'tea'))).ok).toBe(true)
    expect(await b.join(joinInput('vault', 'Eve', 'coffee'))).toEqual({ ok: false, code: 'wrong-password' })
    await a.appendHistory('vault', { id: 'm1', from: 'p', name: 'Ann', text: 'hi', ts: 1 })
    const bob = await b.join(joinInput('vault', 'Bob', 'tea'))
    expect(bob.ok && bob.history.map((message) => message.text)).toEqual(['hi'])
    expect(bob.ok && bob.room).toEqual({ name: 'vault', count: 2, capacity: 4, locked: true })
    expect(await a.list()).toEqual(await b.list())
  })

  it('takes the peers of a node whose heartbeat stopped out of their rooms, once', async () => {
    const dying = await node({ heartbeatTtlMs: 300 })
    const [a, b] = [await node(), await node()]
    const ghost = joinInput('den', 'Ghost')
    expect((await dying.join(ghost)).ok).toBe(true)
    expect((await a.join(joinInput('den', 'Ann'))).ok).toBe(true)
    // Stop its heartbeat without leaving, as a SIGKILL would.
    dying.client.disconnect()
    stores.delete(dying)
    await new Promise((resolve) => setTimeout(resolve, 500))
    const [fromA, fromB] = await Promise.all([a.reapDeadNodes(), b.reapDeadNodes()])
    const reaped = [...fromA, ...fromB]
    expect(reaped.map((outcome) => outcome.peer.id)).toEqual([ghost.peer.id])
    expect((await a.rooms())[0]).toMatchObject({ name: 'den', count: 1 })
    expect(await a.reapDeadNodes()).toEqual([])
  })

  it('lets a peer of a dead node resume through another node, and then does not reap it', async () => {
    const dying = await node({ heartbeatTtlMs: 300 })
    const [a, b] = [await node(), await node()]
    const ghost = joinInput('den', 'Ghost')
    const left = joinInput('den', 'Gone')
    expect((await dying.join(ghost)).ok).toBe(true)
    expect((await dying.join(left)).ok).toBe(true)
    expect((await a.join(joinInput('den', 'Ann'))).ok).toBe(true)
    dying.client.disconnect()
    stores.delete(dying)
    const resumed = await b.resume({ tokenDigest: tokenDigest(`token-${ghost.peer.id}`), connection: 'new' })
    expect(resumed).toMatchObject({ ok: true, self: { id: ghost.peer.id, name: 'Ghost' }, wasHeld: false })
    await new Promise((resolve) => setTimeout(resolve, 500))
    const reaped = [...(await a.reapDeadNodes()), ...(await b.reapDeadNodes())]
    expect(reaped.map((outcome) => outcome.peer.id)).toEqual([left.peer.id])
    expect((await a.peer(ghost.peer.id))?.room).toBe('den')
    // Now b's: b's death would take it out.
    expect(await a.leave(ghost.peer.id, 'old-connection')).toBeUndefined()
    expect(await a.leave(ghost.peer.id, 'new')).toMatchObject({ peer: { id: ghost.peer.id } })
  })

  it('rejects while Redis is down, without crashing, and works again when it is back', async () => {
    const store = await node()
    await redis.stop()
    await expect(store.join(joinInput('den', 'Ann'))).rejects.toThrow()
    await redis.start()
    await expect
      .poll(async () => (await store.join(joinInput('den', 'Ann')).catch(() => null))?.ok, {
        timeout: 10_000,
        interval: 200
      })
      .toBe(true)
  })
})
