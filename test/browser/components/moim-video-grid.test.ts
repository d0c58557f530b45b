import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { page, userEvent } from 'vitest/browser'
import type { Participant } from '../../../src/renderer/src/core/types'
import type { MoimVideoGrid, SelfView } from '../../../src/renderer/src/components/moim-video-grid'
import type { MoimVideoTile } from '../../../src/renderer/src/components/moim-video-tile'
import '../../../src/renderer/src/components/moim-video-grid'
import { mount, peer, settle } from './fixture'

const self: SelfView = {
  id: 'self-id',
  name: 'Ann',
  stream: null,
  muted: false,
  cameraOff: true,
  sharingScreen: false
}

const streams: MediaStream[] = []

/** A live video of `width` × `height` from a canvas, so tiles can be tested without a camera. */
function canvasStream(width: number, height: number): MediaStream {
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const context = canvas.getContext('2d')!
  context.fillStyle = '#468'
  context.fillRect(0, 0, width, height)
  const stream = canvas.captureStream(5)
  streams.push(stream)
  return stream
}

function remotes(count: number, size: [number, number] | null = null): Participant[] {
  return Array.from({ length: count }, (_, i) => ({
    peer: peer(`p${i}`, `Guest ${i}`),
    stream: size ? canvasStream(...size) : null,
    connection: 'connected'
  }))
}

function tiles(grid: MoimVideoGrid): MoimVideoTile[] {
  return [...grid.shadowRoot!.querySelectorAll('moim-video-tile')]
}

function tile(grid: MoimVideoGrid, id: string): MoimVideoTile {
  return grid.shadowRoot!.querySelector<MoimVideoTile>(`[data-peer-id="${id}"]`)!
}

async function nextFrame(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve))
}

function rect(element: Element): DOMRect {
  return element.getBoundingClientRect()
}

/** A grid of `width` × `height` px, as the call view gives it. */
async function sizedGrid(
  width: number,
  height: number,
  props: Partial<MoimVideoGrid>
): Promise<MoimVideoGrid> {
  const grid = await mount('moim-video-grid', props)
  grid.style.width = `${width}px`
  grid.style.height = `${height}px`
  // The grid places tiles when its ResizeObserver reports the size, after the next layout.
  await nextFrame()
  await settle(grid)
  return grid
}

/** Waits until every tile with a video has reported its shape and the grid has placed the tiles again. */
async function videosSized(grid: MoimVideoGrid): Promise<void> {
  await expect
    .poll(() => tiles(grid).every((t) => t.shadowRoot!.querySelector('video')!.videoWidth > 0 || !t.stream))
    .toBe(true)
  await nextFrame()
  await grid.updateComplete
}

