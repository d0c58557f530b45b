/**
 * Drawing the board onto a canvas: each stroke's outline from perfect-freehand (pressure-shaped, smoothed) as a
 * Path2D in board units, cached by stroke id, so a board of thousands of strokes redraws with fills only.
 * Loaded with the whiteboard, never at startup.
 */
import { getStroke } from 'perfect-freehand'
import { BOARD_HEIGHT, BOARD_WIDTH } from '../../../shared/board'
import type { BoardTool } from '../../../shared/board'

/** What can be drawn: a committed stroke, a draft, or the stroke under the pointer. */
export interface Drawable {
  tool: BoardTool
  color: string
  size: number
  points: readonly number[]
}

/** The board's paper colour (also behind exported PNGs). */
export const PAPER = '#ffffff'

/** A highlighter's ink lets what is under it show through. */
const HIGHLIGHTER_ALPHA = 0.4

/** The outline of a stroke, in board units. */
export function strokePath(stroke: Drawable, last: boolean): Path2D {
  const p = stroke.points
  const input: [number, number, number][] = []
  let samePressure = true
  for (let i = 0; i < p.length; i += 3) {
    input.push([p[i], p[i + 1], p[i + 2] / 100])
    if (p[i + 2] !== p[2]) samePressure = false
  }
  const highlighter = stroke.tool === 'highlighter'
  const outline = getStroke(input, {
    size: highlighter ? stroke.size * 3 : stroke.size,
    thinning: highlighter ? 0 : 0.5,
    smoothing: 0.5,
    streamline: 0.4,
    // A mouse reports one pressure for the whole stroke: shape it by speed instead.
    simulatePressure: samePressure && !highlighter,
    last
  })
  const path = new Path2D()
  if (outline.length === 0) return path
  path.moveTo(outline[0][0], outline[0][1])
  // Quadratic curves through the midpoints: smooth edges at any zoom. Outline points closer than 2 board units
  // (under a pixel on any window) to the last one kept are skipped: ~40% fewer, the same look.
  let [x0, y0] = outline[0]
  for (let i = 1; i < outline.length; i++) {
    const [x1, y1] = outline[i]
    if (i < outline.length - 1 && (x1 - x0) ** 2 + (y1 - y0) ** 2 < 4) continue
    path.quadraticCurveTo(x0, y0, (x0 + x1) / 2, (y0 + y1) / 2)
    x0 = x1
    y0 = y1
  }
  path.closePath()
  return path
}

export function fillStroke(context: CanvasRenderingContext2D, stroke: Drawable, path: Path2D): void {
  context.globalAlpha = stroke.tool === 'highlighter' ? HIGHLIGHTER_ALPHA : 1
  context.fillStyle = stroke.color
  context.fill(path)
}

/** Paths of committed strokes by id: a stroke never changes once committed. */
export class PathCache {
  private readonly paths = new Map<string, Path2D>()

  get(stroke: Drawable & { id: string }): Path2D {
    let path = this.paths.get(stroke.id)
    if (path === undefined) {
      path = strokePath(stroke, true)
      this.paths.set(stroke.id, path)
    }
    return path
  }

  /** Forgets strokes no longer on the board. */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.paths.keys()) if (!ids.has(id)) this.paths.delete(id)
  }
}

/**
 * Sizes `canvas` to its box at the device's pixel ratio (sharp on HiDPI) and returns the context, transformed so
 * that drawing in board units fills the box.
 */
export function prepare(
  canvas: HTMLCanvasElement,
  width: number,
  height: number
): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1
  const pixelsWide = Math.max(1, Math.round(width * ratio))
  const pixelsHigh = Math.max(1, Math.round(height * ratio))
  if (canvas.width !== pixelsWide || canvas.height !== pixelsHigh) {
    canvas.width = pixelsWide
    canvas.height = pixelsHigh
  }
  const context = canvas.getContext('2d')
  if (context === null) return null
  context.setTransform(pixelsWide / BOARD_WIDTH, 0, 0, pixelsHigh / BOARD_HEIGHT, 0, 0)
  return context
}

/** The whole board at one pixel per board unit on paper, as a PNG. */
export async function exportPng(
  strokes: readonly (Drawable & { id: string })[],
  cache: PathCache
): Promise<Blob> {
  const canvas = document.createElement('canvas')
  canvas.width = BOARD_WIDTH
  canvas.height = BOARD_HEIGHT
  const context = canvas.getContext('2d')
  if (context === null) throw new Error('no 2D context')
  context.fillStyle = PAPER
  context.fillRect(0, 0, BOARD_WIDTH, BOARD_HEIGHT)
  for (const stroke of strokes) fillStroke(context, stroke, cache.get(stroke))
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob === null ? reject(new Error('no PNG')) : resolve(blob)), 'image/png')
  )
}
