/**
 * The whiteboard's server side: each room's board is a Yjs document kept in the room store as a log of updates
 * (so it outlives whoever drew it, reaches every node of a cluster and goes with its room). This module checks
 * every update before it is stored or relayed, hands late joiners the whole board, relays transient drafts,
 * cursors and who has the board open, and now and then compacts a room's log into one update.
 *
 * What an update may do (checked by decoding it, never by applying it to shared state):
 * - insert items only into the root array `strokes`, each item's content one or more Strokes valid by
 *   `strokeSchema` (finite integer points inside the board, a palette colour, a bounded size and length);
 * - insert only items of the Yjs client id this connection was given by `board:sync`, at exactly the clock that
 *   follows its previous update: nobody can forge another person's strokes or leave gaps that stay pending;
 * - delete anything (the eraser and "clear" remove other people's strokes too).
 * Then the room's log takes it only within the room's bounds (strokes, bytes), atomically in the store.
 */
import * as v from 'valibot'
import * as Y from 'yjs'
import { randomInt } from 'node:crypto'
import { BOARD_ROOM_LIMITS, BOARD_ROOT } from '../shared/board'
import {
  boardCursorSchema,
  boardDraftSchema,
  boardOpenSchema,
  boardSyncSchema,
  boardUpdateSchema,
  strokeSchema
} from '../shared/board-schemas'
import type { Logger } from '../shared/logger'
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/protocol'
import type { Server, Socket } from 'socket.io'
import { fail } from './routes'
import type { Route } from './routes'
import type { BoardBounds, RoomStore } from './room-store'

/** What one room's board may hold (default BOARD_ROOM_LIMITS). */
export interface BoardOptions {
  maxStrokes: number
  maxBytes: number
}

/**
 * Characters of base64 in one `board:sync` answer: half the server's output bound for one client (1 MiB), so a
 * 5,000-stroke board (~2.5 M characters) comes in 5 round trips rather than 10.
 */
export const SYNC_PART_CHARS = 524_288

/** A room's log is compacted once it holds this many updates, so a late joiner's merge stays cheap. */
const COMPACT_AT = 128

/** What the board needs of a server connection. */
export interface BoardConnection {
  socket: Socket<ClientToServerEvents, ServerToClientEvents>
  /** The peer this connection speaks for (not its socket id once it resumed); set whenever `room` is. */
  peerId: string | undefined
  room: string | undefined
}

type BoardEvent = 'board:sync' | 'board:update' | 'board:draft' | 'board:cursor' | 'board:open'

export type BoardRoutes<C extends BoardConnection, B extends string> = {
  readonly [E in BoardEvent]: Route<E, C, B>
}

/** One connection's right to write: its Yjs client id and the clock its next new item must start at. */
interface Writer {
  room: string
  clientId: number
  clock: number
  /** The board as base64, held while a late joiner fetches it part by part (a snapshot, so parts agree). */
  snapshot: string | undefined
}

export interface BoardDeps {
  store: RoomStore
  io: Server<ClientToServerEvents, ServerToClientEvents>
  /** The Socket.IO room that delivers to room `name` on every node. */
  roomKey: (name: string) => string
  log: Logger
  options?: Partial<BoardOptions>
}

export type UpdateCheck =
  { ok: true; strokes: number; clock: number; deletes: number } | { ok: false; message: string }

/**
 * Checks a decoded-from-base64 update against the rules above for a writer whose next item starts at `clock`.
 * Decoding is bounded by the input (at most BOARD_LIMITS.updateChars), and nothing is applied anywhere.
 */
