/**
 * A dropped signaling connection mid-call, in real Chromium pages with fake cameras: Ann's page reaches the server
 * through a loopback TCP proxy, which the test cuts (every connection reset, new ones refused) for 5 s and then
 * restores. The room is full (capacity 2), so a seat that was not held would be lost. What must hold: media keeps
 * flowing meanwhile (WebRTC goes peer to peer, not through the proxy), Bo sees Ann reconnecting, Ann sees her own
 * reconnecting banner, a newcomer is refused `full`; afterwards the same tile (no "Ann (2)"), no new
 * RTCPeerConnection on either page, and framesDecoded still growing on both sides.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/shared/protocol'
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
import { startTcpProxy } from '../support/tcp-proxy'
import type { TcpProxy } from '../support/tcp-proxy'

const POLL = { timeout: 30_000, interval: 250 }
const ROOM = 'standup'
const CUT_MS = 5_000

/** The accessible names of the page's video tiles of other people. */
function tileLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const labels: string[] = []
    const walk = (root: Document | ShadowRoot): void => {
      for (const element of root.querySelectorAll('*')) {
        if (element.hasAttribute('data-peer-id')) labels.push(element.getAttribute('aria-label') ?? '')
        if (element.shadowRoot) walk(element.shadowRoot)
      }
    }
    walk(document)
    return labels
  })
}

/** How many RTCPeerConnections the page ever made. */
function connectionCount(page: Page): Promise<number> {
  return page.evaluate(
    () => (window as unknown as { __moimTest: { connections: unknown[] } }).__moimTest.connections.length
  )
}

describe('a signaling connection cut for 5 s mid-call, in a full room', () => {
  let server: E2eServer
  let proxy: TcpProxy
  let browser: Browser
  let ann: CallPage
  let bo: CallPage
  let newcomer: Socket<ServerToClientEvents, ClientToServerEvents> | undefined

  beforeAll(async () => {
    await ensureBuilt()
    let serverPort = 0
    proxy = await startTcpProxy(() => serverPort)
    // Ann's page is served through the proxy, so its origin (the proxy's port) must be let in.
    server = await startServer({ capacity: 2, allowedOrigins: [`http://127.0.0.1:${proxy.port}`] })
    serverPort = Number(new URL(server.url).port)
    browser = await launchChromium()
    bo = await openPage(browser, server.url, 'Bo', `?room=${ROOM}&name=Bo`)
    ann = await openPage(browser, `http://127.0.0.1:${proxy.port}`, 'Ann', `?room=${ROOM}&name=Ann`)
  }, 240_000)

  afterAll(async () => {
    newcomer?.disconnect()
    await closePages([ann, bo].filter(Boolean))
    await browser?.close()
    await server?.close()
    await proxy?.close()
  })

  it('keeps the call: the same tiles and connections, media flowing throughout, the seat held', async () => {
    onTestFailed(async () => {
      for (const page of [ann, bo]) {
        const connections = await describeConnections(page.page).catch((error: unknown) => String(error))
        console.error(`[${page.name}] connections`, JSON.stringify(connections, null, 1))
      }
    })
    for (const [page, remote] of [
      [ann, 'Bo'],
      [bo, 'Ann']
    ] as const) {
      await expect
        .poll(async () => (await remoteStats(page.page, remote))?.framesDecoded ?? 0, POLL)
        .toBeGreaterThan(10)
    }
    const before = {
      annConnections: await connectionCount(ann.page),
      boConnections: await connectionCount(bo.page),
      annFrames: (await remoteStats(ann.page, 'Bo'))!,
      boFrames: (await remoteStats(bo.page, 'Ann'))!
    }
    expect(before.annConnections).toBe(1)
    expect(before.boConnections).toBe(1)

    const cut = proxy.cut(CUT_MS)
    // Ann sees her own connection is gone; Bo sees Ann reconnecting on her tile.
    await expect
      .poll(() => ann.page.getByRole('status').filter({ hasText: 'Reconnecting' }).count(), POLL)
      .toBe(1)
    await expect.poll(() => tileLabels(bo.page), POLL).toEqual(['Ann, Reconnecting…'])
    // Her seat is held: the full room turns a newcomer away.
    newcomer = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true })
    const refused = await newcomer.timeout(5_000).emitWithAck('room:join', { room: ROOM, name: 'Cy' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'full' } })
    // Media does not go through the signaling server: it keeps flowing while the connection is cut. Polled, not
    // read once: the steps above may take less time than a frame, and the check is that frames come, not when.
    const during = { ann: 0, bo: 0 }
    for (const [page, remote, earlier, key] of [
      [ann, 'Bo', before.annFrames.framesDecoded, 'ann'],
      [bo, 'Ann', before.boFrames.framesDecoded, 'bo']
    ] as const) {
      await expect
        .poll(async () => (during[key] = (await remoteStats(page.page, remote))!.framesDecoded), {
          timeout: 1_500,
          interval: 50
        })
        .toBeGreaterThan(earlier)
    }
    // ...and that was still during the cut.
    expect(await tileLabels(bo.page)).toEqual(['Ann, Reconnecting…'])
    await cut

    // Back: Ann resumes as herself, the banner goes, Bo's tile is Ann's again.
    await expect
      .poll(() => ann.page.getByRole('status').filter({ hasText: 'Reconnecting' }).count(), POLL)
      .toBe(0)
    await expect.poll(() => tileLabels(bo.page), POLL).toEqual(['Ann'])
    expect(await tileLabels(ann.page)).toEqual(['Bo'])
    expect(await ann.page.getByText('Reconnected to the room.').count()).toBeGreaterThan(0)
    expect(await ann.page.getByText('joined again').count()).toBe(0)
    // No new RTCPeerConnection, the same one carrying each tile, and its frames still growing.
    expect(await connectionCount(ann.page)).toBe(1)
    expect(await connectionCount(bo.page)).toBe(1)
    for (const [page, remote, earlier] of [
      [ann, 'Bo', during.ann],
      [bo, 'Ann', during.bo]
    ] as const) {
      const stats = (await remoteStats(page.page, remote))!
      expect(stats.index).toBe(0)
      expect(stats.connectionState).toBe('connected')
      await expect
        .poll(async () => (await remoteStats(page.page, remote))?.framesDecoded ?? 0, POLL)
        .toBeGreaterThan(earlier + 10)
    }
    // Nothing was renegotiated: media flowed throughout, so no ICE restart was needed.
    expect(
      (await remoteStats(ann.page, 'Bo'))!.offersMade + (await remoteStats(ann.page, 'Bo'))!.offersReceived
    ).toBe(before.annFrames.offersMade + before.annFrames.offersReceived)
  }, 90_000)
})