describe('moim-video-grid', () => {
  beforeAll(async () => {
    await page.viewport(1280, 800)
  })

  afterEach(() => {
    for (const stream of streams.splice(0)) for (const track of stream.getTracks()) track.stop()
  })

  it('marks the self tile data-self and each remote tile with its peer id and name', async () => {
    const grid = await mount('moim-video-grid', { self, participants: remotes(2) })
    await settle(grid)
    const all = tiles(grid)
    expect(all[0].hasAttribute('data-self')).toBe(true)
    expect(all[0].hasAttribute('data-peer-id')).toBe(false)
    expect(all.slice(1).map((t) => t.dataset.peerId)).toEqual(['p0', 'p1'])
    expect(all[1].getAttribute('aria-label')).toContain('Guest 0')
  })

  it('shows a muted, camera-off peer as such', async () => {
    const participants: Participant[] = [
      { peer: peer('p9', 'Cleo', { audio: false, video: false }), stream: null, connection: 'reconnecting' }
    ]
    const grid = await mount('moim-video-grid', { self, participants })
    await settle(grid)
    const cleo = tile(grid, 'p9')
    expect(cleo.getAttribute('aria-label')).toBe('Cleo, muted, video off, Reconnecting…')
    expect(cleo.shadowRoot!.textContent).toContain('Muted')
  })

  it.each([
    ['16:9', [640, 360]],
    ['4:3', [640, 480]]
  ] as const)('gives each tile its %s video’s shape, so the picture is not cropped', async (_, size) => {
    const grid = await sizedGrid(870, 600, { participants: remotes(3, [...size]) })
    await videosSized(grid)
    for (const t of tiles(grid)) {
      const box = rect(t)
      expect(box.width / box.height).toBeCloseTo(size[0] / size[1], 1)
      expect(getComputedStyle(t.shadowRoot!.querySelector('video')!).objectFit).toBe('contain')
    }
  })

  it('lays tiles out anew when its box changes size', async () => {
    const grid = await sizedGrid(1200, 400, { self, participants: remotes(1) })
    const [a, b] = tiles(grid)
    expect(rect(a).top).toBe(rect(b).top) // side by side
    grid.style.width = '400px'
    grid.style.height = '700px'
    await expect.poll(() => rect(a).left === rect(b).left).toBe(true) // stacked
  })

  it('marks whoever is talking, ourselves included', async () => {
    const grid = await sizedGrid(900, 600, {
      self,
      participants: remotes(2),
      speakers: { speaking: ['p1', 'self-id'], active: 'p1' }
    })
    expect(tiles(grid).map((t) => t.hasAttribute('speaking'))).toEqual([true, false, true])
    grid.speakers = { speaking: [], active: 'p1' }
    await settle(grid)
    expect(tiles(grid).some((t) => t.hasAttribute('speaking'))).toBe(false)
  })

  it('in the speaker layout shows the active speaker large, the others small, and follows the speaker', async () => {
    const grid = await sizedGrid(1000, 600, {
      self,
      participants: remotes(3),
      layout: 'speaker',
      speakers: { speaking: ['p2'], active: 'p2' }
    })
    const stageOf = () => tiles(grid).find((t) => t.hasAttribute('data-stage'))
    expect(stageOf()).toBe(tile(grid, 'p2'))
    const stageWidth = rect(tile(grid, 'p2')).width
    for (const other of tiles(grid).filter((t) => t !== stageOf())) {
      expect(rect(other).width).toBeLessThan(stageWidth / 2)
    }
    grid.speakers = { speaking: ['p0'], active: 'p0' }
    await settle(grid)
    expect(stageOf()).toBe(tile(grid, 'p0'))
    expect(rect(tile(grid, 'p0')).width).toBeCloseTo(stageWidth, 0)
    // The grid layout has no stage: equal tiles.
    grid.layout = 'grid'
    await settle(grid)
    expect(stageOf()).toBeUndefined()
    expect(new Set(tiles(grid).map((t) => Math.round(rect(t).width))).size).toBe(1)
  })

  it('pins a tile to the stage with its labelled button, in the grid layout too, and unpins it', async () => {
    const grid = await sizedGrid(1000, 600, { self, participants: remotes(3) })
    const pin = page.getByRole('button', { name: 'Pin Guest 1' })
    await expect.element(pin).toHaveAttribute('aria-pressed', 'false')
    await pin.click()
    await expect.element(pin).toHaveAttribute('aria-pressed', 'true')
    expect(grid.pinned).toBe('p1')
    expect(tile(grid, 'p1').hasAttribute('data-stage')).toBe(true)
    expect(rect(tile(grid, 'p1')).width).toBeGreaterThan(rect(tile(grid, 'p0')).width * 2)
    // The pinned tile keeps the stage whoever speaks.
    grid.layout = 'speaker'
    grid.speakers = { speaking: ['p2'], active: 'p2' }
    await settle(grid)
    expect(tile(grid, 'p1').hasAttribute('data-stage')).toBe(true)
    await pin.click()
    expect(grid.pinned).toBeNull()
    await settle(grid)
    expect(tile(grid, 'p2').hasAttribute('data-stage')).toBe(true)
  })

  it('shows a shared screen large at its own shape, uncropped, without being asked', async () => {
    const participants: Participant[] = [
      ...remotes(2, [640, 360]),
      {
        peer: peer('sharer', 'Dee', { screen: true }),
        stream: canvasStream(1440, 900),
        connection: 'connected'
      }
    ]
    const grid = await sizedGrid(1000, 600, { self, participants, layout: 'grid' })
    await videosSized(grid)
    const screen = tile(grid, 'sharer')
    expect(screen.hasAttribute('data-stage')).toBe(true)
    expect(rect(screen).width / rect(screen).height).toBeCloseTo(1440 / 900, 1)
    expect(getComputedStyle(screen.shadowRoot!.querySelector('video')!).objectFit).toBe('contain')
    expect(rect(screen).width).toBeGreaterThan(rect(tile(grid, 'p0')).width * 2)
  })

  it('shows a tile full screen from its button and by double-click, and leaves on Escape', async () => {
    const grid = await sizedGrid(1000, 600, { self, participants: remotes(2) })
    const guest = tile(grid, 'p0')
    const shownFull = () => grid.shadowRoot!.fullscreenElement
    await page.getByRole('button', { name: 'Show Guest 0 full screen' }).click()
    await expect.poll(shownFull, { timeout: 5_000 }).toBe(guest)
    await expect.element(page.getByRole('button', { name: 'Exit full screen' })).toBeVisible()
    // The whole screen, whatever place the grid gave the tile (and Escape is pressed once it is there: Chromium
    // ignores leaving full screen while it is still entering it).
    await expect.poll(() => Math.round(rect(guest).width)).toBe(window.innerWidth)
    expect(Math.round(rect(guest).height)).toBe(window.innerHeight)
    await userEvent.keyboard('{Escape}')
    await expect.poll(shownFull, { timeout: 5_000 }).toBeNull()

    await userEvent.dblClick(tile(grid, 'p1'))
    await expect.poll(shownFull, { timeout: 5_000 }).toBe(tile(grid, 'p1'))
    await expect.poll(() => Math.round(rect(tile(grid, 'p1')).width)).toBe(window.innerWidth)
    await userEvent.keyboard('{Escape}')
    await expect.poll(shownFull, { timeout: 5_000 }).toBeNull()
  })

  it('offers picture-in-picture for a video where the platform has it', async () => {
    const grid = await sizedGrid(1000, 600, { self, participants: remotes(1, [640, 360]) })
    await videosSized(grid)
    const button = page.getByRole('button', { name: 'Picture-in-picture: Guest 0' })
    expect(button.elements()).toHaveLength(document.pictureInPictureEnabled ? 1 : 0)
    // None for a tile that shows an initial instead of video.
    expect(page.getByRole('button', { name: 'Picture-in-picture: Ann (you)' }).elements()).toHaveLength(0)
    if (!document.pictureInPictureEnabled) return
    await button.click()
    const guest = tile(grid, 'p0').shadowRoot!
    await expect.poll(() => guest.pictureInPictureElement).toBe(guest.querySelector('video'))
    await expect.element(button).toHaveAttribute('aria-pressed', 'true')
    await button.click()
    await expect.poll(() => guest.pictureInPictureElement).toBeNull()
  })

  it('shows a peer whose connection to the server dropped as reconnecting, though its media is connected', async () => {
    const participants: Participant[] = [
      { peer: { ...peer('p7', 'Dana'), reconnecting: true }, stream: null, connection: 'connected' }
    ]
    const grid = await mount('moim-video-grid', { self, participants })
    await settle(grid)
    const tile = grid.shadowRoot!.querySelector<HTMLElement>('[data-peer-id="p7"]')!
    expect(tile.getAttribute('aria-label')).toBe('Dana, Reconnecting…')
    expect(tile.dataset.connection).toBe('reconnecting')
    grid.participants = [{ ...participants[0], peer: peer('p7', 'Dana') }]
    await settle(grid)
    expect(tile.getAttribute('aria-label')).toBe('Dana')
  })
})
