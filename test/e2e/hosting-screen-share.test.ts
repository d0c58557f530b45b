/**
 * Screen share end to end, on a hosted room: the sharer's page goes through the renderer's getDisplayMedia path
 * (Chromium's fake screen, auto-accepted by --use-fake-ui-for-media-stream, 16:9), the other page sees the shared
 * screen arrive on the same connection without renegotiation (replaceTrack), a "sharing screen" state on the tile,
 * and the camera (4:3) again once sharing stops.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HostingService } from '../../src/main/hosting'
import { CAMERA_SIZES, closePages, ensureBuilt, launchChromium, openPage, remoteStats } from '../support/e2e'
import type { CallPage, RemoteStats } from '../support/e2e'

const POLL = { timeout: 30_000, interval: 500 }
const ROOM = 'demo'
const CAMERA = CAMERA_SIZES.fake_device_0

describe('sharing a screen in a hosted room', () => {
  let hosting: HostingService
  let browser: Browser
  let sharer: CallPage
  let viewer: CallPage
  let cameraStats: RemoteStats

  const stats = async (): Promise<RemoteStats | null> => remoteStats(viewer.page, sharer.name)
  const tileLabel = (): Promise<string | null> =>
    viewer.page.getByRole('group', { name: new RegExp(`^${sharer.name}\\b`) }).getAttribute('aria-label')

  beforeAll(async () => {
    hosting = new HostingService({ staticDir: await ensureBuilt() })
    const started = await hosting.start({ name: 'Host', room: ROOM })
    if (!started.ok || !started.value.running)
      throw new Error(`hosting did not start: ${JSON.stringify(started)}`)
    const url = `http://127.0.0.1:${started.value.port}`
    browser = await launchChromium()
    sharer = await openPage(browser, url, 'Ann', `?room=${ROOM}&name=Ann`)
    viewer = await openPage(browser, url, 'Bo', `?room=${ROOM}&name=Bo`)
  }, 240_000)

  afterAll(async () => {
    await closePages([sharer, viewer].filter(Boolean))
    await browser?.close()
    await hosting?.stop('shutdown')
  })

  it('the viewer first decodes the sharer’s camera', async () => {
    await expect.poll(async () => (await stats())?.frameWidth ?? 0, POLL).toBe(CAMERA.width)
    cameraStats = (await stats())!
    expect(cameraStats.frameHeight).toBe(CAMERA.height)
    expect(await tileLabel()).not.toMatch(/sharing screen/)
  })

  it('sharing replaces the camera with the screen on the same connection, without renegotiation', async () => {
    await sharer.page.getByRole('button', { name: 'Share screen' }).click()
    // The fake screen is 16:9; the camera is 4:3. The core may scale it down, but not change its shape.
    await expect
      .poll(async () => {
        const now = await stats()
        return now && now.frameHeight > 0 ? Number((now.frameWidth / now.frameHeight).toFixed(2)) : 0
      }, POLL)
      .toBe(1.78)
    await expect.poll(tileLabel, POLL).toMatch(/sharing screen/)
    const sharing = (await stats())!
    expect(sharing.index).toBe(cameraStats.index)
    expect(sharing.offersMade + sharing.offersReceived).toBe(
      cameraStats.offersMade + cameraStats.offersReceived
    )
    await expect
      .poll(async () => (await stats())?.framesDecoded ?? 0, POLL)
      .toBeGreaterThan(sharing.framesDecoded)
    expect(await sharer.page.getByRole('button', { name: 'Stop sharing screen' }).isVisible()).toBe(true)
  })

  it('stopping the share brings the camera back', async () => {
    await sharer.page.getByRole('button', { name: 'Stop sharing screen' }).click()
    await expect.poll(async () => (await stats())?.frameWidth ?? 0, POLL).toBe(CAMERA.width)
    expect((await stats())?.frameHeight).toBe(CAMERA.height)
    await expect.poll(tileLabel, POLL).not.toMatch(/sharing screen/)
  })
})
