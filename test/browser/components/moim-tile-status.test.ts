import { describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import '../../../src/renderer/src/components/moim-video-tile'
import { mount } from './fixture'

describe('a tile’s overlays (moim-tile-status)', () => {
  it('shows the hand with its place, the latest reactions and the connection’s quality, in words too', async () => {
    const tile = await mount('moim-video-tile', {
      name: 'Bo',
      connection: 'connected',
      status: {
        hand: 2,
        reactions: [
          { id: 'r1', from: 'b', emoji: '👍', ts: 1 },
          { id: 'r2', from: 'b', emoji: '😂', ts: 2 },
          { id: 'r3', from: 'b', emoji: '❤️', ts: 3 },
          { id: 'r4', from: 'b', emoji: '🎉', ts: 4 }
        ],
        quality: 'weak'
      }
    })
    const group = page.getByRole('group', { name: 'Bo, Hand raised, number 2' })
    await expect.element(group).toBeVisible()
    await expect.element(group.getByText('Hand raised, number 2')).toBeInTheDocument()
    await expect.element(group.getByText('Connection: weak')).toBeInTheDocument()
    // The latest three reactions, not the oldest.
    await expect.element(group.getByRole('img', { name: 'Reaction 🎉' })).toBeVisible()
    await expect.element(group.getByRole('img', { name: 'Reaction 👍' })).not.toBeInTheDocument()

    tile.status = { hand: null, reactions: [], quality: 'bad' }
    await expect.element(page.getByRole('group', { name: 'Bo' })).toBeVisible()
    await expect.element(page.getByText('Connection: bad')).toBeInTheDocument()
    await expect.element(page.getByText(/Hand raised/)).not.toBeInTheDocument()
  })

  it('shows nothing over the lobby’s preview, which has no status', async () => {
    const tile = await mount('moim-video-tile', { name: 'Ann', self: true })
    await expect.element(page.getByRole('group', { name: 'Ann (you)' })).toBeVisible()
    const overlays = tile.shadowRoot!.querySelector('moim-tile-status')
    expect(overlays?.shadowRoot?.querySelector('*') ?? null).toBeNull()
  })
})
