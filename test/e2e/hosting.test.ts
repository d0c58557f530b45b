/**
 * Host mode end to end: the hosting service started exactly as the main process starts it (the built renderer as
 * the web client, DEFAULT_PORT or the next free port, every interface), two Chromium pages that join it by typing
 * `127.0.0.1:PORT` in the desktop lobby, real WebRTC between them, and Stop hosting ending the room on both.
 *
 * The pages run the same renderer as the desktop app, with a stand-in for the preload's `window.moim` (the Electron
 * binary cannot run here), so the lobby shows its "Server address" field as it does in the app.
 */
import { createServer as createHttpServer } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import type { AddressInfo, Server as TcpServer, Socket as TcpSocket } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HostingService } from '../../src/main/hosting'
import type { HostStatus } from '../../src/shared/ipc'
import { DEFAULT_PORT } from '../../src/shared/protocol'
import {
  closePages,
  describeConnections,
  ensureBuilt,
  launchChromium,
  openPage,
  remoteStats,
  startServer
} from '../support/e2e'
import type { CallPage, E2eServer } from '../support/e2e'

const POLL = { timeout: 30_000, interval: 500 }
const ROOM = 'team'

/** What installDesktopBridge adds to the page's window. */
interface Bridge {
  __moimEmit(kind: 'host' | 'pick' | 'invite', payload: unknown): void
}

/**
 * Runs in the page before the app: a `window.moim` like the preload's, whose host calls go to `__moimHost` (exposed
 * by the test, backed by the real HostingService) and whose events the test raises with `__moimEmit`.
 */
function installDesktopBridge(): void {
  type Listener = (payload: unknown) => void
  const listeners: Record<string, Set<Listener>> = { host: new Set(), pick: new Set(), invite: new Set() }
  const subscribe = (kind: string) => (listener: Listener) => {
    listeners[kind].add(listener)
    return () => listeners[kind].delete(listener)
  }
  const host = (action: string, argument?: unknown): Promise<unknown> => {
    const call = (window as unknown as { __moimHost?: (a: string, b: unknown) => Promise<unknown> })
      .__moimHost
    return call ? call(action, argument) : Promise.resolve({ ok: true, value: { running: false } })
  }
  let recent: { address: string; room?: string; lastJoined: number }[] = []
  Object.assign(window, {
    __moimEmit: (kind: string, payload: unknown) => listeners[kind].forEach((listener) => listener(payload)),
    moim: {
      isMoimApp: true,
      os: 'linux',
      host: {
        start: (request: unknown) => host('start', request),
        stop: () => host('stop'),
        status: () => host('status'),
        onChanged: subscribe('host')
      },
      recent: {
        list: async () => ({ ok: true, value: recent }),
        add: async (entry: { address: string; room?: string }) => {
          recent = [
            { ...entry, lastJoined: Date.now() },
            ...recent.filter((old) => old.address !== entry.address)
          ]
          return { ok: true, value: recent }
        },
        remove: async (address: string) => {
          recent = recent.filter((old) => old.address !== address)
          return { ok: true, value: recent }
        }
      },
      screen: { onPick: subscribe('pick'), choose: (choice: unknown) => host('choose', choice) },
      shell: { openExternal: async () => ({ ok: true, value: null }) },
      invite: { pending: async () => ({ ok: true, value: null }), onOpened: subscribe('invite') }
    }
  })
}

/** A desktop-mode page (the app's renderer with the bridge) on the host's web client. */
async function openDesktopPage(browser: Browser, url: string, name: string): Promise<CallPage> {
  const page = await openPage(browser, url, name, '')
  await page.context.addInitScript(installDesktopBridge)
  await page.page.reload()
  return page
}

/** Joins from the desktop lobby by typing the host's address, as a guest would. */
async function joinByAddress(page: CallPage, address: string, password?: string): Promise<void> {
  // Scoped to the lobby's form: the host panel beside it has a "Your name" field too.
  const lobby = page.page.locator('moim-lobby')
  await lobby.getByLabel('Your name', { exact: true }).fill(page.name)
  await lobby.getByLabel('Server address', { exact: true }).fill(address)
  await lobby.getByLabel('Room', { exact: true }).fill(ROOM)
  if (password !== undefined) await lobby.getByLabel('Password', { exact: true }).fill(password)
  await lobby.getByRole('button', { name: 'Join', exact: true }).click()
}

