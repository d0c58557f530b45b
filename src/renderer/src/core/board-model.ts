/**
 * One person's view of the room's whiteboard: a Yjs document synced with the server through a BoardChannel, the
 * strokes in drawing order, the others' strokes in progress and their cursors, and per-user undo (a
 * Y.UndoManager that tracks only this person's own changes, so undo never removes someone else's work).
 *
 * Loaded only when the board opens (it pulls in Yjs). No DOM, no Lit: the component draws `state`.
 */
import * as Y from 'yjs'
import { BOARD_HEIGHT, BOARD_LIMITS, BOARD_ROOT, BOARD_WIDTH } from '../../../shared/board'
import type { BoardColor, BoardDraft, BoardTool, Stroke } from '../../../shared/board'
import { createLogger } from '../../../shared/logger'
import type { BoardChannel } from './board-channel'
import { Emitter } from './emitter'
import type { CallErrorCode } from './types'

const log = createLogger('board')

/** A stroke someone else is drawing right now (never stored). */
export interface DraftView {
  from: string
  id: string
  tool: BoardTool
  color: BoardColor
  size: number
  points: readonly number[]
}

/** Where someone else's pointer is, in board units. */
export interface CursorView {
  from: string
  x: number
  y: number
}

export type BoardStatus = 'syncing' | 'ready' | 'offline'

export interface BoardState {
  status: BoardStatus
  /** Committed strokes, bottom first: the same order on every board. */
  strokes: readonly Stroke[]
  drafts: readonly DraftView[]
  cursors: readonly CursorView[]
  canUndo: boolean
  canRedo: boolean
  /** Why the last change was refused (`board-full` the usual one); cleared by the next accepted change. */
  error: CallErrorCode | null
}

/** A pen in the hand: what `begin` draws with. */
export interface Pen {
  tool: BoardTool
  color: BoardColor
  size: number
}

/** How often drafts and cursors go out while the pointer moves (about 30 a second). */
const TRANSIENT_INTERVAL_MS = 33
/** How long to wait before fetching the board again after a sync was refused (rate-limited, unavailable). */
const SYNC_RETRY_MS = 1_000
/** A draft nobody continued for this long is dropped (its drawer left, or the commit was lost). */
const DRAFT_TTL_MS = 4_000
/** Origins of transactions: ours (undoable), ours but not undoable (clear), and the server's. */
const LOCAL = 'local'
const CLEAR = 'clear'
const REMOTE = 'remote'

/**
 * Base64 in the engine where it has it (Chromium 140+, so Electron 45 and current browsers: a 2.5 MB board decodes
 * in a few milliseconds instead of ~60), by hand where it does not (Node 20, which runs this model in tests).
 */
const nativeBase64 = Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }

function fromBase64(text: string): Uint8Array {
  if (nativeBase64.fromBase64 !== undefined) return nativeBase64.fromBase64(text)
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

function toBase64(bytes: Uint8Array): string {
  const encoded = (bytes as Uint8Array & { toBase64?: () => string }).toBase64?.()
  if (encoded !== undefined) return encoded
  let binary = ''
  // In slices: String.fromCharCode with a whole big array as arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

const clampX = (x: number): number => Math.round(Math.min(Math.max(x, 0), BOARD_WIDTH))
const clampY = (y: number): number => Math.round(Math.min(Math.max(y, 0), BOARD_HEIGHT))

function newStrokeId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_')
}

/** Distance from point (px, py) to segment (ax, ay)-(bx, by). */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax
  const dy = by - ay
  const length = dx * dx + dy * dy
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length))
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy))
}

/** Whether `stroke` passes within `radius` board units of (x, y). */
export function strokeHits(stroke: Stroke, x: number, y: number, radius: number): boolean {
  const reach = radius + stroke.size / 2
  const p = stroke.points
  if (p.length === 3) return Math.hypot(p[0] - x, p[1] - y) <= reach
  for (let i = 3; i < p.length; i += 3) {
    if (segmentDistance(x, y, p[i - 3], p[i - 2], p[i], p[i + 1]) <= reach) return true
  }
  return false
}

