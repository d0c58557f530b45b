/**
 * A real call: the built web client served by the real signaling server, three Chromium pages with fake cameras
 * and microphones in one room, checked from the outside through getStats and the accessible UI.
 * The tests share one call and run in order (join, media, chat, mute, camera switch, full room, leave).
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import {
  CAMERA_SIZES,
  aspectOf,
  ROOT,
  closePages,
  connectionState,
  describeConnections,
  ensureBuilt,
  launchChromium,
  negotiationCounts,
  openPage,
  remoteStats,
  videoSenderBitrates
} from '../support/e2e'
import type { CallPage, E2eServer, RemoteStats } from '../support/e2e'
import { startServer } from '../support/e2e'

const POLL = { timeout: 30_000, interval: 500 }
const ROOM = 'standup'
const NAMES = ['Ann', 'Bo', 'Cy'] as const

describe('three people in one room', () => {
  let server: E2eServer
  let browser: Browser
  const pages: CallPage[] = []
  const byName = (name: string): CallPage => pages.find((p) => p.name === name)!
  const others = (name: string): CallPage[] => pages.filter((p) => p.name !== name)

  beforeAll(async () => {
    await ensureBuilt()
    // Capacity 3, so a fourth person can be turned away.
    server = await startServer({ capacity: 3 })
    browser = await launchChromium()
    // One after the other: each joins a room the previous ones are already in.
    for (const name of NAMES)
      pages.push(await openPage(browser, server.url, name, `?room=${ROOM}&name=${name}`))
  }, 240_000)

  afterAll(async () => {
    await closePages(pages)
    await browser?.close()
    await server?.close()
  })

  /** On failure, print every page's connections: states, negotiation counts, ICE events. */
  function diagnoseOnFailure(): void {
    onTestFailed(async () => {
      for (const page of pages) {
        const connections = await describeConnections(page.page).catch((error: unknown) => String(error))
        console.error(`[${page.name}] connections`, JSON.stringify(connections, null, 1))
      }
    })
  }

  async function stats(page: CallPage, remote: string): Promise<RemoteStats | null> {
    return remoteStats(page.page, remote)
  }

  it('each person decodes video and receives audio from both others', async () => {
    diagnoseOnFailure()
    for (const page of pages) {
      for (const remote of others(page.name)) {
        await expect
          .poll(async () => (await stats(page, remote.name))?.connectionState, POLL)
          .toBe('connected')
      }
    }
    // Growing, not just non-zero: media keeps flowing.
    const first = new Map<string, RemoteStats>()
    for (const page of pages) {
      for (const remote of others(page.name)) {
        await expect
          .poll(async () => (await stats(page, remote.name))?.framesDecoded ?? 0, POLL)
          .toBeGreaterThan(0)
        first.set(`${page.name}<-${remote.name}`, (await stats(page, remote.name))!)
      }
    }
    for (const page of pages) {
      for (const remote of others(page.name)) {
        const before = first.get(`${page.name}<-${remote.name}`)!
        await expect
          .poll(async () => (await stats(page, remote.name))?.framesDecoded ?? 0, POLL)
          .toBeGreaterThan(before.framesDecoded)
        await expect
          .poll(async () => (await stats(page, remote.name))?.totalSamplesReceived ?? 0, POLL)
          .toBeGreaterThan(before.totalSamplesReceived)
        const now = (await stats(page, remote.name))!
        expect(now.audioPacketsReceived).toBeGreaterThan(before.audioPacketsReceived)
        expect(now.aspect).toBeCloseTo(aspectOf('fake_device_0'), 1)
      }
    }
    // What a user sees: saved as an artifact and looked at by a person.
    const ann = byName('Ann').page
    await mkdir(join(ROOT, 'test-results'), { recursive: true })
    await ann.screenshot({ path: join(ROOT, 'test-results/three-person-call.png') })
  })

  it('chat from one person reaches both others as literal text', async () => {
    const payload = '<img src=x onerror="window.__pwned=1">hello from Ann'
    const ann = byName('Ann').page
    await ann.getByRole('textbox', { name: 'Message' }).fill(payload)
    await ann.getByRole('button', { name: 'Send' }).click()
    for (const other of others('Ann')) {
      const log = other.page.getByRole('log', { name: 'Chat history' })
      await expect.poll(() => log.getByText(payload, { exact: true }).count(), POLL).toBe(1)
      // Rendered as HTML it would have become an <img> element (the CSP alone would only block the handler).
      expect(await log.locator('img').count()).toBe(0)
      expect(await other.page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
    }
  })

  it('muting shows on the others’ tiles', async () => {
    const bo = byName('Bo').page
    const microphone = bo.getByRole('button', { name: 'Microphone', exact: true })
    await microphone.click()
    await expect.poll(() => microphone.getAttribute('aria-pressed')).toBe('false')
    for (const other of others('Bo')) {
      const tile = other.page.locator('[data-peer-id]').filter({ hasText: 'Bo' })
      await expect.poll(() => tile.getByText('Muted', { exact: true }).isVisible(), POLL).toBe(true)
      await expect.poll(() => tile.getAttribute('aria-label'), POLL).toMatch(/^Bo, muted/)
    }
    await microphone.click()
    for (const other of others('Bo')) {
      const tile = other.page.locator('[data-peer-id]').filter({ hasText: 'Bo' })
      await expect.poll(() => tile.getByText('Muted', { exact: true }).count(), POLL).toBe(0)
    }
  })

  it('switching camera changes the resolution the others decode, without a new offer', async () => {
    diagnoseOnFailure()
    const cy = byName('Cy').page
    const before = new Map<string, { offersMade: number; offersReceived: number }>()
    for (const page of pages) before.set(page.name, await negotiationCounts(page.page))

    await cy.getByRole('combobox', { name: 'Camera' }).selectOption({ label: 'fake_device_2' })

    for (const other of others('Cy')) {
      await expect
        .poll(async () => (await stats(other, 'Cy'))?.aspect, POLL)
        .toBeCloseTo(aspectOf('fake_device_2'), 1)
      const now = (await stats(other, 'Cy'))!
      expect(now.frameWidth).toBeLessThanOrEqual(CAMERA_SIZES.fake_device_2!.width)
      expect(now.framesDecoded).toBeGreaterThan(0)
    }
    // replaceTrack, not a renegotiation: nobody made or received an offer.
    for (const page of pages) expect(await negotiationCounts(page.page)).toEqual(before.get(page.name))
  })

  it('a fourth person is told the room is full', async () => {
    const dee = await openPage(browser, server.url, 'Dee', `?room=${ROOM}&name=Dee`)
    pages.push(dee)
    await expect.poll(() => dee.page.getByRole('alert').filter({ hasText: /full/i }).count(), POLL).toBe(1)
    expect((await server.server.rooms()).find((r) => r.name === ROOM)?.count).toBe(3)
    await dee.context.close()
    pages.splice(pages.indexOf(dee), 1)
  })

  it('when one person leaves, the others drop their tile and their connection, and send at a higher bitrate', async () => {
    const bo = byName('Bo').page
    // Each sender is capped while three share the mesh.
    const inTrio = await videoSenderBitrates(bo)
    expect(inTrio).toHaveLength(2)
    expect(inTrio.every((b) => typeof b === 'number' && b > 0)).toBe(true)
    const indexes = new Map<string, number>()
    for (const other of others('Ann')) indexes.set(other.name, (await stats(other, 'Ann'))!.index)
    await byName('Ann').page.getByRole('button', { name: 'Leave call' }).click()
    for (const other of others('Ann')) {
      await expect
        .poll(() => other.page.locator('[data-peer-id]').filter({ hasText: 'Ann' }).count(), POLL)
        .toBe(0)
      await expect.poll(() => connectionState(other.page, indexes.get(other.name)!), POLL).toBe('closed')
      // The two who stay still see each other.
      const remaining = others('Ann').find((p) => p.name !== other.name)!
      expect((await stats(other, remaining.name))?.connectionState).toBe('connected')
    }
    expect((await server.server.rooms()).find((r) => r.name === ROOM)?.count).toBe(2)
    // With one person fewer, the one remaining connection may use more bandwidth.
    await expect.poll(() => videoSenderBitrates(bo), POLL).toEqual([expect.any(Number)])
    expect((await videoSenderBitrates(bo))[0]).toBeGreaterThan(inTrio[0]!)
  })
})

