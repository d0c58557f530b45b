import { describe, expect, it } from 'vitest'
import { withStartBitrate } from '../../../src/renderer/src/core/sdp'

describe('withStartBitrate', () => {
  it('gives every video codec of a real offer a start bitrate, and audio, rtx and red none', async () => {
    const pc = new RTCPeerConnection()
    pc.addTransceiver('audio')
    pc.addTransceiver('video')
    const offer = await pc.createOffer()
    pc.close()
    const sdp = withStartBitrate(offer.sdp!, 1000)
    const [, audio, video] = sdp.split('\r\nm=')
    expect(audio).not.toContain('x-google-start-bitrate')
    const codecs = [...video!.matchAll(/a=rtpmap:(\d+) ([^/]+)\//g)].map((m) => ({ pt: m[1]!, name: m[2]! }))
    const fmtp = (pt: string) => video!.split('\r\n').filter((l) => l.startsWith(`a=fmtp:${pt} `))
    for (const { pt, name } of codecs) {
      const lines = fmtp(pt)
      // One fmtp line per codec still, whether it had one before or not.
      expect(lines.length).toBeLessThanOrEqual(1)
      if (['VP8', 'VP9', 'H264', 'AV1'].includes(name))
        expect(lines[0]).toMatch(/x-google-start-bitrate=1000$/)
      else expect(lines[0] ?? '').not.toContain('x-google-start-bitrate')
    }
    expect(codecs.some((c) => c.name === 'VP8')).toBe(true)
    // The description is still one Chromium accepts.
    const other = new RTCPeerConnection()
    await other.setRemoteDescription({ type: 'offer', sdp })
    other.close()
  })

  it('leaves a codec that already has a start bitrate alone', () => {
    const sdp =
      'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n' +
      'a=fmtp:96 x-google-start-bitrate=300\r\n'
    expect(withStartBitrate(sdp, 1000)).toBe(sdp)
  })
})