interface Drawing {
  pen: Pen
  id: string
  points: number[]
  /** Points already sent as drafts. */
  sent: number
}

export class BoardModel {
  private readonly emitter = new Emitter<{ change: (state: BoardState) => void }>()
  private current: BoardState = Object.freeze({
    status: 'syncing',
    strokes: [],
    drafts: [],
    cursors: [],
    canUndo: false,
    canRedo: false,
    error: null
  })
  private doc: Y.Doc | null = null
  private strokes: Y.Array<Stroke> | null = null
  private undo: Y.UndoManager | null = null
  /** Remote updates that arrived while a sync was under way, applied once it is done. */
  private pending: Uint8Array[] | null = []
  private syncing: Promise<void> | null = null
  private readonly drafts = new Map<string, DraftView & { at: number }>()
  private readonly cursors = new Map<string, CursorView>()
  private drawing: Drawing | null = null
  private transientTimer: ReturnType<typeof setTimeout> | null = null
  private cursorToSend: { x: number; y: number; visible: boolean } | null = null
  /** Our updates still on their way, in order; each is answered before the next counts as sent. */
  private sending: Promise<void> = Promise.resolve()
  private readonly unsubscribers: (() => void)[]
  private disposed = false
  /** Bumped by every sync: updates of an older document are not sent (the server would refuse them). */
  private generation = 0
  /** The strokes as last read from the document (read again only when it changes). */
  private strokeList: readonly Stroke[] = []

  constructor(private readonly channel: BoardChannel) {
    this.unsubscribers = [
      channel.on('board:update', ({ update }) => this.onRemoteUpdate(update)),
      channel.on('board:draft', (draft) => this.onDraft(draft)),
      channel.on('board:cursor', ({ from, x, y, visible }) => this.onCursor(from, x, y, visible)),
      channel.on('state', (state) => {
        if (state === 'reconnecting') this.update({ status: 'offline' })
      }),
      // Back in the room with a new connection: the board may have changed meanwhile, and our id is new.
      channel.on('rejoined', (joined) => {
        if (joined.ok) void this.sync()
      })
    ]
  }

  get state(): BoardState {
    return this.current
  }

  subscribe(listener: (state: BoardState) => void): () => void {
    return this.emitter.on('change', listener)
  }

  /** Resolves once every change made so far has been answered by the server (accepted or refused). */
  settled(): Promise<void> {
    return this.sending
  }

  /** The document as one update, for tests and the bench to compare boards. */
  encodeState(): Uint8Array {
    return this.doc === null ? new Uint8Array() : Y.encodeStateAsUpdate(this.doc)
  }

  /**
   * Fetches the whole board and starts over from it: a fresh document (with the client id the server gave this
   * connection), a fresh undo history. Used when the board opens, after a reconnection and after a refusal, so
   * this board is always what the server holds.
   */
  sync(): Promise<void> {
    this.syncing ??= this.runSync().finally(() => {
      this.syncing = null
    })
    return this.syncing
  }

