/**
 * The whiteboard on a real server with real socket.io-client sockets and the renderer's real BoardModel: strokes
 * relay and converge, late joiners get the whole board, undo is per person, the board outlives its drawer and goes
 * with its room; and every hostile board message is refused with no change while the server keeps serving.
 */
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import { BOARD_LIMITS, BOARD_ROOT } from '../../../src/shared/board'
import { SYNC_PART_CHARS } from '../../../src/server/board'
import { MemoryRoomStore } from '../../../src/server/memory-room-store'
import { boardOf, draw, ids, rawUpdate, stroke, strokesUpdate, until } from '../../support/board'
import {
  closeAll,
  disconnected,
  joined,
  rawEmit,
  rawRequest,
  request,
  settle,
  startServer,
  WAIT_MS
} from '../../support/signaling'
import type { TestClient } from '../../support/signaling'

afterEach(closeAll)

/** Syncs a raw client and returns the Yjs client id the server gave it. */
async function clientIdOf(client: TestClient): Promise<number> {
  const ack = await request(client.socket, 'board:sync', { part: 0 })
  if (!ack.ok) throw new Error(`board:sync failed: ${ack.error.code}`)
  return ack.clientId
}

/** The strokes a fresh sync of the room's board holds, by id. */
async function boardIds(url: string, room = 'lounge'): Promise<string[]> {
  const probe = await joined(url, room, 'Probe')
  const model = await boardOf(probe.socket)
  const found = ids(model)
  model.dispose()
  probe.socket.disconnect()
  return found
}

