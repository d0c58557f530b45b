/**
 * What the mesh's video ladder sends, read where it counts: the frame size each page decodes from the others
 * (inbound-rtp frameWidth/frameHeight in getStats). The cameras are not sized by the test here, so they give
 * what the app asks for (CAMERA_CAPTURE, 1280×720).
 */
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { closePages, ensureBuilt, launchChromium, openPage, remoteStats } from '../support/e2e'
import type { CallPage, E2eServer } from '../support/e2e'
import { startServer } from '../support/e2e'

// Bandwidth estimation starts low and the encoder starts small: 720p arrives after the ramp-up.
const POLL = { timeout: 40_000, interval: 500 }

describe('video resolution by room size', () => {
  let server: E2eServer
  let browser: Browser
  let pages: CallPage[] = []

  beforeAll(async () => {
    await ensureBuilt()
    server = await startServer()
    browser = await launchChromium()
  }, 120_000)

  afterEach(async () => {
    await closePages(pages)
    pages = []
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  async function join(room: string, names: string[]): Promise<void> {
    for (const name of names) {
      pages.push(
        await openPage(browser, server.url, name, `?room=${room}&name=${name}`, {
          nativeCameraSize: true
        })
      )
    }
  }

  /** The frame size `page` decodes from `remote`, as "W×H" ("0×0" before the first frame). */
  async function decoded(page: CallPage, remote: string): Promise<string> {
    const stats = await remoteStats(page.page, remote)
    return `${stats?.frameWidth ?? 0}×${stats?.frameHeight ?? 0}`
  }

  it('two people send each other 1280×720', async () => {
    await join('pair', ['Ann', 'Bo'])
    const [ann, bo] = pages as [CallPage, CallPage]
    await expect.poll(() => decoded(bo, 'Ann'), POLL).toBe('1280×720')
    await expect.poll(() => decoded(ann, 'Bo'), POLL).toBe('1280×720')
  })

  /** How much each open connection's video sender scales the camera down. */
  function senderScales(page: CallPage): Promise<(number | undefined)[]> {
    return page.page.evaluate(() =>
      (window as unknown as { __moimTest: { connections: RTCPeerConnection[] } }).__moimTest.connections
        .filter((pc) => pc.connectionState !== 'closed')
        .flatMap((pc) => pc.getSenders().filter((s) => s.track?.kind === 'video'))
        .map((sender) => sender.getParameters().encodings[0]?.scaleResolutionDownBy)
    )
  }

  it('four people step down to 640×360', async () => {
    await join('four', ['Ann', 'Bo', 'Cy', 'Di'])
    // Every sender halves the 720p capture, the late joiner's from its first negotiation, the others' when the
    // fourth arrived.
    for (const page of pages) {
      await expect.poll(() => senderScales(page), POLL).toEqual([2, 2, 2])
    }
    for (const page of pages) {
      for (const remote of pages.filter((p) => p !== page)) {
        // At most 640×360 once everyone is in (CPU adaptation on a busy machine may send less), and never more.
        await expect.poll(() => decoded(page, remote.name), POLL).not.toBe('0×0')
        await expect
          .poll(async () => {
            const [width, height] = (await decoded(page, remote.name)).split('×').map(Number)
            return width! <= 640 && height! <= 360 && width! > 0
          }, POLL)
          .toBe(true)
      }
    }
  })
})