  private async runSync(): Promise<void> {
    this.pending = []
    this.update({ status: 'syncing' })
    let text = ''
    let clientId = 0
    for (let part = 0, parts = 1; part < parts; part++) {
      const answer = await this.channel.boardSync(part)
      if (this.disposed) return
      if (!answer.ok) {
        log.warn('board sync failed', { code: answer.error.code })
        this.pending = null
        this.update({ status: 'offline' })
        // Not in the room or not connected: the rejoin syncs again. Anything else may pass: try again soon.
        const code = answer.error.code
        if (code !== 'not-in-room' && code !== 'disconnected') {
          setTimeout(() => {
            if (!this.disposed) void this.sync()
          }, SYNC_RETRY_MS)
        }
        return
      }
      text += answer.value.update
      parts = answer.value.parts
      clientId = answer.value.clientId
    }
    this.undo?.destroy()
    this.doc?.destroy()
    const doc = new Y.Doc()
    // Before any change of ours: the server accepts new items only under the id it gave this connection.
    doc.clientID = clientId
    const strokes = doc.getArray<Stroke>(BOARD_ROOT)
    Y.applyUpdate(doc, fromBase64(text), REMOTE)
    for (const update of this.pending ?? []) Y.applyUpdate(doc, update, REMOTE)
    this.pending = null
    this.generation++
    const undo = new Y.UndoManager(strokes, { trackedOrigins: new Set([LOCAL]), captureTimeout: 0 })
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.send(update, origin === CLEAR)
    })
    strokes.observe((event) => {
      for (const stroke of event.changes.added) {
        for (const value of stroke.content.getContent() as Stroke[]) this.drafts.delete(value.id)
      }
      this.strokeList = strokes.toArray()
      this.publish()
    })
    undo.on('stack-item-added', () => this.publish())
    undo.on('stack-item-popped', () => this.publish())
    this.doc = doc
    this.strokes = strokes
    this.undo = undo
    this.strokeList = strokes.toArray()
    // One change, so the board is drawn once (status and strokes together).
    this.publish({ status: 'ready' })
  }

  /** Starts a stroke at (x, y) with `pressure` 0..1. */
  begin(pen: Pen, x: number, y: number, pressure: number): void {
    if (this.current.status !== 'ready') return
    this.drawing = { pen, id: newStrokeId(), points: [], sent: 0 }
    this.extend(x, y, pressure)
  }

  /** Adds a point to the stroke being drawn (board units); a stroke at its length limit goes on as a new one. */
  extend(x: number, y: number, pressure: number): void {
    const drawing = this.drawing
    if (drawing === null) return
    const px = clampX(x)
    const py = clampY(y)
    const pp = Math.round(Math.min(Math.max(pressure, 0), 1) * BOARD_LIMITS.pressure)
    const p = drawing.points
    // A point where the last one is adds nothing but bytes.
    if (p.length > 0 && p[p.length - 3] === px && p[p.length - 2] === py) return
    p.push(px, py, pp)
    if (p.length / 3 >= BOARD_LIMITS.pointsPerStroke) {
      const pen = drawing.pen
      this.end()
      this.begin(pen, px, py, pressure)
      return
    }
    this.scheduleTransient()
  }

  /** Commits the stroke being drawn. */
  end(): void {
    const drawing = this.drawing
    this.drawing = null
    if (drawing === null || this.strokes === null || drawing.points.length === 0) return
    const stroke: Stroke = { id: drawing.id, ...drawing.pen, points: drawing.points }
    this.doc?.transact(() => this.strokes?.push([stroke]), LOCAL)
  }

  /** The stroke being drawn here, for the component to show under the pointer at once. */
  get ownDraft(): (Pen & { points: readonly number[] }) | null {
    return this.drawing === null ? null : { ...this.drawing.pen, points: this.drawing.points }
  }

  /** Removes every stroke within `radius` of (x, y), anyone's: the eraser. True when it removed one. */
  eraseAt(x: number, y: number, radius: number): boolean {
    const strokes = this.strokes
    if (strokes === null || this.current.status !== 'ready') return false
    const all = strokes.toArray()
    const hit: number[] = []
    for (let i = all.length - 1; i >= 0; i--) if (strokeHits(all[i], x, y, radius)) hit.push(i)
    if (hit.length === 0) return false
    this.doc?.transact(() => {
      // From the end, so the indexes before each deletion stay right.
      for (const index of hit) strokes.delete(index, 1)
    }, LOCAL)
    return true
  }

  /** Takes back our own last change (a stroke drawn or erased); others' work is never touched. */
  undoLast(): void {
    this.undo?.undo()
  }

  redoLast(): void {
    this.undo?.redo()
  }

  /** Removes every stroke; the room's chat says who did. Not undoable: it removed other people's work too. */
  clear(): void {
    const strokes = this.strokes
    if (strokes === null || strokes.length === 0 || this.current.status !== 'ready') return
    this.doc?.transact(() => strokes.delete(0, strokes.length), CLEAR)
    this.undo?.clear()
    this.publish()
  }

  /** Our pointer moved over the board (or left it: `visible` false). */
  pointer(x: number, y: number, visible: boolean): void {
    this.cursorToSend = { x: clampX(x), y: clampY(y), visible }
    this.scheduleTransient()
  }

  dispose(): void {
    this.disposed = true
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe()
    if (this.transientTimer !== null) clearTimeout(this.transientTimer)
    this.undo?.destroy()
    this.doc?.destroy()
    this.emitter.clear()
  }

  private send(update: Uint8Array, clear: boolean): void {
    const request = { update: toBase64(update), ...(clear ? { clear: true } : {}) }
    const generation = this.generation
    this.sending = this.sending.then(async () => {
      if (generation !== this.generation || this.disposed) return
      const answer = await this.channel.boardUpdate(request)
      if (this.disposed) return
      if (answer.ok) {
        if (this.current.error !== null) this.update({ error: null })
        return
      }
      log.warn('board update refused', { code: answer.error.code })
      // Nothing after this one can be accepted either (its clock would not follow): drop the queue.
      this.generation++
      if (answer.error.code === 'disconnected') {
        // The rejoin fetches the board again.
        this.update({ status: 'offline' })
        return
      }
      // Refused, so this board now holds what the server does not: start over from the server's board.
      this.update({ error: answer.error.code })
      await this.sync()
    })
  }

  /** Sends the newest draft points and cursor, at most once per TRANSIENT_INTERVAL_MS. */
  private scheduleTransient(): void {
    if (this.transientTimer !== null) return
    this.transientTimer = setTimeout(() => {
      this.transientTimer = null
      this.flushTransient()
    }, TRANSIENT_INTERVAL_MS)
  }

  private flushTransient(): void {
    const drawing = this.drawing
    if (drawing !== null && drawing.sent * 3 < drawing.points.length) {
      const start = drawing.sent
      const points = drawing.points.slice(start * 3, (start + BOARD_LIMITS.draftPoints) * 3)
      const draft: BoardDraft = { id: drawing.id, ...drawing.pen, start, points }
      drawing.sent += points.length / 3
      this.channel.boardSend('board:draft', draft)
      if (drawing.sent * 3 < drawing.points.length) this.scheduleTransient()
    }
    if (this.cursorToSend !== null) {
      this.channel.boardSend('board:cursor', this.cursorToSend)
      this.cursorToSend = null
    }
  }

  private onRemoteUpdate(update: string): void {
    let bytes: Uint8Array
    try {
      bytes = fromBase64(update)
    } catch {
      return
    }
    if (this.pending !== null || this.doc === null) {
      this.pending?.push(bytes)
      return
    }
    try {
      Y.applyUpdate(this.doc, bytes, REMOTE)
    } catch (error) {
      log.warn('could not apply a board update; fetching the board again', { error: String(error) })
      void this.sync()
    }
  }

  private onDraft(payload: BoardDraft & { from: string }): void {
    const { from, id, tool, color, size, start, points } = payload
    const known = this.drafts.get(id)
    // Only the drawer continues its own draft, and only where it left off.
    if (known !== undefined && known.from !== from) return
    const before = known?.points ?? []
    if (start * 3 > before.length) return
    const joined = [...before.slice(0, start * 3), ...points]
    this.drafts.set(id, { from, id, tool, color, size, points: joined, at: performance.now() })
    this.publish()
  }

  private onCursor(from: string, x: number, y: number, visible: boolean): void {
    if (visible) this.cursors.set(from, { from, x, y })
    else this.cursors.delete(from)
    this.publish()
  }

  /** Puts the document's strokes, drafts and cursors into a new state, with any other `changes`. */
  private publish(changes: Partial<BoardState> = {}): void {
    const now = performance.now()
    for (const [id, draft] of this.drafts) if (now - draft.at > DRAFT_TTL_MS) this.drafts.delete(id)
    this.update({
      strokes: this.strokeList,
      drafts: [...this.drafts.values()],
      cursors: [...this.cursors.values()],
      canUndo: this.undo?.canUndo() ?? false,
      canRedo: this.undo?.canRedo() ?? false,
      ...changes
    })
  }

  private update(changes: Partial<BoardState>): void {
    this.current = Object.freeze({ ...this.current, ...changes })
    this.emitter.emit('change', this.current)
  }
}
