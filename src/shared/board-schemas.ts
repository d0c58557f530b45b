/**
 * Validation of every whiteboard payload (see board.ts for the types). Strict objects as in schemas.ts; numbers
 * must be finite integers inside the board, so NaN, Infinity and huge coordinates are refused before anything
 * is stored or relayed. The stroke schema also checks what the server finds inside a decoded Yjs update.
 */
import * as v from 'valibot'
import { BOARD_COLORS, BOARD_HEIGHT, BOARD_LIMITS, BOARD_TOOLS, BOARD_WIDTH } from './board'
import type {
  BoardCursor,
  BoardDraft,
  BoardOpenRequest,
  BoardSyncRequest,
  BoardUpdateRequest,
  Stroke
} from './board'

const strokeIdSchema = v.pipe(
  v.string('id must be a string'),
  v.regex(/^[A-Za-z0-9_-]+$/, 'id may contain letters, digits, "-" and "_"'),
  v.minLength(1),
  v.maxLength(BOARD_LIMITS.strokeId)
)

const sizeSchema = v.pipe(
  v.number(),
  v.integer('size must be an integer'),
  v.minValue(1),
  v.maxValue(BOARD_LIMITS.size)
)

/**
 * Flat x, y, pressure triples inside the board. A loop rather than a schema per number: a stroke of 1,000 points
 * would otherwise cost 3,000 schema runs and issue objects.
 */
function pointsSchema(maxPoints: number) {
  return v.pipe(
    v.array(v.number(), 'points must be an array of numbers'),
    v.maxLength(maxPoints * 3, `points must hold at most ${maxPoints} points`),
    v.check((points) => points.length % 3 === 0, 'points must be x, y, pressure triples'),
    v.check(pointsInside, `points must be integers within ${BOARD_WIDTH}×${BOARD_HEIGHT}, pressure 0..100`)
  )
}

function pointsInside(points: number[]): boolean {
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i]
    const y = points[i + 1]
    const pressure = points[i + 2]
    // Number.isInteger is false for NaN and ±Infinity.
    if (!Number.isInteger(x) || x < 0 || x > BOARD_WIDTH) return false
    if (!Number.isInteger(y) || y < 0 || y > BOARD_HEIGHT) return false
    if (!Number.isInteger(pressure) || pressure < 0 || pressure > BOARD_LIMITS.pressure) return false
  }
  return true
}

export const strokeSchema = v.strictObject({
  id: strokeIdSchema,
  tool: v.picklist(BOARD_TOOLS, 'tool is not a board tool'),
  color: v.picklist(BOARD_COLORS, 'color is not in the palette'),
  size: sizeSchema,
  points: v.pipe(pointsSchema(BOARD_LIMITS.pointsPerStroke), v.minLength(3, 'a stroke needs a point'))
})

export const boardUpdateSchema = v.strictObject({
  update: v.pipe(
    v.string('update must be a string'),
    v.minLength(1),
    v.maxLength(BOARD_LIMITS.updateChars, `update must be at most ${BOARD_LIMITS.updateChars} characters`),
    v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'update must be base64')
  ),
  clear: v.optional(v.boolean())
})

export const boardDraftSchema = v.strictObject({
  id: strokeIdSchema,
  tool: v.picklist(BOARD_TOOLS, 'tool is not a board tool'),
  color: v.picklist(BOARD_COLORS, 'color is not in the palette'),
  size: sizeSchema,
  start: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(BOARD_LIMITS.pointsPerStroke)),
  points: pointsSchema(BOARD_LIMITS.draftPoints)
})

export const boardCursorSchema = v.strictObject({
  x: v.pipe(v.number(), v.integer('x must be an integer'), v.minValue(0), v.maxValue(BOARD_WIDTH)),
  y: v.pipe(v.number(), v.integer('y must be an integer'), v.minValue(0), v.maxValue(BOARD_HEIGHT)),
  visible: v.boolean()
})

export const boardOpenSchema = v.strictObject({ open: v.boolean() })

export const boardSyncSchema = v.strictObject({
  part: v.pipe(
    v.number(),
    v.integer('part must be an integer'),
    v.minValue(0),
    v.maxValue(BOARD_LIMITS.syncParts)
  )
})

// Compile-time proof that the schemas produce exactly the board's types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const schemasMatchBoard: [
  Same<v.InferOutput<typeof strokeSchema>, Stroke>,
  Same<v.InferOutput<typeof boardUpdateSchema>, BoardUpdateRequest>,
  Same<v.InferOutput<typeof boardDraftSchema>, BoardDraft>,
  Same<v.InferOutput<typeof boardCursorSchema>, BoardCursor>,
  Same<v.InferOutput<typeof boardOpenSchema>, BoardOpenRequest>,
  Same<v.InferOutput<typeof boardSyncSchema>, BoardSyncRequest>
] = [true, true, true, true, true, true]
void schemasMatchBoard
