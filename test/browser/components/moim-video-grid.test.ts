import { beforeAll, describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import type { Participant } from '../../../src/renderer/src/core/types'
import type { SelfView } from '../../../src/renderer/src/components/moim-video-grid'
import '../../../src/renderer/src/components/moim-video-grid'
import { mount, peer, settle } from './fixture'

const self: SelfView = { name: 'Ann', stream: null, muted: false, cameraOff: true, sharingScreen: false }

function remotes(count: number): Participant[] {
  return Array.from({ length: count }, (_, i) => ({
    peer: peer(`p${i}`, `Guest ${i}`),
    stream: null,
    connection: 'connected'
  }))
}

/** The number of columns the browser actually laid out. */
function columns(grid: HTMLElement): number {
  const container = grid.shadowRoot!.querySelector<HTMLElement>('.grid')!
  return getComputedStyle(container).gridTemplateColumns.split(' ').length
}

describe('moim-video-grid', () => {
  beforeAll(async () => {
    await page.viewport(1280, 800)
  })

  it.each([
    [1, 1],
    [2, 2],
    [4, 2],
    [6, 3]
  ])('lays out %i people in %i columns', async (people, expected) => {
    const grid = await mount('moim-video-grid', { self, participants: remotes(people - 1) })
    expect(grid.shadowRoot!.querySelectorAll('moim-video-tile')).toHaveLength(people)
    expect(columns(grid)).toBe(expected)
  })

  it.each([
    [2, 1],
    [3, 2],
    [6, 2]
  ])('on a phone-sized window lays out %i people in %i columns', async (people, expected) => {
    await page.viewport(400, 780)
    try {
      const grid = await mount('moim-video-grid', { self, participants: remotes(people - 1) })
      expect(columns(grid)).toBe(expected)
    } finally {
      await page.viewport(1280, 800)
    }
  })

  it('reflows when someone joins', async () => {
    const grid = await mount('moim-video-grid', { self, participants: remotes(1) })
    expect(columns(grid)).toBe(2)
    grid.participants = remotes(4)
    await grid.updateComplete
    expect(columns(grid)).toBe(3)
  })

  it('marks the self tile data-self and each remote tile with its peer id and name', async () => {
    const grid = await mount('moim-video-grid', { self, participants: remotes(2) })
    await settle(grid)
    const tiles = [...grid.shadowRoot!.querySelectorAll('moim-video-tile')]
    expect(tiles[0].hasAttribute('data-self')).toBe(true)
    expect(tiles[0].hasAttribute('data-peer-id')).toBe(false)
    expect(tiles.slice(1).map((t) => t.dataset.peerId)).toEqual(['p0', 'p1'])
    expect(tiles[1].getAttribute('aria-label')).toContain('Guest 0')
  })

  it('shows a muted, camera-off peer as such', async () => {
    const participants: Participant[] = [
      { peer: peer('p9', 'Cleo', { audio: false, video: false }), stream: null, connection: 'reconnecting' }
    ]
    const grid = await mount('moim-video-grid', { self, participants })
    await settle(grid)
    const tile = grid.shadowRoot!.querySelector<HTMLElement>('[data-peer-id="p9"]')!
    expect(tile.getAttribute('aria-label')).toBe('Cleo, muted, video off, Reconnecting…')
    expect(tile.shadowRoot!.textContent).toContain('Muted')
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
