/**
 * Screen share end to end, on a hosted room: the sharer's page goes through the renderer's getDisplayMedia path
 * (Chromium's fake screen, auto-accepted by --use-fake-ui-for-media-stream, 16:9), the other page sees the shared
 * screen arrive on the same connection without renegotiation (replaceTrack), a "sharing screen" state on the tile,
 * and the camera (4:3) again once sharing stops. In the desktop app, main answers getDisplayMedia through the in-app
 * picker: its half in the page (sources shown, the choice sent back) is driven here through a stand-in bridge.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { HostingService } from '../../src/main/hosting'
import {
  CAMERA_SIZES,
  closePages,
  ensureBuilt,
  launchChromium,
  openPage,
  remoteStats,
  startServer
} from '../support/e2e'
import type { CallPage, E2eServer, RemoteStats } from '../support/e2e'

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
  const shareButton = () => sharer.page.getByRole('button', { name: 'Share screen', exact: true })
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
    await shareButton().click()
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
    // One name for the toggle; its state is aria-pressed.
    expect(await shareButton().getAttribute('aria-pressed')).toBe('true')
  })

  it('stopping the share brings the camera back', async () => {
    await shareButton().click()
    await expect.poll(async () => (await stats())?.frameWidth ?? 0, POLL).toBe(CAMERA.width)
    expect((await stats())?.frameHeight).toBe(CAMERA.height)
    await expect.poll(tileLabel, POLL).not.toMatch(/sharing screen/)
  })

  it('the camera also comes back when the shared screen ends by itself (window closed, sharing stopped by the OS)', async () => {
    await shareButton().click()
    await expect.poll(tileLabel, POLL).toMatch(/sharing screen/)
    // What the browser does when the captured surface goes away: the track fires `ended`.
    const ended = await sharer.page.evaluate(() => {
      const connections = (window as unknown as { __moimTest: { connections: RTCPeerConnection[] } })
        .__moimTest.connections
      const track = connections
        .flatMap((pc) => pc.getSenders())
        .map((sender) => sender.track)
        .find((candidate) => candidate?.kind === 'video' && candidate.label.startsWith('screen:'))
      track?.dispatchEvent(new Event('ended'))
      return track !== undefined
    })
    expect(ended).toBe(true)
    await expect.poll(tileLabel, POLL).not.toMatch(/sharing screen/)
    await expect.poll(async () => (await stats())?.frameWidth ?? 0, POLL).toBe(CAMERA.width)
    expect(await shareButton().getAttribute('aria-pressed')).toBe('false')
  })
})

/** Runs in the page before the app: just enough of the preload's `window.moim` for the screen picker. */
function installScreenBridge(): void {
  const pickListeners = new Set<(request: unknown) => void>()
  const choose = (choice: unknown): Promise<unknown> =>
    (window as unknown as { __moimChoose(choice: unknown): Promise<unknown> }).__moimChoose(choice)
  const none = async () => ({ ok: true, value: [] })
  Object.assign(window, {
    __moimPick: (request: unknown) => pickListeners.forEach((listener) => listener(request)),
    moim: {
      isMoimApp: true,
      os: 'linux',
      host: {
        start: async () => ({ ok: false, code: 'failed', message: 'not in this test' }),
        stop: async () => ({ ok: true, value: { running: false } }),
        status: async () => ({ ok: true, value: { running: false } }),
        onChanged: () => () => {}
      },
      recent: { list: none, add: none, remove: none },
      screen: {
        onPick: (listener: (request: unknown) => void) => {
          pickListeners.add(listener)
          return () => pickListeners.delete(listener)
        },
        choose
      },
      shell: { openExternal: async () => ({ ok: true, value: null }) },
      invite: { pending: async () => ({ ok: true, value: null }), onOpened: () => () => {} }
    }
  })
}

describe('the in-app screen picker (desktop)', () => {
  let appServer: E2eServer
  let browser: Browser
  let page: CallPage
  const choices: unknown[] = []

  beforeAll(async () => {
    await ensureBuilt()
    appServer = await startServer()
    browser = await launchChromium()
    page = await openPage(browser, appServer.url, 'Ann', '')
    await page.context.exposeFunction('__moimChoose', async (choice: unknown) => {
      choices.push(choice)
      return { ok: true, value: null }
    })
    await page.context.addInitScript(installScreenBridge)
    await page.page.reload()
    // The picker comes with host mode, which the desktop app loads lazily.
    await vi.waitFor(async () => {
      const defined = await page.page.evaluate(() => customElements.get('moim-screen-picker') !== undefined)
      if (!defined) throw new Error('moim-screen-picker is not defined in the desktop app')
    }, POLL)
  }, 240_000)

  afterAll(async () => {
    await closePages([page].filter(Boolean))
    await browser?.close()
    await appServer?.close()
  })

  const pick = (requestId: string): Promise<void> =>
    page.page.evaluate(
      (id) =>
        (window as unknown as { __moimPick(request: unknown): void }).__moimPick({
          requestId: id,
          sources: [
            { id: 'screen:0:0', name: 'Entire screen', kind: 'screen', thumbnail: '' },
            { id: 'window:7:0', name: 'Notes', kind: 'window', thumbnail: '' }
          ]
        }),
      requestId
    )

  it('shows screens and windows by name and answers with the one chosen', async () => {
    await pick('r1')
    const dialog = page.page.getByRole('dialog', { name: 'Choose what to share' })
    await expect.poll(() => dialog.isVisible(), POLL).toBe(true)
    expect(await dialog.getByRole('heading', { name: 'Screens' }).isVisible()).toBe(true)
    expect(await dialog.getByRole('heading', { name: 'Windows' }).isVisible()).toBe(true)
    await dialog.getByRole('button', { name: 'Notes' }).click()
    expect(await dialog.getByRole('button', { name: 'Notes' }).getAttribute('aria-pressed')).toBe('true')
    await dialog.getByRole('button', { name: 'Share' }).click()
    await expect.poll(() => choices, POLL).toEqual([{ requestId: 'r1', sourceId: 'window:7:0' }])
    expect(await dialog.isVisible()).toBe(false)
  })

  it('answers null when the user presses Escape', async () => {
    await pick('r2')
    const dialog = page.page.getByRole('dialog', { name: 'Choose what to share' })
    await expect.poll(() => dialog.isVisible(), POLL).toBe(true)
    await page.page.keyboard.press('Escape')
    await expect.poll(() => choices.at(-1), POLL).toEqual({ requestId: 'r2', sourceId: null })
    expect(await dialog.isVisible()).toBe(false)
  })

  it('closes without answering when main withdraws the request', async () => {
    await pick('r3')
    const dialog = page.page.getByRole('dialog', { name: 'Choose what to share' })
    await expect.poll(() => dialog.isVisible(), POLL).toBe(true)
    const answered = choices.length
    await page.page.evaluate(() =>
      (window as unknown as { __moimPick(request: unknown): void }).__moimPick({
        requestId: 'r3',
        sources: []
      })
    )
    await expect.poll(() => dialog.isVisible(), POLL).toBe(false)
    expect(choices).toHaveLength(answered)
  })
})
