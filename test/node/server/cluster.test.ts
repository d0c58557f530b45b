/**
 * Several servers as one: nodes on loopback sharing a real redis-server (rooms in a RedisRoomStore, delivery
 * through Socket.IO's Redis Streams adapter). Peers on different nodes meet in one room, signal, chat and get the
 * history; a room's password, capacity and list hold on every node; a killed node's peers leave; Redis going
 * away answers `unavailable` and service comes back with it.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { SignalingServerOptions } from '../../../src/server/server'
import {
  closeAll,
  connect,
  cutNetwork,
  joined,
  rawEmit,
  request,
  settle,
  startServer,
  WAIT_MS
} from '../../support/signaling'
import type { TestServer } from '../../support/signaling'
import { startRedis, stopRedis } from '../../support/redis'
import { hostCommand } from '../../support/host-command'
import type { TestRedis } from '../../support/redis'

let redis: TestRedis
const children = new Set<ChildProcess>()

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(stopRedis)
/** SIGKILLs a node process and everything it started (tsx's node child is the server). */
function killNode(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

afterEach(async () => {
  for (const child of children) killNode(child)
  children.clear()
  await closeAll()
  await redis.start()
  const client = new Redis(redis.url)
  await client.flushall()
  client.disconnect()
})

async function nodes(count: number, options: SignalingServerOptions = {}): Promise<TestServer[]> {
  const started: TestServer[] = []
  for (let i = 0; i < count; i++) {
    started.push(await startServer({ ...options, cluster: { redisUrl: redis.url, nodeId: `node-${i}` } }))
  }
  return started
}

describe('three servers sharing one Redis', () => {
  it('put peers of different nodes in one room: they see each other, signal, chat and get the history', async () => {
    const [a, b, c] = await nodes(3)
    const ann = await joined(a.url, 'lounge', 'Ann')
    const bob = await joined(b.url, 'lounge', 'Bob')
    expect(bob.join.peers.map((peer) => peer.name)).toEqual(['Ann'])
    expect((await ann.inbox.waitFor('peer:joined')).name).toBe('Bob')

    const offer = { type: 'offer' as const, sdp: 'v=0\r\n' }
    expect(await request(bob.socket, 'signal', { to: ann.id, description: offer })).toEqual({ ok: true })
    expect(await ann.inbox.waitFor('signal')).toEqual({ from: bob.id, description: offer })
    expect(await request(ann.socket, 'signal', { to: 'nobody', candidate: null })).toMatchObject({
      ok: false,
      error: { code: 'not-found' }
    })

    expect(await request(ann.socket, 'chat:send', { text: 'hello from A' })).toMatchObject({ ok: true })
    expect((await bob.inbox.waitFor('chat:message')).text).toBe('hello from A')
    const carol = await joined(c.url, 'lounge', 'Carol')
    expect(carol.join.history.map((message) => message.text)).toEqual(['hello from A'])
    expect(carol.join.peers.map((peer) => peer.name)).toEqual(['Ann', 'Bob'])

    const lists = await Promise.all(
      [a, b, c].map(async (node) => request((await connect(node.url)).socket, 'rooms:list'))
    )
    expect(lists.every((list) => JSON.stringify(list) === JSON.stringify(lists[0]))).toBe(true)
    expect(lists[0]).toMatchObject({ ok: true, total: 1, rooms: [{ name: 'lounge', count: 3 }] })
  })

  it('relays a stream of signals across nodes in order, and never to a peer who moved on to another room', async () => {
    const [a, b] = await nodes(2)
    const ann = await joined(a.url, 'lounge', 'Ann')
    const bob = await joined(b.url, 'lounge', 'Bob')
    await ann.inbox.waitFor('peer:joined')
    // Sent without acks, as the app sends them: the first costs a store lookup, the rest follow it in order.
    for (let i = 0; i < 20; i++) {
      rawEmit(ann.socket, 'signal', { to: bob.id, candidate: { candidate: `candidate:${i}` } })
    }
    await bob.inbox.waitFor('signal', (message) => message.candidate?.candidate === 'candidate:19')
    expect(bob.inbox.payloads('signal').map((message) => message.candidate?.candidate)).toEqual(
      Array.from({ length: 20 }, (_, i) => `candidate:${i}`)
    )

    // Bob leaves for another room while node A still trusts that he is in the lounge: nothing reaches him.
    expect(await request(bob.socket, 'room:leave')).toEqual({ ok: true })
    await ann.inbox.waitFor('peer:left')
    expect(await request(bob.socket, 'room:join', { room: 'elsewhere', name: 'Bob' })).toMatchObject({
      ok: true
    })
    await request(ann.socket, 'signal', { to: bob.id, candidate: { candidate: 'candidate:stale' } })
    await settle(bob)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(bob.inbox.payloads('signal')).toHaveLength(20)
    expect(ann.inbox.payloads('signal:refused')).toEqual([])
  })

  it('carries raised hands and reactions between nodes, hands in the order they went up', async () => {
    const [a, b] = await nodes(2)
    const ann = await joined(a.url, 'lounge', 'Ann')
    const bob = await joined(b.url, 'lounge', 'Bob')
    expect(await request(bob.socket, 'hand:set', { raised: true })).toMatchObject({ ok: true })
    expect(await request(ann.socket, 'hand:set', { raised: true })).toMatchObject({ ok: true })
    expect(await ann.inbox.waitFor('peer:updated', (peer) => peer.id === bob.id)).toMatchObject({
      hand: expect.any(Number)
    })
    expect(await request(ann.socket, 'reaction:send', { emoji: '👏' })).toEqual({ ok: true })
    expect(await bob.inbox.waitFor('reaction')).toEqual({ from: ann.id, emoji: '👏' })
    const cy = await joined(a.url, 'lounge', 'Cy')
    const up = cy.join.peers.filter((peer) => peer.hand !== undefined)
    expect(up.sort((x, y) => x.hand! - y.hand!).map((peer) => peer.name)).toEqual(['Bob', 'Ann'])
  })

  it('holds a locked room’s password and its capacity on every node', async () => {
    const [a, b, c] = await nodes(3, { capacity: 2 })
    await joined(a.url, 'vault', 'Ann', 'tea')
    const eve = await connect(b.url)
    expect(
      await request(eve.socket, 'room:join', { room: 'vault', name: 'Eve', password: 'coffee' })
    ).toMatchObject({
      ok: false,
      error: { code: 'wrong-password' }
    })
    await joined(b.url, 'vault', 'Bob', 'tea')
    const dan = await connect(c.url)
    expect(
      await request(dan.socket, 'room:join', { room: 'vault', name: 'Dan', password: 'tea' })
    ).toMatchObject({
      ok: false,
      error: { code: 'full' }
    })
  })

  it('resumes a dropped peer through another node: same id, the seat held, no leave or join', async () => {
    const [a, b, c] = await nodes(3, { capacity: 2 })
    const ann = await joined(a.url, 'den', 'Ann')
    const bob = await joined(b.url, 'den', 'Bob')
    await ann.inbox.waitFor('peer:joined')
    await cutNetwork(bob)
    expect(await ann.inbox.waitFor('peer:updated')).toEqual({ ...bob.self, reconnecting: true })
    const cy = await connect(c.url)
    expect(await request(cy.socket, 'room:join', { room: 'den', name: 'Cy' })).toMatchObject({
      ok: false,
      error: { code: 'full' }
    })
    expect((await request(ann.socket, 'chat:send', { text: 'while away' })).ok).toBe(true)

    const back = await connect(c.url)
    const answer = await request(back.socket, 'room:resume', { token: bob.join.token })
    expect(answer).toMatchObject({ ok: true, self: bob.self, peers: [ann.self] })
    expect(answer.ok && answer.history.map((message) => message.text)).toEqual(['while away'])
    await ann.inbox.waitFor('peer:updated', (peer) => peer.reconnecting === undefined)
    const offer = { type: 'offer' as const, sdp: 'v=0\r\n' }
    expect(await request(ann.socket, 'signal', { to: bob.id, description: offer })).toEqual({ ok: true })
    expect(await back.inbox.waitFor('signal')).toEqual({ from: ann.id, description: offer })
    expect(await request(back.socket, 'signal', { to: ann.id, candidate: null })).toEqual({ ok: true })
    expect(await ann.inbox.waitFor('signal')).toEqual({ from: bob.id, candidate: null })
    // b's grace timer ends later and must not take the resumed peer out.
    expect(ann.inbox.payloads('peer:left')).toEqual([])
    expect(ann.inbox.payloads('peer:joined')).toHaveLength(1)
  })

  it('answers resume-failed on every node once the grace window has passed', async () => {
    const [a, b] = await nodes(2, { resumeGraceMs: 300 })
    const ann = await joined(a.url, 'den', 'Ann')
    const bob = await joined(a.url, 'den', 'Bob')
    await cutNetwork(bob)
    expect(await ann.inbox.waitFor('peer:left')).toEqual({ id: bob.id })
    const back = await connect(b.url)
    expect(await request(back.socket, 'room:resume', { token: bob.join.token })).toMatchObject({
      ok: false,
      error: { code: 'resume-failed' }
    })
  })

  it('says which mode it is in at /moim.json', async () => {
    const [a] = await nodes(1)
    expect(await (await fetch(`${a.url}/moim.json`)).json()).toMatchObject({ mode: 'cluster' })
  })
})

/** Runs `npm run host` as another node, in its own process; resolves with its URL. */
async function nodeProcess(): Promise<{ child: ChildProcess; url: string }> {
  const [command, args] = hostCommand([
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--redis',
    redis.url,
    '--log-level',
    'warn'
  ])
  // Its own process group, which is what gets killed.
  const child = spawn(command, args, { cwd: resolve('.'), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  children.add(child)
  let stdout = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  const deadline = Date.now() + 20_000
  for (;;) {
    const match = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)
    if (match) return { child, url: match[1] }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`node did not start: ${stdout}`)
    await new Promise((done) => setTimeout(done, 50))
  }
}

describe('a node that dies', () => {
  it('has its peers leave the rooms on the other nodes within 15 s of a SIGKILL', async () => {
    const [a] = await nodes(1)
    const other = await nodeProcess()
    const ann = await joined(a.url, 'den', 'Ann')
    const ghost = await joined(other.url, 'den', 'Ghost')
    expect((await ann.inbox.waitFor('peer:joined')).name).toBe('Ghost')
    const killedAt = Date.now()
    killNode(other.child)
    expect(await ann.inbox.waitFor('peer:left', ({ id }) => id === ghost.id, 15_000)).toEqual({
      id: ghost.id
    })
    expect(Date.now() - killedAt).toBeLessThan(15_000)
    const list = await request(ann.socket, 'rooms:list')
    expect(list).toMatchObject({ ok: true, rooms: [{ name: 'den', count: 1 }] })
  }, 30_000)
})

describe('a node that dies, with clients that come back', () => {
  it('lets its clients resume on another node, while the ones that do not leave within 15 s', async () => {
    const [a] = await nodes(1)
    const other = await nodeProcess()
    const ann = await joined(a.url, 'den', 'Ann')
    const ghost = await joined(other.url, 'den', 'Ghost')
    const bob = await joined(other.url, 'den', 'Bob')
    await ann.inbox.waitFor('peer:joined', (peer) => peer.name === 'Bob')
    const killedAt = Date.now()
    killNode(other.child)
    // Bob's client reconnects to the node that is left, as a load balancer would send it.
    const back = await connect(a.url)
    const answer = await request(back.socket, 'room:resume', { token: bob.join.token })
    expect(answer).toMatchObject({ ok: true, self: bob.self })
    expect(await ann.inbox.waitFor('peer:left', ({ id }) => id === ghost.id, 15_000)).toEqual({
      id: ghost.id
    })
    expect(Date.now() - killedAt).toBeLessThan(15_000)
    // The dead node's reap has run: Bob is still in the room, reachable on its new node.
    expect(ann.inbox.payloads('peer:left')).toEqual([{ id: ghost.id }])
    expect(await request(ann.socket, 'rooms:list')).toMatchObject({
      ok: true,
      rooms: [{ name: 'den', count: 2 }]
    })
    expect(await request(ann.socket, 'signal', { to: bob.id, candidate: null })).toEqual({ ok: true })
    expect(await back.inbox.waitFor('signal')).toEqual({ from: ann.id, candidate: null })
  }, 30_000)
})

describe('Redis going away', () => {
  it('answers joins unavailable while Redis is down, without a crash, and serves again once it is back', async () => {
    const [a, b] = await nodes(2)
    const ann = await joined(a.url, 'den', 'Ann')
    await joined(a.url, 'den', 'Bob')
    await redis.stop()
    const eve = await connect(b.url)
    expect(await request(eve.socket, 'room:join', { room: 'den', name: 'Eve' })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' }
    })
    expect(await request(ann.socket, 'rooms:list')).toMatchObject({
      ok: false,
      error: { code: 'unavailable' }
    })
    await redis.start()
    const deadline = Date.now() + WAIT_MS * 2
    let answer: unknown
    for (;;) {
      answer = await request(eve.socket, 'room:join', { room: 'fresh', name: 'Eve' })
      if ((answer as { ok: boolean }).ok || Date.now() > deadline) break
      await new Promise((done) => setTimeout(done, 200))
    }
    expect(answer).toMatchObject({ ok: true, room: { name: 'fresh' } })
    expect(await (await fetch(`${a.url}/moim.json`)).json()).toMatchObject({ app: 'moim' })
  }, 30_000)
})