describe('the whiteboard', () => {
  it('relays a stroke to the room and gives it to a late joiner, with the same document everywhere', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const annBoard = await boardOf(ann.socket)
    const bobBoard = await boardOf(bob.socket)

    draw(annBoard, [
      [100, 100],
      [200, 150],
      [300, 120]
    ])
    draw(
      bobBoard,
      [
        [900, 900],
        [950, 1000]
      ],
      '#e5484d'
    )
    await until(annBoard, (model) => model.state.strokes.length === 2)
    await until(bobBoard, (model) => model.state.strokes.length === 2)
    expect(ids(annBoard)).toEqual(ids(bobBoard))

    const cy = await joined(url, 'lounge', 'Cy')
    const cyBoard = await boardOf(cy.socket)
    expect(ids(cyBoard)).toEqual(ids(annBoard))
    expect(cyBoard.state.strokes[0].points.slice(0, 3)).toEqual(annBoard.state.strokes[0].points.slice(0, 3))
    // Same Yjs content on every board (an update merged into another board changes nothing).
    const merged = new Y.Doc()
    Y.applyUpdate(merged, annBoard.encodeState())
    Y.applyUpdate(merged, cyBoard.encodeState())
    expect(merged.getArray(BOARD_ROOT).toJSON()).toEqual(cyBoard.state.strokes)
  })

  it('shows others a stroke while it is drawn (drafts), and their cursors', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const annBoard = await boardOf(ann.socket)
    const bobBoard = await boardOf(bob.socket)

    annBoard.begin({ tool: 'pen', color: '#1f2328', size: 12 }, 10, 10, 0.5)
    annBoard.extend(40, 40, 0.5)
    annBoard.pointer(40, 40, true)
    await until(bobBoard, (model) => model.state.drafts.length === 1 && model.state.cursors.length === 1)
    expect(bobBoard.state.drafts[0]).toMatchObject({ from: ann.id, points: [10, 10, 50, 40, 40, 50] })
    expect(bobBoard.state.cursors[0]).toEqual({ from: ann.id, x: 40, y: 40 })
    expect(bobBoard.state.strokes).toHaveLength(0)

    annBoard.end()
    // The committed stroke replaces the draft.
    await until(bobBoard, (model) => model.state.strokes.length === 1 && model.state.drafts.length === 0)
  })

  it('undoes and redoes only the stroke of the person who asks, on every board', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const annBoard = await boardOf(ann.socket)
    const bobBoard = await boardOf(bob.socket)
    draw(annBoard, [
      [10, 10],
      [20, 20]
    ])
    await until(bobBoard, (model) => model.state.strokes.length === 1)
    const annStroke = ids(annBoard)[0]
    draw(bobBoard, [
      [500, 500],
      [600, 600]
    ])
    await until(annBoard, (model) => model.state.strokes.length === 2)
    const bobStroke = ids(bobBoard)[1]

    // Ann's last change is her stroke, although Bob drew after her.
    annBoard.undoLast()
    await until(bobBoard, (model) => model.state.strokes.length === 1)
    expect(ids(bobBoard)).toEqual([bobStroke])
    expect(ids(annBoard)).toEqual([bobStroke])
    expect(annBoard.state.canRedo).toBe(true)

    annBoard.redoLast()
    await until(bobBoard, (model) => model.state.strokes.length === 2)
    expect(new Set(ids(bobBoard))).toEqual(new Set([annStroke, bobStroke]))
    expect(await boardIds(url)).toEqual(ids(bobBoard))
  })

  it('erases whole strokes of anyone, and clears the board for everyone, telling the room who cleared it', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const annBoard = await boardOf(ann.socket)
    const bobBoard = await boardOf(bob.socket)
    draw(annBoard, [
      [100, 100],
      [300, 100]
    ])
    draw(annBoard, [
      [100, 800],
      [300, 800]
    ])
    await until(bobBoard, (model) => model.state.strokes.length === 2)

    expect(bobBoard.eraseAt(200, 104, 10)).toBe(true)
    await until(annBoard, (model) => model.state.strokes.length === 1)
    expect(annBoard.state.strokes[0].points[1]).toBe(800)

    bobBoard.clear()
    await until(annBoard, (model) => model.state.strokes.length === 0)
    expect(await ann.inbox.waitFor('board:cleared')).toEqual({ from: bob.id, name: 'Bob' })
    expect(await bob.inbox.waitFor('board:cleared')).toEqual({ from: bob.id, name: 'Bob' })
    expect(await boardIds(url)).toEqual([])
  })

  it('keeps the board when its drawer leaves, and deletes it with the room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const annBoard = await boardOf(ann.socket)
    draw(annBoard, [
      [10, 10],
      [20, 20]
    ])
    await annBoard.settled()
    expect(await request(ann.socket, 'room:leave')).toEqual({ ok: true })
    expect(await boardIds(url)).toHaveLength(1)

    bob.socket.disconnect()
    ann.socket.disconnect()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await boardIds(url)).toEqual([])
  })

  it('hands a board bigger than one packet over in parts', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const clientId = await clientIdOf(ann)
    // Long strokes of big coordinates: ~13 KB of base64 each.
    const long = (i: number): number[] =>
      Array.from({ length: BOARD_LIMITS.pointsPerStroke }, (_, n) => [3_000 - (n % 7), 1_700 - i, 99]).flat()
    let clock = 0
    let sent = 0
    // One document for all of them, so each update's clock follows the last as the server requires.
    const doc = new Y.Doc()
    doc.clientID = clientId
    const updates: string[] = []
    doc.on('update', (bytes: Uint8Array) => updates.push(Buffer.from(bytes).toString('base64')))
    while (sent < SYNC_PART_CHARS * 1.5) {
      doc.getArray(BOARD_ROOT).push([stroke(`long-${clock}`, long(clock))])
      const ack = await request(ann.socket, 'board:update', { update: updates[clock] })
      expect(ack).toEqual({ ok: true })
      sent += updates[clock].length
      clock++
    }
    const first = await request(ann.socket, 'board:sync', { part: 0 })
    expect(first).toMatchObject({ ok: true, part: 0, parts: 2 })

    const bob = await joined(url, 'lounge', 'Bob')
    const bobBoard = await boardOf(bob.socket)
    expect(bobBoard.state.strokes).toHaveLength(clock)
  })

  it('compacts a long log into one update without changing the board', async () => {
    let store: MemoryRoomStore | undefined
    const { url } = await startServer({ roomStore: (options) => (store = new MemoryRoomStore(options)) })
    const ann = await joined(url, 'lounge', 'Ann')
    const annBoard = await boardOf(ann.socket)
    for (let i = 0; i < 140; i++)
      draw(annBoard, [
        [i * 20, 10],
        [i * 20 + 5, 30]
      ])
    expect(annBoard.eraseAt(5, 20, 4)).toBe(true)
    await until(annBoard, (model) => model.state.strokes.length === 139)
    // The compaction runs in the background once the log holds 128 updates: wait until all 140 strokes are
    // stored and it has run (a loaded machine is slow).
    const deadline = Date.now() + WAIT_MS
    let log = await store?.readBoard('lounge')
    const pending = (): boolean => (log?.strokes ?? 0) < 140 || (log?.updates.length ?? 0) >= 20
    while (pending() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      log = await store?.readBoard('lounge')
    }
    // 128 updates became one; the ones after it stay until the next compaction.
    expect(log?.updates.length).toBeLessThan(20)
    const bob = await joined(url, 'lounge', 'Bob')
    const bobBoard = await boardOf(bob.socket)
    // The erase may still be on its way: it reaches Bob as an update if his sync came first.
    await until(bobBoard, (model) => model.state.strokes.length === 139)
    expect(ids(bobBoard)).toEqual(ids(annBoard))
  })
})

