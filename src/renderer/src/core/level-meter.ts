/** The microphone level meter: an AnalyserNode on the outgoing microphone track, read on demand. */
import { createLogger } from '../../../shared/logger'

const log = createLogger('level-meter')

/**
 * Unread this long (the lobby's meter is gone: the user is in the call), the audio context is suspended: a
 * running one keeps an audio output stream and its real-time thread busy for nothing, which in a call setup on a
 * loaded machine takes CPU from the connections being made. The next read resumes it.
 */
const IDLE_SUSPEND_MS = 1_000

export class LevelMeter {
  private context: AudioContext | null = null
  private source: MediaStreamAudioSourceNode | null = null
  private analyser: AnalyserNode | null = null
  private buffer: Float32Array<ArrayBuffer> | null = null
  /** The track the analyser listens to; a new microphone track reconnects it. */
  private track: MediaStreamTrack | null = null
  private idleTimer: ReturnType<typeof setTimeout> | undefined
  /** We suspended the context for want of readers (not the autoplay policy), so a read may resume it. */
  private idle = false

  /** The audio context's state ('closed' when there is none), for diagnostics. */
  get state(): AudioContextState {
    return this.context?.state ?? 'closed'
  }

  /** The level of `track` now, 0..1; 0 without a live track or where Web Audio is unavailable. */
  level(track: MediaStreamTrack | null): number {
    if (track === null || track.readyState !== 'live') return 0
    if (track !== this.track) this.connect(track)
    this.keepAwake()
    const analyser = this.analyser
    const buffer = this.buffer
    if (analyser === null || buffer === null) return 0
    analyser.getFloatTimeDomainData(buffer)
    let sum = 0
    for (const sample of buffer) sum += sample * sample
    const rms = Math.sqrt(sum / buffer.length)
    // Speech sits around 0.05-0.3 RMS; scale so normal speech fills most of the meter.
    return Math.min(1, rms * 4)
  }

  /** Releases the audio graph and its context. */
  close(): void {
    clearTimeout(this.idleTimer)
    this.idle = false
    this.disconnect()
    void this.context?.close().catch(() => undefined)
    this.context = null
  }

  private connect(track: MediaStreamTrack): void {
    this.disconnect()
    this.track = track
    try {
      if (this.context === null) {
        const context = new AudioContext()
        this.context = context
        if (context.state === 'suspended') {
          // Autoplay policy: a context created before any user gesture stays suspended (a flat meter) until one.
          const resume = (): void => void context.resume().catch(() => undefined)
          resume()
          for (const type of ['pointerdown', 'keydown'] as const) {
            globalThis.addEventListener?.(type, resume, { once: true, capture: true })
          }
        }
      }
      this.source = this.context.createMediaStreamSource(new MediaStream([track]))
      this.analyser = this.context.createAnalyser()
      this.analyser.fftSize = 1024
      this.buffer = new Float32Array(this.analyser.fftSize)
      this.source.connect(this.analyser)
    } catch (error) {
      log.warn('level meter unavailable', { error: String(error) })
      this.disconnect()
    }
  }

  private keepAwake(): void {
    const context = this.context
    if (context === null) return
    if (this.idle) {
      this.idle = false
      void context.resume().catch(() => undefined)
    }
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      if (context.state !== 'running') return
      this.idle = true
      void context.suspend().catch(() => undefined)
    }, IDLE_SUSPEND_MS)
  }

  private disconnect(): void {
    this.source?.disconnect()
    this.source = null
    this.analyser = null
    this.buffer = null
    this.track = null
  }
}