describe('hosting a room and joining it by IP', () => {
  let hosting: HostingService
  let port: number
  let browser: Browser
  const pages: CallPage[] = []

  beforeAll(async () => {
    // Exactly what src/main/index.ts does: the built renderer as staticDir, default port and interfaces, and only
    // the app's own page as a foreign origin (these pages come from the hosted server itself).
    hosting = new HostingService({ staticDir: await ensureBuilt(), allowedOrigins: ['app://moim'] })
    const started = await hosting.start({ name: 'Host', room: ROOM })
    if (!started.ok || !started.value.running)
      throw new Error(`hosting did not start: ${JSON.stringify(started)}`)
    port = started.value.port
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await closePages(pages)
    await browser?.close()
    await hosting?.stop('shutdown')
  })

  it('listens on the default port (or the next free one) on every interface', () => {
    expect(port).toBeGreaterThanOrEqual(DEFAULT_PORT)
    expect(port).toBeLessThan(DEFAULT_PORT + 10)
    expect(['::', '0.0.0.0']).toContain(hosting.signalingServer?.address()?.host)
  })

  it('two pages join by 127.0.0.1:PORT and decode each other’s video', async () => {
    for (const name of ['Ann', 'Bo']) {
      const page = await openDesktopPage(browser, `http://127.0.0.1:${port}`, name)
      pages.push(page)
      await joinByAddress(page, `127.0.0.1:${port}`)
    }
    const [ann, bo] = pages
    for (const [viewer, remote] of [
      [ann, bo],
      [bo, ann]
    ]) {
      try {
        await expect
          .poll(async () => (await remoteStats(viewer.page, remote.name))?.framesDecoded ?? 0, POLL)
          .toBeGreaterThan(0)
      } catch (error) {
        // What each page's connections were doing, to tell a signaling problem from a media one.
        for (const page of pages)
          console.error(page.name, JSON.stringify(await describeConnections(page.page)))
        throw error
      }
    }
    const status = hosting.status() as Extract<HostStatus, { running: true }>
    expect(status.people).toEqual(['Ann', 'Bo'])
    expect(status.rooms).toEqual([{ name: ROOM, count: 2, capacity: 6, locked: false }])
  })

  it('stopping hosting shows "The host ended the room" on both pages', async () => {
    expect(pages).toHaveLength(2)
    await hosting.stop()
    for (const { page } of pages) {
      await expect.poll(() => page.getByText('The host ended the room').isVisible(), POLL).toBe(true)
    }
    expect(hosting.status()).toEqual({ running: false })
  })
})

