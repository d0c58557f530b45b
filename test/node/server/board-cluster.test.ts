/**
 * The whiteboard across a cluster: nodes on loopback sharing a real redis-server. Drawers on two nodes see each
 * other's strokes (relayed through the Redis Streams adapter), and a late joiner on a third node gets the whole
 * board from the shared store.
 */
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { boardOf, draw, ids, until } from '../../support/board'
import { closeAll, joined, startServer } from '../../support/signaling'
import type { TestServer } from '../../support/signaling'
import { startRedis, stopRedis } from '../../support/redis'
import type { TestRedis } from '../../support/redis'

let redis: TestRedis

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(stopRedis)
afterEach(async () => {
  await closeAll()
  const client = new Redis(redis.url)
  await client.flushall()
  client.disconnect()
})

async function nodes(count: number): Promise<TestServer[]> {
  const started: TestServer[] = []
  for (let i = 0; i < count; i++) {
    started.push(await startServer({ cluster: { redisUrl: redis.url, nodeId: `node-${i}` } }))
  }
  return started
}

describe('the whiteboard on three nodes sharing one Redis', () => {
  it('relays strokes between drawers on two nodes and gives a late joiner on a third the whole board', async () => {
    const [a, b, c] = await nodes(3)
    const ann = await joined(a.url, 'lounge', 'Ann')
    const bob = await joined(b.url, 'lounge', 'Bob')
    const annBoard = await boardOf(ann.socket)
    const bobBoard = await boardOf(bob.socket)

    // At the same time, on both nodes.
    for (let i = 0; i < 10; i++) {
      draw(annBoard, [
        [100 + i * 50, 100],
        [120 + i * 50, 200]
      ])
      draw(
        bobBoard,
        [
          [100 + i * 50, 900],
          [120 + i * 50, 1000]
        ],
        '#e5484d'
      )
    }
    await until(annBoard, (model) => model.state.strokes.length === 20)
    await until(bobBoard, (model) => model.state.strokes.length === 20)
    expect(ids(bobBoard)).toEqual(ids(annBoard))

    const cy = await joined(c.url, 'lounge', 'Cy')
    const cyBoard = await boardOf(cy.socket)
    expect(ids(cyBoard)).toEqual(ids(annBoard))

    // Undo on node A reaches B and C.
    annBoard.undoLast()
    await until(cyBoard, (model) => model.state.strokes.length === 19)
    await until(bobBoard, (model) => model.state.strokes.length === 19)
    expect(ids(bobBoard)).toEqual(ids(cyBoard))
  })
})
