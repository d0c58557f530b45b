import { describe, expect, it } from 'vitest'
import {
  TILE_GAP,
  commonAspect,
  gridLayout,
  speakerLayout
} from '../../../src/renderer/src/components/tile-layout'
import type { Rect } from '../../../src/renderer/src/components/tile-layout'

const WIDE = 16 / 9

function inside(rect: Rect, width: number, height: number): boolean {
  const e = 0.5
  return (
    rect.x >= -e && rect.y >= -e && rect.x + rect.width <= width + e && rect.y + rect.height <= height + e
  )
}

function overlap(a: Rect, b: Rect): boolean {
  return (
    a.x < b.x + b.width - 0.5 &&
    b.x < a.x + a.width - 0.5 &&
    a.y < b.y + b.height - 0.5 &&
    b.y < a.y + a.height - 0.5
  )
}

function checkTiles(rects: Rect[], width: number, height: number): void {
  for (const [i, rect] of rects.entries()) {
    expect(inside(rect, width, height), `tile ${i} ${JSON.stringify(rect)} in ${width}×${height}`).toBe(true)
    for (const other of rects.slice(i + 1)) expect(overlap(rect, other)).toBe(false)
  }
}

describe('gridLayout', () => {
  it('gives two people at 1280×800 two uncropped 16:9 tiles, larger than the 437 px the old grid gave', () => {
    // The grid's box in a 1280×800 window with the chat open (as moim-call-view lays it out).
    const rects = gridLayout(2, 870, 600, WIDE)
    expect(rects).toHaveLength(2)
    for (const rect of rects) {
      expect(rect.width / rect.height).toBeCloseTo(WIDE, 5)
      expect(rect.width).toBeGreaterThan(437)
    }
    checkTiles(rects, 870, 600)
  })

  it('keeps every tile the video’s shape, inside the box and apart, for 1 to 6 people at any window size', () => {
    for (const [width, height] of [
      [1280, 800],
      [390, 600],
      [870, 600],
      [2000, 300],
      [300, 2000],
      [640, 480]
    ]) {
      for (let count = 1; count <= 6; count++) {
        for (const aspect of [WIDE, 4 / 3]) {
          const rects = gridLayout(count, width, height, aspect)
          expect(rects).toHaveLength(count)
          for (const rect of rects) expect(rect.width / rect.height).toBeCloseTo(aspect, 5)
          checkTiles(rects, width, height)
        }
      }
    }
  })

  it('picks the column count that makes tiles largest: side by side when wide, stacked on a phone', () => {
    const wide = gridLayout(2, 1240, 560, WIDE)
    expect(wide[0].y).toBe(wide[1].y)
    const phone = gridLayout(2, 350, 600, WIDE)
    expect(phone[0].x).toBe(phone[1].x)
    expect(phone[0].width).toBeCloseTo(350, 5)
  })

  it('centres an unfilled last row', () => {
    const rects = gridLayout(3, 1000, 600, WIDE)
    const [a, b, c] = rects
    expect(a.y).toBe(b.y)
    expect(c.y).toBeGreaterThan(a.y)
    expect(c.x + c.width / 2).toBeCloseTo(500, 5)
  })
})

describe('speakerLayout', () => {
  it('puts the stage large on the left of a wide box, the others in a column on the right', () => {
    const rects = speakerLayout(5, 2, 1200, 600, WIDE)
    checkTiles(rects, 1200, 600)
    const stage = rects[2]
    const strip = rects.filter((_, i) => i !== 2)
    for (const tile of strip) {
      expect(tile.x).toBeGreaterThan(stage.x + stage.width)
      expect(tile.width).toBeLessThan(stage.width / 2)
      expect(tile.width / tile.height).toBeCloseTo(WIDE, 5)
    }
    expect(new Set(strip.map((t) => t.x)).size).toBe(1)
  })

  it('puts the stage on top of an upright box and the others under it, each smaller than the stage', () => {
    const rects = speakerLayout(5, 0, 350, 620, WIDE)
    checkTiles(rects, 350, 620)
    const [stage, ...others] = rects
    expect(stage.width).toBeCloseTo(350, 5)
    for (const tile of others) {
      expect(tile.y).toBeGreaterThanOrEqual(stage.y + stage.height + TILE_GAP - 0.5)
      expect(tile.width).toBeLessThan(stage.width)
    }
  })

  it('gives the stage its own shape (a shared screen), uncropped, and the strip the cameras’ shape', () => {
    const screen = 16 / 10
    const rects = speakerLayout(3, 1, 1000, 600, WIDE, screen)
    expect(rects[1].width / rects[1].height).toBeCloseTo(screen, 5)
    expect(rects[0].width / rects[0].height).toBeCloseTo(WIDE, 5)
    checkTiles(rects, 1000, 600)
  })

  it('shows one person alone as large as the box allows', () => {
    expect(speakerLayout(1, 0, 1000, 600, WIDE)).toEqual([
      { x: 0, y: (600 - 562.5) / 2, width: 1000, height: 562.5 }
    ])
    expect(speakerLayout(1, 0, 1000, 400, WIDE)).toEqual([
      { x: (1000 - 400 * WIDE) / 2, y: 0, width: 400 * WIDE, height: 400 }
    ])
  })
})

describe('commonAspect', () => {
  it('takes the shape most videos have, counting near-equal shapes as one, and 16:9 when none is known', () => {
    expect(commonAspect([])).toBeCloseTo(WIDE, 5)
    expect(commonAspect([4 / 3, 640 / 480, 16 / 9])).toBeCloseTo(4 / 3, 5)
    expect(commonAspect([1280 / 720, 639 / 360, 4 / 3])).toBeCloseTo(WIDE, 5)
  })
})
