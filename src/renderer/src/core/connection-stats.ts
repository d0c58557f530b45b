/**
 * How each peer connection is doing, from its getStats() report: the figures the stats panel shows (codec,
 * resolution, frame rate, bitrate, round-trip time, loss) and the one word a tile shows (good, weak, bad). Rates
 * are deltas between two reports, so the first report of a connection gives no bitrate or loss yet.
 *
 * Pure functions over the report plus a small poller, so the thresholds are tested without a network.
 */
import type { ConnectionQuality, ConnectionStats, StreamStats } from './types'

/** The counters a later report is compared with. */
export interface StatsSample {
  /** performance.now() when the report was read. */
  at: number
  bytesReceived: number
  bytesSent: number
  packetsReceived: number
  packetsLost: number
  videoBytesReceived: number
  videoBytesSent: number
}

/**
 * What makes a connection weak or bad. Meet-like: a call still works at 300 ms and a few percent loss, but people
 * notice; past 500 ms or 10% loss, talk and video break up. A video below 12 fps looks choppy, below 5 it is a
 * slideshow.
 */
export const QUALITY_THRESHOLDS = {
  weak: { rttMs: 300, lossPercent: 3, fps: 12 },
  bad: { rttMs: 500, lossPercent: 10, fps: 5 }
} as const

type Stat = Record<string, unknown> & { type: string; id: string }

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null

function codecName(report: Map<string, Stat>, stat: Stat | undefined): string | null {
  const codec = typeof stat?.codecId === 'string' ? report.get(stat.codecId) : undefined
  const mime = codec?.mimeType
  // "video/VP8" -> "VP8"
  return typeof mime === 'string' ? (mime.split('/')[1] ?? mime) : null
}

function streamStats(
  report: Map<string, Stat>,
  stat: Stat | undefined,
  bytes: number,
  previousBytes: number | null,
  seconds: number | null
): StreamStats | null {
  if (stat === undefined) return null
  return {
    codec: codecName(report, stat),
    width: num(stat.frameWidth),
    height: num(stat.frameHeight),
    fps: num(stat.framesPerSecond),
    bitrateKbps:
      previousBytes === null || seconds === null || seconds <= 0
        ? null
        : Math.max(0, Math.round(((bytes - previousBytes) * 8) / seconds / 1000))
  }
}

/** The figures of one connection from its report, and the counters for the next call. */
export function readStats(
  peerId: string,
  raw: RTCStatsReport,
  previous: StatsSample | null,
  now: number
): { stats: ConnectionStats; sample: StatsSample } {
  const report = new Map<string, Stat>()
  raw.forEach((value: Stat) => report.set(value.id, value))
  let pair: Stat | undefined
  let videoIn: Stat | undefined
  let videoOut: Stat | undefined
  const sample: StatsSample = {
    at: now,
    bytesReceived: 0,
    bytesSent: 0,
    packetsReceived: 0,
    packetsLost: 0,
    videoBytesReceived: 0,
    videoBytesSent: 0
  }
  for (const stat of report.values()) {
    if (stat.type === 'candidate-pair' && (stat.nominated === true || stat.selected === true)) {
      if (stat.state === 'succeeded' || pair === undefined) pair = stat
    } else if (stat.type === 'inbound-rtp') {
      sample.packetsReceived += num(stat.packetsReceived) ?? 0
      sample.packetsLost += num(stat.packetsLost) ?? 0
      sample.bytesReceived += num(stat.bytesReceived) ?? 0
      if (stat.kind === 'video') {
        sample.videoBytesReceived += num(stat.bytesReceived) ?? 0
        videoIn ??= stat
      }
    } else if (stat.type === 'outbound-rtp') {
      sample.bytesSent += num(stat.bytesSent) ?? 0
      if (stat.kind === 'video') {
        sample.videoBytesSent += num(stat.bytesSent) ?? 0
        // Simulcast would give several; the mesh sends one encoding, the largest is what a peer sees.
        if (videoOut === undefined || (num(stat.frameWidth) ?? 0) > (num(videoOut.frameWidth) ?? 0))
          videoOut = stat
      }
    }
  }
  // The transport names the pair in use; the nominated one stands in where a browser does not say.
  for (const stat of report.values()) {
    if (stat.type !== 'transport' || typeof stat.selectedCandidatePairId !== 'string') continue
    pair = report.get(stat.selectedCandidatePairId) ?? pair
  }
  const seconds = previous === null ? null : (now - previous.at) / 1000
  const received = previous === null ? 0 : sample.packetsReceived - previous.packetsReceived
  const lost = previous === null ? 0 : sample.packetsLost - previous.packetsLost
  const rtt = num(pair?.currentRoundTripTime)
  const stats: ConnectionStats = {
    peerId,
    rttMs: rtt === null ? null : Math.round(rtt * 1000),
    lossPercent:
      previous === null || received + lost <= 0
        ? null
        : Math.round((Math.max(0, lost) / (received + Math.max(0, lost))) * 1000) / 10,
    receiveKbps:
      seconds === null || seconds <= 0 || previous === null
        ? null
        : Math.max(0, Math.round(((sample.bytesReceived - previous.bytesReceived) * 8) / seconds / 1000)),
    sendKbps:
      seconds === null || seconds <= 0 || previous === null
        ? null
        : Math.max(0, Math.round(((sample.bytesSent - previous.bytesSent) * 8) / seconds / 1000)),
    videoIn: streamStats(
      report,
      videoIn,
      sample.videoBytesReceived,
      previous?.videoBytesReceived ?? null,
      seconds
    ),
    videoOut: streamStats(report, videoOut, sample.videoBytesSent, previous?.videoBytesSent ?? null, seconds)
  }
  return { stats, sample }
}

