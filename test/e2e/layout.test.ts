/**
 * The call's layout in a real call: the built web client served by the real server, two Chromium pages whose fake
 * microphones beep. The one who is not muted is marked as speaking on both sides and takes the speaker layout's
 * stage; the layout chosen is remembered by the page.
 */
import type { Browser, Locator } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closePages, ensureBuilt, launchChromium, openPage, startServer } from '../support/e2e'
import type { CallPage, E2eServer } from '../support/e2e'

const POLL = { timeout: 30_000, interval: 250 }

describe('who is talking, and the layouts, in a real call', () => {
  let server: E2eServer
  let browser: Browser
  const pages: CallPage[] = []

  beforeAll(async () => {
    await ensureBuilt()
    server = await startServer()
    browser = await launchChromium()
    for (const name of ['Ann', 'Bo'])
      pages.push(await openPage(browser, server.url, name, `?room=den&name=${name}`))
  }, 120_000)

  afterAll(async () => {
    await closePages(pages)
    await browser?.close()
    await server?.close()
  })

  const [ann, bo] = [() => pages[0]!.page, () => pages[1]!.page]
  const tileOf = (page: () => CallPage['page'], name: string): Locator =>
    page()
      .locator('moim-video-tile')
      .filter({ has: page().locator('.name', { hasText: name }) })
  const speaking = (tile: Locator) => tile.evaluate((t) => t.hasAttribute('speaking'))

  it('marks the one whose microphone beeps as speaking, on both sides, and not the muted one', async () => {
    const microphone = bo().getByRole('button', { name: 'Microphone', exact: true })
    await microphone.click()
    await expect.poll(() => microphone.getAttribute('aria-pressed'), POLL).toBe('false')
    // Ann hears Bo's silence and sees her own beeps. Bo spoke too before muting: his tiles are unmarked at the
    // next sample, which a loaded machine may delay, so they are polled too.
    await expect.poll(() => speaking(tileOf(bo, 'Ann')), POLL).toBe(true)
    await expect.poll(() => speaking(tileOf(ann, 'Ann (you)')), POLL).toBe(true)
    await expect.poll(() => speaking(tileOf(bo, 'Bo (you)')), POLL).toBe(false)
    await expect.poll(() => speaking(tileOf(ann, 'Bo')), POLL).toBe(false)
    // Marked for as long as the beeps go on (no flicker between them), and the muted one never: over two seconds.
    const samples: { ann: boolean; bo: boolean }[] = []
    for (let i = 0; i < 10; i++) {
      samples.push({ ann: await speaking(tileOf(bo, 'Ann')), bo: await speaking(tileOf(ann, 'Bo')) })
      await bo().waitForTimeout(200)
    }
    expect(samples).toEqual(Array(10).fill({ ann: true, bo: false }))
  })

  it('shows the speaker large in the speaker layout, and remembers the layout after a reload', async () => {
    const speakerButton = bo().getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'Speaker' })
    await speakerButton.click()
    await expect.poll(() => speakerButton.getAttribute('aria-pressed'), POLL).toBe('true')
    const annTile = tileOf(bo, 'Ann')
    await expect.poll(() => annTile.evaluate((t) => t.hasAttribute('data-stage')), POLL).toBe(true)
    const stage = (await annTile.boundingBox())!
    const strip = (await tileOf(bo, 'Bo (you)').boundingBox())!
    expect(stage.width).toBeGreaterThan(strip.width * 2)

    await bo().reload()
    await expect
      .poll(
        () =>
          bo()
            .getByRole('group', { name: 'Layout' })
            .getByRole('button', { name: 'Speaker' })
            .getAttribute('aria-pressed'),
        POLL
      )
      .toBe('true')
  })
})
