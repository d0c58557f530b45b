/**
 * Whiteboard test and bench helpers: the renderer's real BoardModel over a real socket.io-client socket (a BoardChannel made
 * of the socket's requests and events), and raw Yjs updates for what no well-behaved client sends.
 */
import * as Y from 'yjs'
import { BoardModel } from '../../src/renderer/src/core/board-model'
import type { BoardChannel } from '../../src/renderer/src/core/board-channel'
import type { SignalingClientEvents } from '../../src/renderer/src/core/signaling-client'
import { Emitter } from '../../src/renderer/src/core/emitter'
import type { Result } from '../../src/renderer/src/core/result'
import { BOARD_ROOT } from '../../src/shared/board'
import type { Stroke } from '../../src/shared/board'
// Types only from ./signaling: it configures vitest, and the bench (no vitest) uses these helpers too.
import type { ClientSocket } from './signaling'

const WAIT_MS = 5_000

type Answer = { ok: true } | { ok: false; error: { code: string; message: string } }

function request(socket: ClientSocket, event: string, payload: unknown): Promise<Answer> {
  return (socket.timeout(WAIT_MS).emitWithAck as (...args: unknown[]) => Promise<Answer>)(event, payload)
}

function result<T extends object>(ack: { ok: true } & T): Result<T>
function result(ack: { ok: false; error: { code: string; message: string } }): Result<never>
function result(ack: { ok: boolean; error?: { code: string; message: string } }): Result<unknown> {
  if (ack.ok) {
    const value: Record<string, unknown> = { ...ack }
    delete value.ok
    return { ok: true, value }
  }
  return { ok: false, error: ack.error as never }
}

const gone = (): Result<never> => ({ ok: false, error: { code: 'disconnected', message: 'socket closed' } })

/** A BoardChannel over a test socket (no reconnection: a test emits `rejoined` itself through `events`). */
export function socketChannel(
  socket: ClientSocket
): BoardChannel & { events: Emitter<SignalingClientEvents> } {
  const events = new Emitter<SignalingClientEvents>()
  socket.on('board:update', (payload) => events.emit('board:update', payload))
  socket.on('board:draft', (payload) => events.emit('board:draft', payload))
  socket.on('board:cursor', (payload) => events.emit('board:cursor', payload))
  return {
    events,
    // A request still out when the test closes its socket is answered `disconnected`, as the client's would be.
    boardSync: (part) => request(socket, 'board:sync', { part }).then((ack) => result(ack as never), gone),
    boardUpdate: (body) =>
      request(socket, 'board:update', body).then(
        (ack) => (ack.ok ? { ok: true as const, value: undefined } : result(ack as never)),
        gone
      ),
    // Without an ack, as the app's SignalingClient sends them.
    boardSend: (event, payload) => void (socket.emit as (...args: unknown[]) => void)(event, payload),
    on: (event, listener) => events.on(event, listener)
  }
}

/** A synced BoardModel for a joined test client. */
export async function boardOf(socket: ClientSocket): Promise<BoardModel> {
  const model = new BoardModel(socketChannel(socket))
  await model.sync()
  if (model.state.status !== 'ready') throw new Error(`board did not sync: ${model.state.status}`)
  return model
}

/** Draws a stroke through the model's own pointer path: begin, points, end. */
export function draw(
  model: BoardModel,
  points: [number, number][],
  color: Stroke['color'] = '#2f81f7'
): void {
  const [first, ...rest] = points
  model.begin({ tool: 'pen', color, size: 12 }, first[0], first[1], 0.5)
  for (const [x, y] of rest) model.extend(x, y, 0.5)
  model.end()
}

/** Resolves once `check` holds for the model's state; rejects after WAIT_MS. */
export function until(model: BoardModel, check: (model: BoardModel) => boolean): Promise<void> {
  if (check(model)) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`board never got there; strokes: ${model.state.strokes.length}`))
    }, WAIT_MS)
    const stop = model.subscribe(() => {
      if (!check(model)) return
      clearTimeout(timer)
      stop()
      resolve()
    })
  })
}

/** Stroke ids on a board, bottom first. */
export const ids = (model: BoardModel): string[] => model.state.strokes.map((stroke) => stroke.id)

/** The base64 of a raw Yjs update made by `change` on a document with client id `clientId` (from `board:sync`). */
export function rawUpdate(clientId: number, change: (doc: Y.Doc) => void): string {
  const doc = new Y.Doc()
  doc.clientID = clientId
  let update: Uint8Array | undefined
  doc.on('update', (bytes: Uint8Array) => {
    update = update === undefined ? bytes : Y.mergeUpdates([update, bytes])
  })
  change(doc)
  doc.destroy()
  if (update === undefined) throw new Error('the change made no update')
  return Buffer.from(update).toString('base64')
}

/** A raw update inserting `strokes` (plain values, valid or not) into the board's array. */
export function strokesUpdate(clientId: number, strokes: unknown[]): string {
  return rawUpdate(clientId, (doc) => doc.getArray<unknown>(BOARD_ROOT).push(strokes))
}

export const stroke = (id: string, points: number[] = [10, 10, 50, 20, 20, 50]): Stroke => ({
  id,
  tool: 'pen',
  color: '#1f2328',
  size: 12,
  points
})