describe('host mode from the lobby’s host panel', () => {
  let appServer: E2eServer
  let hosting: HostingService
  let browser: Browser
  const pages: CallPage[] = []

  beforeAll(async () => {
    const staticDir = await ensureBuilt()
    // Stands in for the app's own page (app://moim in Electron): the renderer, loaded before any hosting.
    appServer = await startServer()
    // As in main, the app page's origin is the one foreign origin allowed; here that page is appServer's.
    hosting = new HostingService({ staticDir, allowedOrigins: [appServer.url] })
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await closePages(pages)
    await browser?.close()
    await hosting?.stop('shutdown')
    await appServer?.close()
  })

  it('hosts from the panel, joins its own room over loopback, lists the room, and stops it for everyone', async () => {
    // The desktop app's window: the bridge's host calls reach the real HostingService, as IPC would.
    const host = await openPage(browser, appServer.url, 'Ann', '')
    pages.push(host)
    await host.context.exposeFunction('__moimHost', async (action: string, argument: unknown) => {
      if (action === 'start') return hosting.start(argument)
      if (action === 'stop') return { ok: true, value: await hosting.stop() }
      if (action === 'status') return { ok: true, value: hosting.status() }
      return { ok: false, code: 'invalid', message: `unknown action ${action}` }
    })
    hosting.onChange((status) => {
      void host.page
        .evaluate((next) => (window as unknown as Bridge).__moimEmit('host', next), status)
        .catch(() => {})
    })
    await host.context.addInitScript(installDesktopBridge)
    await host.page.reload()
    await host.page.getByRole('tab', { name: 'Host a room' }).click()
    const panel = host.page.locator('moim-host-panel')
    await panel.getByLabel('Your name').fill('Ann')
    await panel.getByLabel('Room name').fill(ROOM)
    await panel.getByLabel('Password (optional)').fill('pw')
    await panel.getByLabel('People in the room').fill('4')
    await panel.getByRole('button', { name: 'Host a room' }).click()
    await expect.poll(() => (hosting.status() as { people?: string[] }).people, POLL).toEqual(['Ann'])
    const status = hosting.status() as Extract<HostStatus, { running: true }>
    expect(status).toMatchObject({ room: ROOM, capacity: 4, locked: true, password: 'pw' })

    const guest = await openDesktopPage(browser, appServer.url, 'Bo')
    pages.push(guest)
    await joinByAddress(guest, `127.0.0.1:${status.port}`, 'pw')
    for (const [viewer, remote] of [
      [host, guest],
      [guest, host]
    ]) {
      await expect
        .poll(async () => (await remoteStats(viewer.page, remote.name))?.framesDecoded ?? 0, POLL)
        .toBeGreaterThan(0)
    }

    // During the call the host opens the invite panel: how to join, who is in, and Stop hosting.
    await host.page.getByRole('button', { name: 'Invite people' }).click()
    const heading = panel.getByRole('heading', { name: `Hosting “${ROOM}” on port ${status.port}` })
    await expect.poll(() => heading.isVisible(), POLL).toBe(true)
    await expect.poll(() => panel.getByRole('listitem').filter({ hasText: /^Bo$/ }).count(), POLL).toBe(1)
    expect(await panel.getByRole('img', { name: /QR code of http:\/\// }).count()).toBeGreaterThan(0)
    await panel.getByRole('button', { name: 'Stop hosting' }).click()
    await expect.poll(() => guest.page.getByText('The host ended the room').isVisible(), POLL).toBe(true)
    await expect.poll(() => host.page.getByText('You stopped hosting').isVisible(), POLL).toBe(true)
    expect(hosting.status()).toEqual({ running: false })
  })
})

describe('joining by IP says what is wrong, within seconds', () => {
  let appServer: E2eServer
  let browser: Browser
  let page: CallPage
  const others: { close(): void }[] = []

  beforeAll(async () => {
    await ensureBuilt()
    appServer = await startServer()
    browser = await launchChromium()
    page = await openDesktopPage(browser, appServer.url, 'Ann')
  }, 240_000)

  afterAll(async () => {
    for (const server of others) server.close()
    await closePages([page].filter(Boolean))
    await browser?.close()
    await appServer?.close()
  })

  /** Starts a plain TCP or HTTP server on 127.0.0.1 and returns its port. */
  async function listen(server: TcpServer): Promise<number> {
    others.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return (server.address() as AddressInfo).port
  }

  /** Types `address` in the desktop lobby, presses Join and returns the alert's text and how long it took. */
  async function tryJoin(address: string): Promise<{ text: string; ms: number }> {
    await page.page.reload()
    const started = Date.now()
    await joinByAddress(page, address)
    const alert = page.page.locator('moim-lobby').getByRole('alert')
    await alert.waitFor({ timeout: 15_000 })
    return { text: (await alert.textContent()) ?? '', ms: Date.now() - started }
  }

  it('a malformed address, before any connection', async () => {
    const { text } = await tryJoin('127.0.0.1:70000')
    expect(text).toMatch(/not a port/)
  })

  it('nothing listening at that address', async () => {
    const port = await listen(createTcpServer())
    others.pop()!.close()
    await new Promise((resolve) => setTimeout(resolve, 50))
    const { text, ms } = await tryJoin(`127.0.0.1:${port}`)
    expect(text).toMatch(/Nothing answered/)
    expect(ms).toBeLessThan(8_000)
  })

  it('a web server that is not Moim', async () => {
    const port = await listen(createHttpServer((_request, response) => response.writeHead(404).end('no')))
    const { text, ms } = await tryJoin(`127.0.0.1:${port}`)
    expect(text).toMatch(/not a Moim server/)
    expect(ms).toBeLessThan(8_000)
  })

  it('a server that accepts but never answers', async () => {
    const held: TcpSocket[] = []
    const port = await listen(createTcpServer((socket) => void held.push(socket)))
    others.push({ close: () => held.forEach((socket) => socket.destroy()) })
    const { text, ms } = await tryJoin(`127.0.0.1:${port}`)
    expect(text).toMatch(/did not answer in time/)
    // The core waits 6 s; the address field's room listing and the Join share that one attempt instead of
    // waiting twice (about 12 s, when the user would think the app hung).
    expect(ms).toBeLessThan(9_000)
  })
})
