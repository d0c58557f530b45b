/**
 * The browser client shares its room: the built web client served by the real server, two Chromium pages in one
 * room, and the invite a browser user gives out (the page's own address with `?room=`, copied or as a QR code),
 * followed by a third page.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closePages, ensureBuilt, launchChromium, openPage, startServer } from '../support/e2e'
import type { CallPage, E2eServer } from '../support/e2e'

const POLL = { timeout: 30_000, interval: 250 }

describe('a browser client invites people', () => {
  let server: E2eServer
  let browser: Browser
  const pages: CallPage[] = []

  beforeAll(async () => {
    await ensureBuilt()
    server = await startServer()
    browser = await launchChromium()
    pages.push(await openPage(browser, server.url, 'Ann', '?room=den&name=Ann'))
  }, 240_000)

  afterAll(async () => {
    await closePages(pages)
    await browser?.close()
    await server?.close()
  })

  it('gives the page’s own link to the room, with a QR code, and the link brings the next person in', async () => {
    const ann = pages[0]!.page
    await expect.poll(() => ann.getByRole('heading', { name: 'den' }).count(), POLL).toBe(1)
    await ann.getByRole('button', { name: 'Invite people' }).click()
    const link = await ann.getByLabel('Invite link').inputValue()
    expect(link).toBe(`${server.url}/?room=den`)
    await expect
      .poll(() => ann.getByRole('img', { name: 'QR code of the invite link' }).getAttribute('src'), POLL)
      .toMatch(/^data:image\/svg\+xml/)

    // The link as a guest opens it: the lobby has the room, the guest adds a name.
    const bo = await openPage(browser, server.url, 'Bo', link.slice(server.url.length + 1))
    pages.push(bo)
    await expect.poll(() => bo.page.getByLabel('Room', { exact: true }).inputValue(), POLL).toBe('den')
    await bo.page.getByLabel('Your name').fill('Bo')
    await bo.page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect.poll(() => ann.getByRole('group', { name: /^Bo/ }).count(), POLL).toBe(1)
  })

  // Its own browser: Chromium shares one echo-cancelling capture per device among its pages, so a test of the
  // browser's processing must be the only one holding the microphone.
  it('turns the microphone’s noise suppression and echo cancellation off live, and remembers them', async () => {
    const solo = await launchChromium()
    try {
      const context = await solo.newContext()
      // Every microphone track the page opens, so the test can read what the browser applied.
      await context.addInitScript(() => {
        const devices = navigator.mediaDevices
        const getUserMedia = devices.getUserMedia.bind(devices)
        const tracks: MediaStreamTrack[] = []
        ;(window as unknown as { __mics: MediaStreamTrack[] }).__mics = tracks
        devices.getUserMedia = async (constraints) => {
          const stream = await getUserMedia(constraints)
          tracks.push(...stream.getAudioTracks())
          return stream
        }
      })
      const page = await context.newPage()
      const settings = () =>
        page.evaluate(() => {
          const live = (window as unknown as { __mics: MediaStreamTrack[] }).__mics.filter(
            (track) => track.readyState === 'live'
          )
          const { noiseSuppression, echoCancellation } = live.at(-1)?.getSettings() ?? {}
          return { live: live.length, noiseSuppression, echoCancellation }
        })
      await page.goto(`${server.url}/?room=quiet`)
      await expect.poll(settings, POLL).toEqual({ live: 1, noiseSuppression: true, echoCancellation: true })
      const noise = page.getByRole('checkbox', { name: 'Noise suppression' })
      await noise.uncheck()
      await expect.poll(settings, POLL).toEqual({ live: 1, noiseSuppression: false, echoCancellation: true })
      await page.getByRole('checkbox', { name: 'Echo cancellation' }).uncheck()
      await expect.poll(settings, POLL).toEqual({ live: 1, noiseSuppression: false, echoCancellation: false })
      // Remembered: the next visit starts with both off.
      await page.reload()
      await expect.poll(settings, POLL).toEqual({ live: 1, noiseSuppression: false, echoCancellation: false })
      expect(await noise.isChecked()).toBe(false)
    } finally {
      await solo.close()
    }
  })
})