describe('hostile board messages', () => {
  /** A room with Ann's good stroke on the board, and Mallory, synced, in the same room. */
  async function setup(options: Parameters<typeof startServer>[0] = {}) {
    const server = await startServer(options)
    const ann = await joined(server.url, 'lounge', 'Ann')
    const annBoard = await boardOf(ann.socket)
    draw(annBoard, [
      [10, 10],
      [20, 20]
    ])
    await annBoard.settled()
    const mallory = await joined(server.url, 'lounge', 'Mallory')
    const clientId = await clientIdOf(mallory)
    await until(annBoard, (model) => model.state.strokes.length === 1)
    return { ...server, ann, annBoard, mallory, clientId }
  }

  /** The board is exactly Ann's stroke, Ann and others still draw, and nobody was sent the hostile update. */
  async function unchanged(url: string, ann: TestClient, annBoard: Awaited<ReturnType<typeof boardOf>>) {
    expect(await boardIds(url)).toEqual(ids(annBoard))
    expect(ann.inbox.payloads('board:update')).toEqual([])
    draw(annBoard, [
      [30, 30],
      [40, 40]
    ])
    await annBoard.settled()
    expect(await boardIds(url)).toHaveLength(2)
  }

  const hostile: [string, (clientId: number) => string][] = [
    ['NaN coordinates', (id) => strokesUpdate(id, [stroke('nan', [Number.NaN, 10, 50])])],
    ['Infinity', (id) => strokesUpdate(id, [stroke('inf', [Number.POSITIVE_INFINITY, 10, 50])])],
    ['huge coordinates', (id) => strokesUpdate(id, [stroke('huge', [1e300, 1e300, 50])])],
    ['negative coordinates', (id) => strokesUpdate(id, [stroke('neg', [-5, 10, 50])])],
    ['fractional coordinates', (id) => strokesUpdate(id, [stroke('frac', [10.5, 10, 50])])],
    [
      'more points than a stroke may have',
      (id) =>
        strokesUpdate(id, [
          stroke(
            'long',
            Array.from({ length: 3_003 }, () => 1)
          )
        ])
    ],
    ['a colour outside the palette', (id) => strokesUpdate(id, [{ ...stroke('c'), color: 'url(evil)' }])],
    ['an unknown field', (id) => strokesUpdate(id, [{ ...stroke('x'), html: '<img>' }])],
    ['a string instead of a stroke', (id) => strokesUpdate(id, ['<script>'])],
    ['another root type', (id) => rawUpdate(id, (doc) => doc.getMap('evil').set('k', 1))],
    ['a map key on the root', (id) => rawUpdate(id, (doc) => doc.getArray(BOARD_ROOT).push([new Y.Map()]))],
    ['text content', (id) => rawUpdate(id, (doc) => doc.getText(BOARD_ROOT).insert(0, 'hi'))],
    ['someone else’s client id', (id) => strokesUpdate(id + 1, [stroke('forged')])]
  ]

  it.each(hostile)('refuses %s as invalid, with no change for anyone', async (_name, make) => {
    const { url, ann, annBoard, mallory, clientId } = await setup()
    const update = make(clientId)
    const ack = await request(mallory.socket, 'board:update', { update })
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } })
    await unchanged(url, ann, annBoard)
  })

  it('refuses an update that skips ahead of its own previous items', async () => {
    const { url, ann, annBoard, mallory, clientId } = await setup()
    const doc = new Y.Doc()
    doc.clientID = clientId
    doc.getArray(BOARD_ROOT).push([stroke('first')])
    const before = Y.encodeStateVector(doc)
    doc.getArray(BOARD_ROOT).push([stroke('second')])
    const second = Buffer.from(Y.encodeStateAsUpdate(doc, before)).toString('base64')
    expect(await request(mallory.socket, 'board:update', { update: second })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'update: items must follow your previous ones' }
    })
    await unchanged(url, ann, annBoard)
  })

  it('refuses bytes that are not an update, and payloads of the wrong shape', async () => {
    const { url, ann, annBoard, mallory } = await setup()
    for (const payload of [
      { update: Buffer.from('not yjs at all, just bytes').toString('base64') },
      { update: Buffer.from([255, 255, 255, 255, 255, 255, 255, 255, 255, 1]).toString('base64') },
      { update: 'not base64!' },
      { update: '' },
      { update: 'A'.repeat(BOARD_LIMITS.updateChars + 4) },
      { update: 'AAA=', extra: 1 },
      { update: 12 }
    ]) {
      expect(await rawRequest(mallory.socket, 'board:update', payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid' }
      })
    }
    for (const [event, payload] of [
      [
        'board:draft',
        { id: 'd', tool: 'pen', color: '#1f2328', size: 12, start: 0, points: [Number.NaN, 1, 1] }
      ],
      ['board:draft', { id: 'd', tool: 'pen', color: '#1f2328', size: 12, start: 0, points: [1e9, 1, 1] }],
      ['board:draft', { id: 'd', tool: 'laser', color: '#1f2328', size: 12, start: 0, points: [] }],
      ['board:cursor', { x: -1, y: 0, visible: true }],
      ['board:cursor', { x: 1e12, y: 0, visible: true }],
      ['board:open', { open: 'yes' }],
      ['board:sync', { part: -1 }]
    ] as const) {
      expect(await rawRequest(mallory.socket, event, payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid' }
      })
    }
    expect(ann.inbox.payloads('board:draft')).toEqual([])
    expect(ann.inbox.payloads('board:cursor')).toEqual([])
    await unchanged(url, ann, annBoard)
  })

  it('relays drafts, cursors and presence sent without an ack, answering the sender nothing', async () => {
    const { ann, mallory } = await setup()
    let framesToMallory = 0
    mallory.socket.io.engine.on('packet', (packet: { type: string }) => {
      if (packet.type === 'message') framesToMallory++
    })
    const draft = { id: 'd', tool: 'pen', color: '#1f2328', size: 12, start: 0, points: [5, 5, 50] }
    rawEmit(mallory.socket, 'board:draft', draft)
    rawEmit(mallory.socket, 'board:cursor', { x: 7, y: 8, visible: true })
    rawEmit(mallory.socket, 'board:open', { open: true })
    await ann.inbox.waitFor('board:open')
    expect(ann.inbox.payloads('board:draft')).toEqual([{ ...draft, from: mallory.id }])
    expect(ann.inbox.payloads('board:cursor')).toEqual([{ x: 7, y: 8, visible: true, from: mallory.id }])
    // settle's own request is answered by one frame: no ack, no refusal for the three messages.
    await settle(mallory)
    expect(framesToMallory).toBe(1)
  })

  it('answers an ack-less board message it refuses as board:refused, and relays nothing', async () => {
    const { ann, mallory } = await setup()
    rawEmit(mallory.socket, 'board:cursor', { x: Number.NaN, y: 0, visible: true })
    expect(await mallory.inbox.waitFor('board:refused')).toEqual({
      event: 'board:cursor',
      error: expect.objectContaining({ code: 'invalid', message: expect.any(String) })
    })
    rawEmit(mallory.socket, 'board:open', { open: 'yes' })
    expect(await mallory.inbox.waitFor('board:refused', (r) => r.event === 'board:open')).toMatchObject({
      error: { code: 'invalid' }
    })
    await settle(ann)
    expect(ann.inbox.payloads('board:cursor')).toEqual([])
    expect(ann.inbox.payloads('board:open')).toEqual([])
  })

  it('refuses updates before a sync and outside a room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    expect(
      await request(ann.socket, 'board:update', { update: strokesUpdate(1, [stroke('s')]) })
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'board:sync first' }
    })
    expect(await request(ann.socket, 'room:leave')).toEqual({ ok: true })
    expect(await request(ann.socket, 'board:sync', { part: 0 })).toMatchObject({
      ok: false,
      error: { code: 'not-in-room' }
    })
  })

  it('disconnects only the sender of a 1,000,000-point stroke; the board and everyone else carry on', async () => {
    const { url, ann, annBoard, mallory, clientId } = await setup()
    const update = strokesUpdate(clientId, [
      stroke(
        'million',
        Array.from({ length: 3_000_000 }, () => 7)
      )
    ])
    const gone = disconnected(mallory.socket)
    mallory.socket.emit('board:update', { update }, () => undefined)
    await gone
    await unchanged(url, ann, annBoard)
  })

  it('answers board-full past the strokes a room may hold, keeps the board as it was, and lets a clear free it', async () => {
    const { url, ann, annBoard } = await setup({ board: { maxStrokes: 3 } })
    draw(annBoard, [
      [30, 30],
      [40, 40]
    ])
    draw(annBoard, [
      [50, 50],
      [60, 60]
    ])
    await until(annBoard, (model) => model.state.strokes.length === 3)
    const full = ids(annBoard)

    draw(annBoard, [
      [70, 70],
      [80, 80]
    ])
    await until(annBoard, (model) => model.state.error === 'board-full')
    // The refused stroke is gone again once the board has resynced from the server.
    await until(annBoard, (model) => model.state.status === 'ready' && model.state.strokes.length === 3)
    expect(ids(annBoard)).toEqual(full)
    expect(await boardIds(url)).toEqual(full)

    annBoard.clear()
    await until(annBoard, (model) => model.state.strokes.length === 0)
    draw(annBoard, [
      [90, 90],
      [95, 95]
    ])
    await annBoard.settled()
    expect(annBoard.state.error).toBeNull()
    expect(await boardIds(url)).toHaveLength(1)
    void ann
  })

  it('answers board-full past the bytes a room may hold', async () => {
    const server = await startServer({ board: { maxBytes: 2_000 } })
    const ann = await joined(server.url, 'lounge', 'Ann')
    const clientId = await clientIdOf(ann)
    const doc = new Y.Doc()
    doc.clientID = clientId
    const updates: string[] = []
    doc.on('update', (bytes: Uint8Array) => updates.push(Buffer.from(bytes).toString('base64')))
    doc.getArray(BOARD_ROOT).push([
      stroke(
        'a',
        Array.from({ length: 300 }, () => 99)
      )
    ])
    doc.getArray(BOARD_ROOT).push([
      stroke(
        'b',
        Array.from({ length: 300 }, () => 99)
      )
    ])
    expect(updates[0].length).toBeGreaterThan(1_000)
    expect(updates[0].length).toBeLessThan(2_000)
    expect(await request(ann.socket, 'board:update', { update: updates[0] })).toEqual({ ok: true })
    expect(await request(ann.socket, 'board:update', { update: updates[1] })).toMatchObject({
      ok: false,
      error: {
        code: 'board-full',
        message: 'The board is full.'
      }
    })
    expect(await boardIds(server.url)).toEqual(['a'])
  })

  it('limits board messages in a bucket of their own: a flood of cursors does not stop chat', async () => {
    const { url } = await startServer({ rateLimits: { board: { burst: 5, perSecond: 0.001 } } })
    const ann = await joined(url, 'lounge', 'Ann')
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => request(ann.socket, 'board:cursor', { x: 1, y: 1, visible: true }))
    )
    expect(answers.filter((answer) => answer.ok)).toHaveLength(5)
    expect(answers.filter((answer) => !answer.ok && answer.error.code === 'rate-limited')).toHaveLength(3)
    expect(await request(ann.socket, 'chat:send', { text: 'still here' })).toMatchObject({ ok: true })
  })
})