export function checkUpdate(bytes: Uint8Array, clientId: number, clock: number): UpdateCheck {
  let decoded: ReturnType<typeof Y.decodeUpdate>
  try {
    decoded = Y.decodeUpdate(bytes)
  } catch {
    return { ok: false, message: 'update: not a Yjs update' }
  }
  let next = clock
  let strokes = 0
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) return { ok: false, message: 'update: only items may be inserted' }
    if (struct.id.client !== clientId)
      return { ok: false, message: 'update: items must carry your client id' }
    if (struct.id.clock !== next)
      return { ok: false, message: 'update: items must follow your previous ones' }
    // A root item names its parent; one with a neighbour inherits the neighbour's, which is `strokes` too.
    // Decoding leaves a root parent's name (a string) where an integrated item has its type.
    const parent: unknown = struct.parent
    if ((parent !== null && parent !== BOARD_ROOT) || struct.parentSub !== null) {
      return { ok: false, message: `update: only the ${BOARD_ROOT} array may change` }
    }
    if (!(struct.content instanceof Y.ContentAny))
      return { ok: false, message: 'update: items must be strokes' }
    for (const value of struct.content.arr) {
      if (!v.is(strokeSchema, value)) return { ok: false, message: 'update: not a valid stroke' }
      strokes++
    }
    next += struct.length
  }
  let deletes = 0
  for (const ranges of decoded.ds.clients.values()) deletes += ranges.length
  return { ok: true, strokes, clock: next, deletes }
}

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'))

/** A Yjs client id (uint32, as Yjs makes its own) for a connection. */
function newClientId(): number {
  return randomInt(1, 2 ** 32)
}

/**
 * The board's routes for the server's route table, and `compact` for tests and the bench. Per-connection state
 * lives in a WeakMap keyed by the connection, so it goes with the connection without a hook in the server.
 */
