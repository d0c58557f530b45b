/**
 * `signal` payloads of realistic sizes: an SDP offer of ~4 KB and an ICE candidate of ~200 B on the wire. Each
 * carries its send time (performance.now() of the load generator, which both sends and receives) in a field the
 * relay must pass through untouched, so the receiver can compute the one-way latency through the server.
 */
import type { IceCandidate, SessionDescription } from '../../src/shared/protocol'

export type PayloadSize = 'sdp' | 'candidate'

/** The body of an audio+video offer as Chrome writes it, trimmed to about 4 KB with the envelope. */
const SDP_BODY = [
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 5a2c7f0e-6a4e-4d0b-9c1f-2b6b8a1c3d4e',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Xw3k',
  'a=ice-pwd:Jp0fA3b7m4L0Qm9zKcY2e1wR',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 4F:2A:9C:11:D0:7E:3B:55:A8:6C:0F:92:E1:47:BD:03:6A:58:C9:24:7F:E0:1B:8D:35:C6:9A:02:F4:6E:B1:7D',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=sendrecv',
  'a=msid:5a2c7f0e-6a4e-4d0b-9c1f-2b6b8a1c3d4e 8f1d2c3b-4a5e-6f70-8192-a3b4c5d6e7f8',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:126 telephone-event/8000',
  'a=ssrc:1843027145 cname:q2Xk3v9LmN0pR7sT',
  'a=ssrc:1843027145 msid:5a2c7f0e-6a4e-4d0b-9c1f-2b6b8a1c3d4e 8f1d2c3b-4a5e-6f70-8192-a3b4c5d6e7f8',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 45 46 102 103 104 105 106 107 108 109 127 125 39 40 112 113 114',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Xw3k',
  'a=ice-pwd:Jp0fA3b7m4L0Qm9zKcY2e1wR',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 4F:2A:9C:11:D0:7E:3B:55:A8:6C:0F:92:E1:47:BD:03:6A:58:C9:24:7F:E0:1B:8D:35:C6:9A:02:F4:6E:B1:7D',
  'a=setup:actpass',
  'a=mid:1',
  'a=extmap:14 urn:ietf:params:rtp-hdrext:toffset',
  'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=extmap:13 urn:3gpp:video-orientation',
  'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
  'a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type',
  'a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing',
  'a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  'a=sendrecv',
  'a=msid:5a2c7f0e-6a4e-4d0b-9c1f-2b6b8a1c3d4e 0c9b8a7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 goog-remb',
  'a=rtcp-fb:96 transport-cc',
  'a=rtcp-fb:96 ccm fir',
  'a=rtcp-fb:96 nack',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 VP9/90000',
  'a=rtcp-fb:98 goog-remb',
  'a=rtcp-fb:98 transport-cc',
  'a=rtcp-fb:98 ccm fir',
  'a=rtcp-fb:98 nack',
  'a=rtcp-fb:98 nack pli',
  'a=fmtp:98 profile-id=0',
  'a=rtpmap:99 rtx/90000',
  'a=fmtp:99 apt=98',
  'a=rtpmap:100 VP9/90000',
  'a=rtcp-fb:100 goog-remb',
  'a=rtcp-fb:100 transport-cc',
  'a=rtcp-fb:100 ccm fir',
  'a=rtcp-fb:100 nack',
  'a=rtcp-fb:100 nack pli',
  'a=fmtp:100 profile-id=2',
  'a=rtpmap:101 rtx/90000',
  'a=fmtp:101 apt=100',
  'a=rtpmap:45 AV1/90000',
  'a=rtcp-fb:45 goog-remb',
  'a=rtcp-fb:45 transport-cc',
  'a=rtcp-fb:45 ccm fir',
  'a=rtcp-fb:45 nack',
  'a=rtcp-fb:45 nack pli',
  'a=fmtp:45 level-idx=5;profile=0;tier=0',
  'a=rtpmap:46 rtx/90000',
  'a=fmtp:46 apt=45',
  'a=rtpmap:102 H264/90000',
  'a=rtcp-fb:102 goog-remb',
  'a=rtcp-fb:102 transport-cc',
  'a=rtcp-fb:102 ccm fir',
  'a=rtcp-fb:102 nack',
  'a=rtcp-fb:102 nack pli',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
  'a=rtpmap:103 rtx/90000',
  'a=fmtp:103 apt=102',
  'a=ssrc-group:FID 2231627014 632943048',
  'a=ssrc:2231627014 cname:q2Xk3v9LmN0pR7sT',
  'a=ssrc:632943048 cname:q2Xk3v9LmN0pR7sT'
].join('\r\n')

const SDP_TAIL = ` 2 IN IP4 127.0.0.1\r\n${SDP_BODY}\r\n`
const CANDIDATE_TAIL =
  ' 1 udp 2122260223 192.168.1.20 54321 typ host generation 0 ufrag Xw3k network-id 1 network-cost 10'

/** An offer whose origin line carries `stamp`: `v=0\r\no=- <stamp> 2 IN IP4 ...`. */
export function makeDescription(stamp: number): SessionDescription {
  return { type: 'offer', sdp: `v=0\r\no=- ${stamp}${SDP_TAIL}` }
}

/** A host candidate whose foundation carries `stamp`: `candidate:<stamp> 1 udp ...`. */
export function makeCandidate(stamp: number): IceCandidate {
  return { candidate: `candidate:${stamp}${CANDIDATE_TAIL}`, sdpMid: '0', sdpMLineIndex: 0 }
}

/** The `signal` payload (without `to`) of the given size. */
export function makeSignal(
  size: PayloadSize,
  stamp: number
): { description?: SessionDescription; candidate?: IceCandidate } {
  return size === 'sdp' ? { description: makeDescription(stamp) } : { candidate: makeCandidate(stamp) }
}

/** The stamp of a relayed payload, or NaN if it carries none. */
export function readStamp(message: {
  description?: { sdp?: string }
  candidate?: { candidate: string } | null
}): number {
  const sdp = message.description?.sdp
  if (sdp !== undefined) return Number(sdp.slice(9, sdp.indexOf(' ', 9)))
  const candidate = message.candidate?.candidate
  if (candidate !== undefined) return Number(candidate.slice(10, candidate.indexOf(' ', 10)))
  return Number.NaN
}
