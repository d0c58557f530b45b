/**
 * The shared whiteboard's wire vocabulary: one coordinate space for everyone, the tools, colours and sizes a stroke
 * may have, and the bounds the server enforces on every board message. No runtime dependencies (the renderer's
 * startup bundle imports protocol.ts, which imports this).
 *
 * The board itself is a Yjs document whose root array `strokes` holds one plain object (a Stroke) per committed
 * stroke; updates travel as base64 (Moim's Socket.IO packets are JSON text). See docs/PROTOCOL.md, "Whiteboard".
 */

/** Board units: every client maps this 16:9 rectangle onto its canvas, so strokes land in the same place. */
export const BOARD_WIDTH = 3_200
export const BOARD_HEIGHT = 1_800

/** The name of the Yjs root array that holds the strokes; an update touching any other root is refused. */
export const BOARD_ROOT = 'strokes'

export const BOARD_TOOLS = ['pen', 'highlighter'] as const
export type BoardTool = (typeof BOARD_TOOLS)[number]

/** The palette: a stroke's colour is one of these, never free text (it ends up in canvas state and the DOM). */
export const BOARD_COLORS = ['#1f2328', '#e5484d', '#2f81f7', '#30a46c', '#f5a623', '#8e4ec6'] as const
export type BoardColor = (typeof BOARD_COLORS)[number]

/** Pen widths in board units (a sheet 800 px wide shows one unit as 0.25 px: these are 2, 4, 8, 16 px). */
export const BOARD_SIZES = [8, 16, 32, 64] as const

export const BOARD_LIMITS = {
  /** Points in one stroke (a client ends a longer line and starts a new stroke where it stopped). */
  pointsPerStroke: 1_000,
  /** Characters of one `board:update` (base64 of the Yjs update). */
  updateChars: 32_768,
  /** Points in one `board:draft` message. */
  draftPoints: 200,
  /** Characters of a stroke id. */
  strokeId: 32,
  /** Largest pen width in board units. */
  size: 96,
  /** Pressure is sent as an integer percentage. */
  pressure: 100,
  /** Parts of one `board:sync` (each at most 524,288 characters: a full board is 8). */
  syncParts: 64
} as const

/** What one room's board may hold; the server's defaults (see `BoardOptions` in src/server/board.ts). */
export const BOARD_ROOM_LIMITS = {
  /** Strokes drawn since the board was last compacted, plus those kept then. */
  strokes: 10_000,
  /** Bytes of stored Yjs updates. */
  bytes: 4_194_304
} as const

/**
 * A committed stroke, as stored in the `strokes` array. `points` is flat: x, y, pressure (0..100), repeated, all
 * integers, x in 0..BOARD_WIDTH and y in 0..BOARD_HEIGHT.
 */
export interface Stroke {
  id: string
  tool: BoardTool
  color: BoardColor
  size: number
  points: number[]
}

/**
 * `board:sync` asks for the board, part by part: part 0 takes a snapshot (and a new client id), the next parts
 * continue that snapshot, so a big board never travels as one packet.
 */
export interface BoardSyncRequest {
  part: number
}

/** `board:sync` answer: one part of the board's base64 and the Yjs client id this connection must write with. */
export interface BoardSyncResult {
  /** Characters `part * 524288` onwards of the board as one Yjs update (base64); concatenate all parts. */
  update: string
  part: number
  parts: number
  /** This connection's Yjs clientID: an update whose new items carry any other is refused. */
  clientId: number
}

export interface BoardUpdateRequest {
  /** A Yjs update (base64) that inserts strokes into `strokes` and/or deletes items. */
  update: string
  /** The update deletes everything on the board: the room is told who cleared it (`board:cleared`). */
  clear?: boolean
}

/** Points of a stroke still being drawn: transient, relayed to the room, never stored. */
export interface BoardDraft {
  id: string
  tool: BoardTool
  color: BoardColor
  size: number
  /** Index of the first of `points` (in points, not numbers) within the stroke, so receivers append in place. */
  start: number
  points: number[]
}

/** Where a person's pointer is on the board (board units), or that it left. Transient. */
export interface BoardCursor {
  x: number
  y: number
  visible: boolean
}

export interface BoardOpenRequest {
  open: boolean
}