/**
 * Good, weak or bad from round-trip time, loss and (when the peer says its video is on) the frame rate received.
 * Null while nothing is known yet (no candidate pair, no second report).
 */
export function qualityOf(stats: ConnectionStats, expectVideo: boolean): ConnectionQuality | null {
  const fps = expectVideo ? (stats.videoIn?.fps ?? null) : null
  const { rttMs, lossPercent } = stats
  if (rttMs === null && lossPercent === null && fps === null) return null
  const past = (limits: { rttMs: number; lossPercent: number; fps: number }): boolean =>
    (rttMs !== null && rttMs > limits.rttMs) ||
    (lossPercent !== null && lossPercent > limits.lossPercent) ||
    (fps !== null && fps < limits.fps)
  if (past(QUALITY_THRESHOLDS.bad)) return 'bad'
  if (past(QUALITY_THRESHOLDS.weak)) return 'weak'
  return 'good'
}

/**
 * Reads every connection's stats every `intervalMs` and reports them together. One read at a time: a slow
 * getStats (a loaded machine) delays the next round instead of piling them up.
 */
export class StatsPoller {
  private timer: ReturnType<typeof setTimeout> | undefined
  private readonly samples = new Map<string, StatsSample>()
  private stopped = false

  constructor(
    private readonly connections: () => [peerId: string, connection: RTCPeerConnection][],
    private readonly report: (stats: ConnectionStats[]) => void,
    private readonly intervalMs = 2_000
  ) {}

  start(): void {
    this.stopped = false
    this.schedule(0)
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.samples.clear()
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.poll(), delay)
  }

  private async poll(): Promise<void> {
    const connections = this.connections()
    const results = await Promise.all(
      connections.map(async ([peerId, connection]) => {
        try {
          const read = readStats(
            peerId,
            await connection.getStats(),
            this.samples.get(peerId) ?? null,
            performance.now()
          )
          this.samples.set(peerId, read.sample)
          return read.stats
        } catch {
          // A connection closed between listing and reading: it is gone from the next round.
          return null
        }
      })
    )
    if (this.stopped) return
    const live = new Set(connections.map(([peerId]) => peerId))
    for (const peerId of this.samples.keys()) if (!live.has(peerId)) this.samples.delete(peerId)
    this.report(results.filter((stats): stats is ConnectionStats => stats !== null))
    this.schedule(this.intervalMs)
  }
}