describe('a room of two, then three: glare, reconnection, no devices, host ending', () => {
  let server: E2eServer
  let browser: Browser
  const pages: CallPage[] = []

  beforeAll(async () => {
    await ensureBuilt()
    server = await startServer()
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await closePages(pages)
    await browser?.close()
    await server?.close()
  })

  it('both offer at the same moment (simultaneous ICE restarts) and stay connected', async () => {
    const [eve, fay] = await Promise.all([
      openPage(browser, server.url, 'Eve', '?room=pair&name=Eve'),
      openPage(browser, server.url, 'Fay', '?room=pair&name=Fay')
    ])
    pages.push(eve!, fay!)
    const pairs = [
      [eve!, 'Fay'],
      [fay!, 'Eve']
    ] as const
    for (const [page, remote] of pairs) {
      await expect
        .poll(async () => (await remoteStats(page.page, remote))?.connectionState, POLL)
        .toBe('connected')
    }
    const before = await Promise.all(pairs.map(([page, remote]) => remoteStats(page.page, remote)))

    // Both pages restart ICE at the same wall-clock instant, so both send an offer and the offers cross.
    const at = Date.now() + 500
    await Promise.all(
      [eve!, fay!].map((p) =>
        p.page.evaluate((when) => {
          const connections = (window as unknown as { __moimTest: { connections: RTCPeerConnection[] } })
            .__moimTest.connections
          setTimeout(
            () =>
              connections.filter((pc) => pc.connectionState !== 'closed').forEach((pc) => pc.restartIce()),
            when - Date.now()
          )
        }, at)
      )
    )

    for (const [index, [page, remote]] of pairs.entries()) {
      // Each side made an offer of its own: the collision happened and perfect negotiation resolved it.
      await expect
        .poll(async () => (await remoteStats(page.page, remote))?.offersMade, POLL)
        .toBeGreaterThan(before[index]!.offersMade)
    }
    for (const [index, [page, remote]] of pairs.entries()) {
      await expect
        .poll(async () => (await remoteStats(page.page, remote))?.framesDecoded ?? 0, POLL)
        .toBeGreaterThan(before[index]!.framesDecoded + 10)
      expect((await remoteStats(page.page, remote))?.connectionState).toBe('connected')
    }
    const signaling = await Promise.all(
      [eve!, fay!].map((p) =>
        p.page.evaluate(() =>
          (window as unknown as { __moimTest: { connections: RTCPeerConnection[] } }).__moimTest.connections
            .filter((pc) => pc.connectionState !== 'closed')
            .map((pc) => pc.signalingState)
        )
      )
    )
    expect(signaling).toEqual([['stable'], ['stable']])
  })

  it('a connection the server ends cannot be resumed: the page joins afresh, says so, and the call comes back', async () => {
    const [eve, fay] = pages as [CallPage, CallPage]
    const eveId = await fay.page.locator('[data-peer-id]').getAttribute('data-peer-id')
    expect(eveId).toBeTruthy()
    // The server closes Eve's connection itself (not a network drop, which would hold her seat: resume.test.ts).
    server.server.io.sockets.sockets.get(eveId!)?.conn.close()
    // Eve comes back with a new id, is told why, and the two see each other again over new connections.
    await expect
      .poll(() => fay.page.locator('[data-peer-id]').getAttribute('data-peer-id'), POLL)
      .not.toBe(eveId)
    await expect
      .poll(() => eve.page.getByRole('status').filter({ hasText: 'you joined the room again' }).count(), POLL)
      .toBe(1)
    for (const [page, remote] of [
      [eve, 'Fay'],
      [fay, 'Eve']
    ] as const) {
      await expect
        .poll(async () => (await remoteStats(page.page, remote))?.framesDecoded ?? 0, POLL)
        .toBeGreaterThan(3)
    }
    expect(await server.server.rooms()).toEqual([{ name: 'pair', count: 2, capacity: 6, locked: false }])
  })

  it('someone without camera or microphone joins to watch and listen, and is told so', async () => {
    const gus = await openPage(browser, server.url, 'Gus', '?room=pair&name=Gus', { withoutDevices: true })
    pages.push(gus)
    await expect
      .poll(
        () =>
          gus.page
            .getByRole('status')
            .filter({ hasText: /watch and listen/ })
            .count(),
        POLL
      )
      .toBe(1)
    for (const remote of ['Eve', 'Fay']) {
      await expect
        .poll(async () => (await remoteStats(gus.page, remote))?.framesDecoded ?? 0, POLL)
        .toBeGreaterThan(3)
      await expect
        .poll(async () => (await remoteStats(gus.page, remote))?.totalSamplesReceived ?? 0, POLL)
        .toBeGreaterThan(0)
    }
    // The others see Gus as muted with video off.
    for (const page of pages.filter((p) => p !== gus)) {
      await expect
        .poll(
          () => page.page.locator('[data-peer-id]').filter({ hasText: 'Gus' }).getAttribute('aria-label'),
          POLL
        )
        .toBe('Gus, muted, video off')
    }
  })

  it('when the host stops the server, each person is told the host ended the room', async () => {
    await server.close()
    for (const page of pages) {
      await expect
        .poll(() => page.page.getByRole('heading', { name: 'The host ended the room' }).count(), POLL)
        .toBe(1)
      expect(await page.page.locator('[data-peer-id]').count()).toBe(0)
    }
  })
})
