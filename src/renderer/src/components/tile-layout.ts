/**
 * Where each video tile goes, as rectangles in the grid's box: pure geometry, so every window size can be checked
 * without a browser. Tiles always have the shape of their video, so no picture is cropped: a grid of equal tiles
 * as large as the box allows, or one tile on a stage with the others in a strip beside it (below it, upright).
 */

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** A camera's usual shape, for tiles whose video has not said yet (or shows an initial instead). */
export const DEFAULT_ASPECT = 16 / 9

/** Space between tiles, px. */
export const TILE_GAP = 12

/** The largest rectangle of `aspect` (width / height) inside `width` × `height`, centred in it. */
export function fit(aspect: number, width: number, height: number, x = 0, y = 0): Rect {
  const w = Math.max(0, Math.min(width, height * aspect))
  const h = w / aspect
  return { x: x + (width - w) / 2, y: y + (height - h) / 2, width: w, height: h }
}

/**
 * `count` equal tiles of `aspect` in `width` × `height`: the column count (at least `minColumns`) that makes them
 * largest, rows centred, an unfilled last row centred too (as Meet does).
 */
export function gridLayout(
  count: number,
  width: number,
  height: number,
  aspect = DEFAULT_ASPECT,
  minColumns = 1
): Rect[] {
  if (count <= 0) return []
  let best = { columns: minColumns, width: 0 }
  for (let columns = minColumns; columns <= Math.max(count, minColumns); columns++) {
    const rows = Math.ceil(count / columns)
    const tileWidth = Math.min(
      (width - TILE_GAP * (columns - 1)) / columns,
      ((height - TILE_GAP * (rows - 1)) / rows) * aspect
    )
    if (tileWidth > best.width) best = { columns, width: tileWidth }
  }
  const { columns } = best
  const tileWidth = Math.max(0, best.width)
  const tileHeight = tileWidth / aspect
  const rows = Math.ceil(count / columns)
  const top = (height - rows * tileHeight - (rows - 1) * TILE_GAP) / 2
  const rects: Rect[] = []
  for (let row = 0; row < rows; row++) {
    const inRow = Math.min(columns, count - row * columns)
    const left = (width - inRow * tileWidth - (inRow - 1) * TILE_GAP) / 2
    for (let column = 0; column < inRow; column++) {
      rects.push({
        x: left + column * (tileWidth + TILE_GAP),
        y: top + row * (tileHeight + TILE_GAP),
        width: tileWidth,
        height: tileHeight
      })
    }
  }
  return rects
}

/**
 * Tile `stage` (of `stageAspect`, a shared screen's own shape for example) large, and the other tiles (of
 * `aspect`) smaller: in a column on the right of a wide box, in a grid under the stage in an upright one.
 */
export function speakerLayout(
  count: number,
  stage: number,
  width: number,
  height: number,
  aspect = DEFAULT_ASPECT,
  stageAspect = aspect
): Rect[] {
  const others = count - 1
  if (others <= 0) return count === 1 ? [fit(stageAspect, width, height)] : []
  const wide = width >= height
  let strip: Rect[]
  let stageBox: Rect
  if (wide) {
    // A strip about a fifth of the width, shrunk until every tile fits in the height.
    let tileWidth = Math.min(300, Math.max(140, width * 0.2))
    tileWidth = Math.min(tileWidth, ((height - TILE_GAP * (others - 1)) / others) * aspect)
    const tileHeight = tileWidth / aspect
    const top = (height - others * tileHeight - (others - 1) * TILE_GAP) / 2
    const x = width - tileWidth
    strip = Array.from({ length: others }, (_, i) => ({
      x,
      y: top + i * (tileHeight + TILE_GAP),
      width: tileWidth,
      height: tileHeight
    }))
    stageBox = { x: 0, y: 0, width: Math.max(0, x - TILE_GAP), height }
  } else {
    // Upright (a phone): the stage across the top, at most about 60% of the height, and the others in two columns
    // under it (so none is as large as the stage), the whole centred. A single row would leave thumbnails.
    const stageRect = fit(stageAspect, width, height * 0.6)
    const rest = gridLayout(others, width, height - stageRect.height - TILE_GAP, aspect, 2)
    const restTop = Math.min(...rest.map((r) => r.y))
    const restHeight = Math.max(...rest.map((r) => r.y + r.height)) - restTop
    const top = Math.max(0, (height - stageRect.height - TILE_GAP - restHeight) / 2)
    const below = top + stageRect.height + TILE_GAP - restTop
    strip = rest.map((r) => ({ ...r, y: r.y + below }))
    stageBox = { x: 0, y: top, width, height: stageRect.height }
  }
  const rects = [...strip]
  rects.splice(stage, 0, fit(stageAspect, stageBox.width, stageBox.height, stageBox.x, stageBox.y))
  return rects
}

/** The shape most tiles' videos have (the grid's cells take it), or DEFAULT_ASPECT when none has said. */
export function commonAspect(aspects: Iterable<number>): number {
  // Rounded keys, so 1280×720 and 640×360 (or 639×360 after scaling) count as one shape; the first one seen
  // of each shape stands for it.
  const shapes = new Map<number, { aspect: number; count: number }>()
  for (const aspect of aspects) {
    const key = Math.round(aspect * 50)
    const shape = shapes.get(key) ?? { aspect, count: 0 }
    shape.count++
    shapes.set(key, shape)
  }
  let best: { aspect: number; count: number } | null = null
  for (const shape of shapes.values()) if (best === null || shape.count > best.count) best = shape
  return best?.aspect ?? DEFAULT_ASPECT
}
