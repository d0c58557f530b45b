/**
 * The one change Moim makes to a session description: a start bitrate for the video codecs of a remote
 * description, before it is applied. Chromium sends with the codec parameters of the remote description and
 * otherwise starts every connection at 300 kbit/s, where its encoder drops the first frames of a 720p camera and
 * scales down until bandwidth estimation catches up. `x-google-start-bitrate` is Chromium's own parameter; other
 * browsers ignore an fmtp parameter they do not know.
 */

/** The video codecs whose fmtp gets the start bitrate (not rtx, red or ulpfec). */
const VIDEO_CODECS = new Set(['VP8', 'VP9', 'H264', 'AV1', 'H265'])

/** `sdp` with `x-google-start-bitrate=kbps` on every video codec of every video section that lacks one. */
export function withStartBitrate(sdp: string, kbps: number): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n'
  const sections = sdp.split(`${eol}m=`)
  return sections
    .map((section, i) => (i > 0 && section.startsWith('video ') ? startBitrate(section, kbps, eol) : section))
    .join(`${eol}m=`)
}

function startBitrate(section: string, kbps: number, eol: string): string {
  const lines = section.split(eol)
  const codecs = new Set<string>()
  for (const line of lines) {
    const rtpmap = /^a=rtpmap:(\d+) ([^/]+)\//.exec(line)
    if (rtpmap !== null && VIDEO_CODECS.has(rtpmap[2]!.toUpperCase())) codecs.add(rtpmap[1]!)
  }
  const withFmtp = new Set<string>()
  const out: string[] = []
  for (const line of lines) {
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line)
    if (fmtp !== null && codecs.has(fmtp[1]!)) {
      withFmtp.add(fmtp[1]!)
      out.push(fmtp[2]!.includes('x-google-start-bitrate=') ? line : `${line};x-google-start-bitrate=${kbps}`)
    } else out.push(line)
  }
  // A codec without parameters (VP8 usually) gets an fmtp line of its own, after its rtpmap.
  return out
    .flatMap((line) => {
      const rtpmap = /^a=rtpmap:(\d+) /.exec(line)
      const pt = rtpmap?.[1]
      if (pt === undefined || !codecs.has(pt) || withFmtp.has(pt)) return [line]
      return [line, `a=fmtp:${pt} x-google-start-bitrate=${kbps}`]
    })
    .join(eol)
}
