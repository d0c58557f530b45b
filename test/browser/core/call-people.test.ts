/**
 * People, state and words in the call core, against a real signaling server and real peer connections in
 * Chromium: raised hands in order, reactions that expire, connection quality and stats from getStats, and a
 * lobby-only user when the host stops the server. (The microphone's processing is tested in test/e2e/people.test.ts,
 * in a browser of its own: Chromium shares one echo-cancelling capture per device among all its pages.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REACTION_MS } from '../../../src/renderer/src/core/call'
import { qualityOf, readStats } from '../../../src/renderer/src/core/connection-stats'
import { LocalMedia } from '../../../src/renderer/src/core/local-media'
import { Session } from '../../../src/renderer/src/core/session'
import { SignalingClient } from '../../../src/renderer/src/core/signaling-client'
import type { ConnectionStats } from '../../../src/renderer/src/core/types'
import { setLogLevel } from '../../../src/shared/logger'
import { startServer } from './server'
import type { TestServer } from './server'

setLogLevel('silent')

const POLL = { timeout: 15_000, interval: 100 }
const SMALL = { width: { ideal: 160 }, height: { ideal: 120 } }

describe('people in the call core', { timeout: 40_000 }, () => {
  let server: TestServer
  const sessions: Session[] = []

  beforeEach(async () => {
    localStorage.clear()
  })

  afterEach(async () => {
    for (const session of sessions.splice(0)) session.dispose()
    await server?.close()
  })

  function session(): Session {
    const created = new Session({
      call: {
        signaling: new SignalingClient({ requestTimeoutMs: 3_000, connectTimeoutMs: 3_000 }),
        media: new LocalMedia({ video: SMALL, persist: false })
      },
      persist: false
    })
    sessions.push(created)
    return created
  }

  async function joined(name: string): Promise<Session> {
    const s = session()
    expect(await s.join({ name, room: 'den', server: server.address })).toEqual({
      ok: true,
      value: undefined
    })
    return s
  }

  it('shows raised hands to everyone, late joiners too, in the order they went up, until lowered', async () => {
    server = await startServer()
    const ann = await joined('Ann')
    const bo = await joined('Bo')
    expect((await bo.call.setHand(true)).ok).toBe(true)
    expect((await ann.call.setHand(true)).ok).toBe(true)
    expect(ann.call.state.self?.hand).toBeGreaterThan(bo.call.state.self!.hand!)

    const cy = await joined('Cy')
    const order = (s: Session) =>
      s.call.state.participants
        .filter((p) => p.peer.hand !== undefined)
        .sort((a, b) => a.peer.hand! - b.peer.hand!)
        .map((p) => p.peer.name)
    expect(order(cy)).toEqual(['Bo', 'Ann'])
    await expect.poll(() => order(ann), POLL).toEqual(['Bo'])

    expect((await bo.call.setHand(false)).ok).toBe(true)
    expect(bo.call.state.self?.hand).toBeUndefined()
    await expect.poll(() => order(cy), POLL).toEqual(['Ann'])
  })

  it('shows a reaction over the sender for a few seconds, to the sender too', async () => {
    server = await startServer()
    const ann = await joined('Ann')
    const bo = await joined('Bo')
    const annId = ann.call.state.self!.id
    expect((await ann.call.sendReaction('🎉')).ok).toBe(true)
    expect(ann.call.state.reactions).toMatchObject([{ from: annId, emoji: '🎉' }])
    await expect.poll(() => bo.call.state.reactions, POLL).toMatchObject([{ from: annId, emoji: '🎉' }])
    // Gone after REACTION_MS.
    await expect
      .poll(() => bo.call.state.reactions.length, { timeout: REACTION_MS + 3_000, interval: 200 })
      .toBe(0)
    expect(ann.call.state.reactions).toEqual([])
  })

  it('rates each connection from its getStats and gives the figures the stats panel shows', async () => {
    server = await startServer()
    const ann = await joined('Ann')
    await joined('Bo')
    await expect.poll(() => ann.call.state.participants[0]?.quality, POLL).toBe('good')
    await expect
      .poll(() => ann.call.state.participants[0]?.stats?.videoIn?.bitrateKbps ?? 0, POLL)
      .toBeGreaterThan(0)
    const stats = ann.call.state.participants[0]!.stats!
    expect(stats.rttMs).not.toBeNull()
    expect(stats.rttMs!).toBeLessThan(300)
    expect(stats.videoIn).toMatchObject({ codec: expect.stringMatching(/^(VP8|VP9|H264|AV1)$/) })
    expect(stats.videoIn!.width).toBeGreaterThan(0)
    expect(stats.videoOut!.width).toBeGreaterThan(0)
    expect(stats.sendKbps).toBeGreaterThan(0)
  })

  it('keeps a person who was only in the lobby in the lobby when the host stops the server', async () => {
    server = await startServer({ capacity: 2 })
    const ann = await joined('Ann')
    await joined('Bo')
    const cy = session()
    const refused = await cy.join({ name: 'Cy', room: 'den', server: server.address })
    expect(refused).toMatchObject({ ok: false, error: { code: 'full' } })
    await server.close()
    await expect.poll(() => ann.call.state.phase, POLL).toBe('ended')
    await expect.poll(() => cy.call.state.server, POLL).toBe('closed')
    expect(cy.call.state.phase).toBe('lobby')
    expect(cy.call.state.error?.code).toBe('host-ended')
  })
})

describe('connection quality', () => {
  const stats = (changes: Partial<ConnectionStats>): ConnectionStats => ({
    peerId: 'p',
    rttMs: 20,
    lossPercent: 0,
    receiveKbps: 900,
    sendKbps: 900,
    videoIn: { codec: 'VP8', width: 640, height: 360, fps: 24, bitrateKbps: 800 },
    videoOut: null,
    ...changes
  })
  const video = (fps: number) => ({ codec: 'VP8', width: 640, height: 360, fps, bitrateKbps: 800 })

  it('is good, weak or bad by round-trip time, loss and the frame rate of a camera that is on', () => {
    expect(qualityOf(stats({}), true)).toBe('good')
    expect(qualityOf(stats({ rttMs: 350 }), true)).toBe('weak')
    expect(qualityOf(stats({ rttMs: 800 }), true)).toBe('bad')
    expect(qualityOf(stats({ lossPercent: 5 }), true)).toBe('weak')
    expect(qualityOf(stats({ lossPercent: 15 }), true)).toBe('bad')
    expect(qualityOf(stats({ videoIn: video(8) }), true)).toBe('weak')
    expect(qualityOf(stats({ videoIn: video(2) }), true)).toBe('bad')
    // A camera that is off sends no frames: that is not a bad connection.
    expect(qualityOf(stats({ videoIn: video(0) }), false)).toBe('good')
    expect(qualityOf(stats({ rttMs: null, lossPercent: null, videoIn: null }), true)).toBeNull()
  })

  it('reads loss and bitrate as deltas between two reports', () => {
    const report = (lost: number, received: number, bytes: number) =>
      new Map<string, Record<string, unknown>>([
        ['t', { id: 't', type: 'transport', selectedCandidatePairId: 'cp' }],
        ['cp', { id: 'cp', type: 'candidate-pair', currentRoundTripTime: 0.123 }],
        ['c', { id: 'c', type: 'codec', mimeType: 'video/VP9' }],
        [
          'in',
          {
            id: 'in',
            type: 'inbound-rtp',
            kind: 'video',
            codecId: 'c',
            packetsLost: lost,
            packetsReceived: received,
            bytesReceived: bytes,
            frameWidth: 1280,
            frameHeight: 720,
            framesPerSecond: 24
          }
        ]
      ]) as unknown as RTCStatsReport
    const first = readStats('p', report(0, 100, 10_000), null, 1_000)
    expect(first.stats).toMatchObject({ rttMs: 123, lossPercent: null, receiveKbps: null })
    const second = readStats('p', report(10, 190, 260_000), first.sample, 3_000)
    expect(second.stats).toMatchObject({
      rttMs: 123,
      lossPercent: 10,
      receiveKbps: 1_000,
      videoIn: { codec: 'VP9', width: 1280, height: 720, fps: 24, bitrateKbps: 1_000 }
    })
  })
})