export function createBoard<C extends BoardConnection, B extends string>(
  deps: BoardDeps,
  bucket: B
): { routes: BoardRoutes<C, B>; compact(room: string): Promise<string | undefined> } {
  const { store, io, roomKey, log } = deps
  const bounds: BoardBounds = {
    maxStrokes: deps.options?.maxStrokes ?? BOARD_ROOM_LIMITS.strokes,
    maxBytes: deps.options?.maxBytes ?? BOARD_ROOM_LIMITS.bytes
  }
  const writers = new WeakMap<C, Writer>()
  /** One compaction at a time on this node: each holds a whole board in memory while it runs. */
  let compacting: Promise<void> = Promise.resolve()
  const scheduled = new Set<string>()

  /**
   * The room's board as one update of its live state (deleted strokes garbage-collected), stored in place of the
   * log it was made from, so the next late joiner or compaction starts from one entry. Through a Y.Doc rather
   * than Y.mergeUpdates: 3× faster on a 5,000-stroke board (113 vs 336 ms, bench/whiteboard.ts notes).
   */
  async function compactNow(room: string): Promise<string | undefined> {
    const board = await store.readBoard(room)
    if (board === undefined) return undefined
    if (board.updates.length === 0) return toBase64(Y.encodeStateAsUpdate(new Y.Doc()))
    if (board.updates.length === 1) return board.updates[0]
    const doc = new Y.Doc()
    try {
      doc.transact(() => {
        for (const update of board.updates) Y.applyUpdate(doc, fromBase64(update))
      })
      const merged = toBase64(Y.encodeStateAsUpdate(doc))
      const liveStrokes = doc.getArray(BOARD_ROOT).length
      // Refused when another node compacted meanwhile: this merge is still the board as read, so still served.
      const done = await store.compactBoard(room, {
        version: board.version,
        count: board.updates.length,
        strokes: board.strokes,
        merged,
        liveStrokes
      })
      log.debug('compacted a board', { room, updates: board.updates.length, done, chars: merged.length })
      return merged
    } finally {
      doc.destroy()
    }
  }

  /** compactNow, one at a time on this node: each holds a whole board in memory while it runs. */
  function compact(room: string): Promise<string | undefined> {
    const run = compacting.then(() => compactNow(room))
    compacting = run.then(
      () => undefined,
      (error: unknown) => log.warn('board compaction failed', { room, error: String(error) })
    )
    return run
  }

  function scheduleCompaction(room: string): void {
    if (scheduled.has(room)) return
    scheduled.add(room)
    void compact(room)
      .catch(() => undefined)
      .finally(() => scheduled.delete(room))
  }

  const routes: BoardRoutes<C, B> = {
    'board:sync': {
      bucket,
      schema: boardSyncSchema,
      async handle(connection, { part }) {
        const room = connection.room
        if (room === undefined) return fail('not-in-room')
        let writer = writers.get(connection)
        if (part === 0 || writer?.snapshot === undefined || writer.room !== room) {
          if (part !== 0) return fail('invalid', 'part: start a sync at part 0')
          const board = await compact(room)
          if (board === undefined) return fail('not-in-room')
          // A fresh id on every sync: the client rebuilds its document from this state and writes anew.
          writer = { room, clientId: newClientId(), clock: 0, snapshot: board }
          writers.set(connection, writer)
        }
        const text = writer.snapshot ?? ''
        const parts = Math.max(1, Math.ceil(text.length / SYNC_PART_CHARS))
        if (part >= parts) return fail('invalid', `part: the board has ${parts} parts`)
        const chunk = text.slice(part * SYNC_PART_CHARS, (part + 1) * SYNC_PART_CHARS)
        if (part === parts - 1) writer.snapshot = undefined
        return { ok: true, clientId: writer.clientId, update: chunk, part, parts }
      }
    },
    'board:update': {
      bucket,
      schema: boardUpdateSchema,
      async handle(connection, { update, clear }) {
        const { socket, peerId, room } = connection
        if (room === undefined || peerId === undefined) return fail('not-in-room')
        const writer = writers.get(connection)
        if (writer === undefined || writer.room !== room) return fail('invalid', 'board:sync first')
        const checked = checkUpdate(fromBase64(update), writer.clientId, writer.clock)
        if (!checked.ok) return fail('invalid', checked.message)
        if (clear === true && checked.deletes === 0)
          return fail('invalid', 'clear: the update deletes nothing')
        let stored = await store.appendBoard(room, update, checked.strokes, bounds)
        if (!stored.ok && stored.code === 'board-full') {
          // Erased and cleared strokes still count until a compaction drops them: compact once, then decide.
          await compact(room)
          stored = await store.appendBoard(room, update, checked.strokes, bounds)
        }
        if (!stored.ok) {
          log.info('board update refused', { id: peerId, room, code: stored.code })
          return fail(stored.code === 'board-full' ? 'board-full' : 'not-in-room')
        }
        writer.clock = checked.clock
        socket.to(roomKey(room)).emit('board:update', { from: peerId, update })
        if (clear === true) {
          const name = (await store.peer(peerId))?.peer.name ?? ''
          io.to(roomKey(room)).emit('board:cleared', { from: peerId, name })
        }
        if (stored.updates >= COMPACT_AT) scheduleCompaction(room)
        return { ok: true }
      }
    },
    'board:draft': {
      bucket,
      schema: boardDraftSchema,
      handle({ socket, peerId, room }, draft) {
        if (room === undefined || peerId === undefined) return fail('not-in-room')
        socket.to(roomKey(room)).emit('board:draft', { ...draft, from: peerId })
        return { ok: true }
      }
    },
    'board:cursor': {
      bucket,
      schema: boardCursorSchema,
      handle({ socket, peerId, room }, cursor) {
        if (room === undefined || peerId === undefined) return fail('not-in-room')
        socket.to(roomKey(room)).emit('board:cursor', { ...cursor, from: peerId })
        return { ok: true }
      }
    },
    'board:open': {
      bucket,
      schema: boardOpenSchema,
      handle({ socket, peerId, room }, { open }) {
        if (room === undefined || peerId === undefined) return fail('not-in-room')
        socket.to(roomKey(room)).emit('board:open', { from: peerId, open })
        return { ok: true }
      }
    }
  }
  return { routes, compact }
}
