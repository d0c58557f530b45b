import { setLogLevel } from '../../../src/shared/logger'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { videoLadder } from '../../../src/renderer/src/core/mesh-transport'
import { isPolite } from '../../../src/renderer/src/core/peer-connection'
import { Relay, camera, inboundVideo } from './mesh-helpers'

// Tests assert on behaviour, not on log lines.
setLogLevel('silent')

// Two meshes in one page, so each test pays for two encoders and decoders: keep the video small.
const POLL = { timeout: 20_000, interval: 200 }

/** Width/height of the decoded frames, 0 before the first frame. */
function aspect(stats: RTCInboundRtpStreamStats | undefined): number {
  return stats?.frameWidth && stats.frameHeight ? stats.frameWidth / stats.frameHeight : 0
}

describe('MeshTransport', () => {
  let relay: Relay
  const streams: MediaStream[] = []

  beforeAll(async () => {
    // Camera permission makes Chromium expose plain host candidates.
    streams.push(await camera(160, 120))
  })

  afterEach(() => {
    relay?.close()
    for (const stream of streams.splice(1)) for (const track of stream.getTracks()) track.stop()
  })

  async function meshWithMedia(id: string, width = 320, height = 240) {
    const stream = await camera(width, height)
    streams.push(stream)
    const mesh = relay.create(
      id,
      {},
      { audio: stream.getAudioTracks()[0], video: stream.getVideoTracks()[0] }
    )
    return { mesh, stream }
  }

  it('decides politeness the same way on both sides', () => {
    expect(isPolite('a', 'b')).toBe(true)
    expect(isPolite('b', 'a')).toBe(false)
  })

  it('connects two peers and decodes video when only one side starts', async () => {
    relay = new Relay()
    const { mesh: a } = await meshWithMedia('a')
    const { mesh: b } = await meshWithMedia('b')
    a.addPeer('b') // b learns of a from a's offer, as a late signal would do
    await expect.poll(() => a.snapshot()[0]?.connection, POLL).toBe('connected')
    await expect.poll(() => b.snapshot()[0]?.connection, POLL).toBe('connected')
    await expect
      .poll(async () => (await inboundVideo(b.connection('a')))?.framesDecoded ?? 0, POLL)
      .toBeGreaterThan(5)
    await expect
      .poll(async () => (await inboundVideo(a.connection('b')))?.framesDecoded ?? 0, POLL)
      .toBeGreaterThan(5)
    expect(
      b
        .snapshot()[0]
        ?.stream?.getTracks()
        .map((t) => t.kind)
        .sort()
    ).toEqual(['audio', 'video'])
  })

  it('still connects when both sides offer at the same moment (glare)', async () => {
    relay = new Relay()
    const { mesh: a } = await meshWithMedia('a')
    const { mesh: b } = await meshWithMedia('b')
    a.addPeer('b')
    b.addPeer('a')
    await expect.poll(() => a.snapshot()[0]?.connection, POLL).toBe('connected')
    await expect.poll(() => b.snapshot()[0]?.connection, POLL).toBe('connected')
    // Both really offered: the collision happened and was resolved, not avoided.
    expect(relay.count('a', 'offer')).toBeGreaterThanOrEqual(1)
    expect(relay.count('b', 'offer')).toBeGreaterThanOrEqual(1)
    await expect
      .poll(async () => (await inboundVideo(a.connection('b')))?.framesDecoded ?? 0, POLL)
      .toBeGreaterThan(5)
    await expect
      .poll(async () => (await inboundVideo(b.connection('a')))?.framesDecoded ?? 0, POLL)
      .toBeGreaterThan(5)
    // The polite side's own tracks were taken into the winning offer's transceivers: one audio, one video.
    for (const pc of [a.connection('b'), b.connection('a')]) {
      expect(
        pc
          ?.getTransceivers()
          .map((t) => t.receiver.track.kind)
          .sort()
      ).toEqual(['audio', 'video'])
      expect(pc?.getTransceivers().every((t) => t.currentDirection === 'sendrecv')).toBe(true)
    }
  })

  it('connects a caller without camera or microphone, who receives and can start sending later', async () => {
    relay = new Relay()
    const watcher = relay.create('a')
    const { mesh: sender } = await meshWithMedia('b')
    watcher.addPeer('b')
    await expect
      .poll(async () => (await inboundVideo(watcher.connection('b')))?.framesDecoded ?? 0, POLL)
      .toBeGreaterThan(5)
    expect(
      watcher
        .snapshot()[0]
        ?.stream?.getTracks()
        .map((t) => t.kind)
        .sort()
    ).toEqual(['audio', 'video'])
    // A camera shows up: it goes out on the sender kept ready, with no new offer.
    const offers = relay.sent.filter((s) => s.kind === 'offer').length
    const late = await camera(320, 240)
    streams.push(late)
    await watcher.replaceTrack('video', late.getVideoTracks()[0]!)
    await expect
      .poll(async () => (await inboundVideo(sender.connection('a')))?.framesDecoded ?? 0, POLL)
      .toBeGreaterThan(5)
    expect(relay.sent.filter((s) => s.kind === 'offer')).toHaveLength(offers)
  })

  it('keeps candidates that arrive before the offer', async () => {
    relay = new Relay()
    // b's candidates never reach a, and a's offer reaches b only after all of a's candidates did: the connection
    // can only come up if b kept a's early candidates and used them once the offer arrived.
    relay.rule = (s) => {
      if (s.from === 'b' && (s.kind === 'candidate' || s.kind === 'end-of-candidates')) return 'drop'
      if (s.from === 'a' && s.kind === 'offer') return 'hold'
      return 'deliver'
    }
    const { mesh: a } = await meshWithMedia('a')
    const b = relay.create('b')
    a.addPeer('b')
    await expect.poll(() => relay.count('a', 'end-of-candidates'), POLL).toBe(1)
    expect(relay.count('a', 'candidate')).toBeGreaterThan(0)
    // Let the candidates land first, then the offer.
    await new Promise((resolve) => setTimeout(resolve, 100))
    relay.release()
    await expect.poll(() => b.snapshot()[0]?.connection, POLL).toBe('connected')
    await expect
      .poll(async () => (await inboundVideo(b.connection('a')))?.framesDecoded ?? 0, POLL)
      .toBeGreaterThan(5)
  })

  it('answers an offer before adding the candidates that came ahead of it', async () => {
    relay = new Relay()
    relay.rule = (s) => (s.from === 'a' && s.kind === 'offer' ? 'hold' : 'deliver')
    const { mesh: a } = await meshWithMedia('a')
    const b = relay.create('b')
    b.expectPeer('a')
    const order: string[] = []
    const pc = b.connection('a')!
    const addIceCandidate = pc.addIceCandidate.bind(pc)
    pc.addIceCandidate = (candidate?: RTCIceCandidateInit | null) => {
      if (pc.remoteDescription !== null) order.push('candidate')
      return addIceCandidate(candidate ?? undefined)
    }
    const watch = relay.rule
    relay.rule = (s) => {
      if (s.from === 'b' && s.kind === 'answer') order.push('answer')
      return watch(s)
    }
    a.addPeer('b')
    await expect.poll(() => relay.count('a', 'end-of-candidates'), POLL).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 100))
    relay.release()
    await expect.poll(() => b.snapshot()[0]?.connection, POLL).toBe('connected')
    expect(order.length).toBeGreaterThan(1)
    expect(order[0]).toBe('answer')
  })

  it('caps a new connection’s bitrate once it is up, not while it negotiates', async () => {
    relay = new Relay()
    const { mesh: a } = await meshWithMedia('a')
    const { mesh: b } = await meshWithMedia('b')
    // The state of the connection each setParameters call was made on.
    const calls: (RTCPeerConnectionState | 'unknown')[] = []
    const setParameters = RTCRtpSender.prototype.setParameters
    RTCRtpSender.prototype.setParameters = function (this: RTCRtpSender, ...args) {
      const pc = [a.connection('b'), b.connection('a')].find((c) => c?.getSenders().includes(this))
      calls.push(pc?.connectionState ?? 'unknown')
      return setParameters.apply(this, args)
    }
    try {
      a.addPeer('b')
      await expect.poll(() => a.snapshot()[0]?.connection, POLL).toBe('connected')
      await expect.poll(() => b.snapshot()[0]?.connection, POLL).toBe('connected')
      const capped = (pc: RTCPeerConnection | undefined) =>
        pc
          ?.getSenders()
          .find((s) => s.track?.kind === 'video')
          ?.getParameters().encodings[0]?.maxBitrate
      await expect.poll(() => capped(a.connection('b')), POLL).toBe(videoLadder(1).maxBitrate)
      await expect.poll(() => capped(b.connection('a')), POLL).toBe(videoLadder(1).maxBitrate)
      expect(calls.length).toBeGreaterThan(0)
      expect(calls.every((state) => state === 'connected')).toBe(true)
    } finally {
      RTCRtpSender.prototype.setParameters = setParameters
    }
  })

  it('restarts ICE when a connection does not come up in time', async () => {
    relay = new Relay()
    // Every candidate of the first ICE generation is lost; only a restart (new ufrag) can connect.
    const firstUfrag = new Map<string, string | null | undefined>()
    relay.rule = (s) => {
      if (s.kind !== 'candidate') return 'deliver'
      const ufrag = s.message.candidate?.usernameFragment
      if (!firstUfrag.has(s.from)) firstUfrag.set(s.from, ufrag)
      return ufrag === firstUfrag.get(s.from) ? 'drop' : 'deliver'
    }
    const stream = await camera(320, 240)
    streams.push(stream)
    const a = relay.create(
      'a',
      { connectTimeoutMs: 1_500 },
      { audio: stream.getAudioTracks()[0], video: stream.getVideoTracks()[0] }
    )
    const b = relay.create('b', { connectTimeoutMs: 1_500 })
    a.addPeer('b')
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect(a.snapshot()[0]?.connection).toBe('connecting')
    // b is the impolite side, so its watchdog fires first and it offers the restart.
    await expect.poll(() => relay.count('b', 'offer'), POLL).toBeGreaterThanOrEqual(1)
    await expect.poll(() => b.snapshot()[0]?.connection, POLL).toBe('connected')
    await expect
      .poll(async () => (await inboundVideo(b.connection('a')))?.framesDecoded ?? 0, POLL)
      .toBeGreaterThan(5)
  })

  it('closes the connection and ends the remote tracks when a peer is removed', async () => {
    relay = new Relay()
    const { mesh: a } = await meshWithMedia('a')
    const { mesh: b } = await meshWithMedia('b')
    a.addPeer('b')
    await expect.poll(() => b.snapshot()[0]?.stream?.getTracks().length ?? 0, POLL).toBe(2)
    await expect.poll(() => a.snapshot()[0]?.connection, POLL).toBe('connected')
    const pcA = a.connection('b')
    const remoteTracks = a.snapshot()[0]?.stream?.getTracks() ?? []
    expect(remoteTracks).toHaveLength(2)
    a.removePeer('b')
    b.removePeer('a')
    expect(pcA?.connectionState).toBe('closed')
    expect(a.snapshot()).toEqual([])
    expect(b.snapshot()).toEqual([])
    expect(remoteTracks.every((t) => t.readyState === 'ended')).toBe(true)
  })

  it('switches the sent video with replaceTrack, without a new offer', async () => {
    relay = new Relay()
    const { mesh: a } = await meshWithMedia('a', 320, 240)
    const { mesh: b } = await meshWithMedia('b')
    a.addPeer('b')
    await expect.poll(async () => aspect(await inboundVideo(b.connection('a'))), POLL).toBeCloseTo(4 / 3, 2)
    const offers = relay.sent.filter((s) => s.kind === 'offer').length
    const answers = relay.sent.filter((s) => s.kind === 'answer').length

    // A 16:9 camera: the encoder may start it scaled down while bandwidth ramps up, but never changes its shape.
    const wide = await camera(480, 270, 'fake_device_2')
    streams.push(wide)
    const track = wide.getVideoTracks()[0]!
    await a.replaceTrack('video', track)

    expect(
      a
        .connection('b')
        ?.getSenders()
        .some((s) => s.track === track)
    ).toBe(true)
    await expect.poll(async () => aspect(await inboundVideo(b.connection('a'))), POLL).toBeCloseTo(16 / 9, 1)
    expect(relay.sent.filter((s) => s.kind === 'offer')).toHaveLength(offers)
    expect(relay.sent.filter((s) => s.kind === 'answer')).toHaveLength(answers)
  })

  it('lowers the video bitrate as the room grows', () => {
    const steps = [1, 2, 3, 4, 5, 6, 8].map(videoLadder)
    for (let i = 1; i < steps.length; i++) {
      expect(steps[i]!.maxBitrate).toBeLessThanOrEqual(steps[i - 1]!.maxBitrate)
      expect(steps[i]!.scaleResolutionDownBy).toBeGreaterThanOrEqual(steps[i - 1]!.scaleResolutionDownBy)
    }
    expect(steps.at(-1)!.maxBitrate).toBeLessThan(steps[0]!.maxBitrate)
  })
})
