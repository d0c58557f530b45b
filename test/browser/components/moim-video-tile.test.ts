import { describe, expect, it } from 'vitest'
import '../../../src/renderer/src/components/moim-video-tile'
import { mount } from './fixture'

/** A live video stream from a canvas, so tiles can be tested without a camera. */
function canvasStream(): MediaStream {
  const canvas = document.createElement('canvas')
  canvas.width = 64
  canvas.height = 36
  canvas.getContext('2d')!.fillRect(0, 0, 64, 36)
  return canvas.captureStream(5)
}

describe('moim-video-tile', () => {
  it('shows a visible "Muted" indicator on a muted peer and says so in its label', async () => {
    const tile = await mount('moim-video-tile', { name: 'Bob', muted: true, connection: 'connected' })
    const chips = [...tile.shadowRoot!.querySelectorAll('.chip')].map((chip) => chip.textContent?.trim())
    expect(chips).toContain('Muted')
    const muted = tile.shadowRoot!.querySelector('.muted')!
    expect(muted.getBoundingClientRect().width).toBeGreaterThan(0)
    expect(tile.getAttribute('role')).toBe('group')
    expect(tile.getAttribute('aria-label')).toBe('Bob, muted')
  })

  it('shows no "Muted" indicator while the microphone is on', async () => {
    const tile = await mount('moim-video-tile', { name: 'Bob', connection: 'connected' })
    expect(tile.shadowRoot!.textContent).not.toContain('Muted')
    expect(tile.getAttribute('aria-label')).toBe('Bob')
  })

  it('shows the initial instead of the video when the camera is off', async () => {
    const tile = await mount('moim-video-tile', { name: 'bob', cameraOff: true, stream: canvasStream() })
    expect(tile.shadowRoot!.querySelector('video')!.hidden).toBe(true)
    expect(tile.shadowRoot!.querySelector('.avatar')!.textContent?.trim()).toBe('b')
    expect(tile.shadowRoot!.textContent).toContain('Camera off')
  })

  it.each([
    ['connecting', 'Connecting…'],
    ['reconnecting', 'Reconnecting…'],
    ['failed', 'Connection failed']
  ] as const)('shows the %s peer connection state', async (connection, text) => {
    const tile = await mount('moim-video-tile', { name: 'Bob', connection })
    expect(tile.dataset.connection).toBe(connection)
    expect(tile.shadowRoot!.querySelector('.connection')!.textContent).toBe(text)
    expect(tile.getAttribute('aria-label')).toContain(text)
  })

  it('shows nothing about the connection once connected', async () => {
    const tile = await mount('moim-video-tile', { name: 'Bob', connection: 'connected' })
    expect(tile.shadowRoot!.querySelector('.connection')).toBeNull()
  })

  it('badges a peer who shares their screen and does not crop it', async () => {
    const tile = await mount('moim-video-tile', { name: 'Bob', screen: true, stream: canvasStream() })
    expect(tile.shadowRoot!.textContent).toContain('Sharing screen')
    expect(getComputedStyle(tile.shadowRoot!.querySelector('video')!).objectFit).toBe('contain')
  })

  it('mirrors the self view and never plays its own sound', async () => {
    const tile = await mount('moim-video-tile', {
      name: 'Ann',
      self: true,
      mirrored: true,
      stream: canvasStream()
    })
    const video = tile.shadowRoot!.querySelector('video')!
    expect(getComputedStyle(video).transform).toBe('matrix(-1, 0, 0, 1, 0, 0)')
    expect(video.muted).toBe(true)
    expect(tile.getAttribute('aria-label')).toBe('Ann (you)')
  })

  it('plays a remote peer with sound, unmirrored', async () => {
    const stream = canvasStream()
    const tile = await mount('moim-video-tile', { name: 'Bob', stream })
    const video = tile.shadowRoot!.querySelector('video')!
    expect(video.srcObject).toBe(stream)
    expect(video.muted).toBe(false)
    expect(getComputedStyle(video).transform).toBe('none')
  })
})

describe('moim-video-tile before a name is typed', () => {
  it('ends a name too long for a small tile with an ellipsis, inside the tile', async () => {
    const tile = await mount('moim-video-tile', { name: 'Alexandria Konstantinopoulou (2)', self: true })
    tile.style.display = 'block'
    tile.style.width = '160px'
    tile.style.aspectRatio = '16 / 9'
    const text = tile.shadowRoot!.querySelector<HTMLElement>('.name-text')!
    await expect.poll(() => text.scrollWidth > text.clientWidth).toBe(true)
    expect(getComputedStyle(text).textOverflow).toBe('ellipsis')
    const chip = tile.shadowRoot!.querySelector('.name')!.getBoundingClientRect()
    expect(chip.right).toBeLessThanOrEqual(tile.getBoundingClientRect().right)
  })

  it('calls the self view "You", not "(you)" after an empty name', async () => {
    const tile = await mount('moim-video-tile', { name: '', self: true })
    expect(tile.shadowRoot!.querySelector('.name')!.textContent).toBe('You')
    expect(tile.getAttribute('aria-label')).toBe('You')
  })
})
