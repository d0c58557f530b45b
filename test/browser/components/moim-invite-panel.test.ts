import { describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import '../../../src/renderer/src/components/moim-call-view'
import '../../../src/renderer/src/components/moim-device-picker'
import type { AudioProcessingDetail } from '../../../src/renderer/src/components/events'
import { callState, mediaState, mount } from './fixture'

const LINK = 'http://192.168.1.20:47100/?room=standup'

describe('the browser client’s invite', () => {
  it('offers "Invite people" with the link to copy and a QR code of it, loaded when opened', async () => {
    // The call view as the app shows it: filling a window (the panel floats over the grid).
    await page.viewport(1280, 800)
    const view = await mount('moim-call-view', { state: callState(), media: mediaState(), inviteLink: LINK })
    view.style.height = '100vh'
    const invite = page.getByRole('button', { name: 'Invite people' })
    await expect.element(invite).toHaveAttribute('aria-expanded', 'false')
    await invite.click()
    await expect
      .element(page.getByRole('button', { name: 'Hide invite' }))
      .toHaveAttribute('aria-expanded', 'true')
    await expect.element(page.getByLabelText('Invite link')).toHaveValue(LINK)
    const qr = page.getByRole('img', { name: 'QR code of the invite link' })
    await expect.element(qr).toBeVisible()
    const src = qr.element().getAttribute('src') ?? ''
    expect(src.startsWith('data:image/svg+xml')).toBe(true)
    // A real QR code: an SVG with the finder patterns' dark modules drawn as a path.
    expect(decodeURIComponent(src)).toMatch(/<svg[^>]*viewBox="0 0 (\d+) \1"[\s\S]*<path[^>]*d="M/)

    await page.getByRole('button', { name: 'Copy link' }).click()
    await expect
      .element(page.getByRole('status').filter({ hasText: /Link copied|The link is selected/ }))
      .toBeVisible()
  })

  it('shows no invite without a link (a desktop guest) and no QR code before it is opened', async () => {
    await mount('moim-call-view', { state: callState(), media: mediaState() })
    await expect.element(page.getByRole('button', { name: 'Invite people' })).not.toBeInTheDocument()
    await expect
      .element(page.getByRole('img', { name: 'QR code of the invite link' }))
      .not.toBeInTheDocument()
  })
})

describe('microphone processing toggles', () => {
  it('are checkboxes in the lobby and pressed toggles in the bar, each asking for its change', async () => {
    const asked: AudioProcessingDetail[] = []
    const lobby = await mount('moim-device-picker', { media: mediaState({ noiseSuppression: true }) })
    lobby.addEventListener('moim-set-audio-processing', (e) => asked.push(e.detail))
    await expect.element(page.getByRole('checkbox', { name: 'Noise suppression' })).toBeChecked()
    await page.getByRole('checkbox', { name: 'Noise suppression' }).click()
    await page.getByRole('checkbox', { name: 'Echo cancellation' }).click()
    expect(asked).toEqual([{ noiseSuppression: false }, { echoCancellation: false }])
    lobby.remove()

    const bar = await mount('moim-device-picker', {
      compact: true,
      media: mediaState({ noiseSuppression: false, echoCancellation: true })
    })
    bar.addEventListener('moim-set-audio-processing', (e) => asked.push(e.detail))
    const noise = page.getByRole('button', { name: 'Noise suppression' })
    await expect.element(noise).toHaveAttribute('aria-pressed', 'false')
    await expect
      .element(page.getByRole('button', { name: 'Echo cancellation' }))
      .toHaveAttribute('aria-pressed', 'true')
    await noise.click()
    expect(asked.at(-1)).toEqual({ noiseSuppression: true })
  })
})
