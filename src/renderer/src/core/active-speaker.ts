/**
 * Who is talking: audio levels of everyone in the call, sampled a few times a second, turned into the people
 * speaking now and the active speaker (the one a speaker layout shows large). Both have hysteresis, so a tile does
 * not flicker between syllables and the large picture does not jump between two people talking over each other.
 */
import { Emitter } from './emitter'

/**
 * Levels are WebRTC's audio level (0..1 of full scale, from the peak of each 10 ms frame). Speech is about 0.05 to
 * 0.5; a quiet room through the browser's noise suppression stays under 0.01. Starting needs more than staying,
 * and staying outlasts the pauses between words.
 */
export const SPEECH = {
  /** A silent person starts speaking at this level. */
  start: 0.04,
  /** A speaking person keeps speaking while above this level... */
  stay: 0.02,
  /** ...or was above it this recently (ms). */
  holdMs: 1_000,
  /** How often levels are sampled (ms). */
  intervalMs: 250
} as const

export interface SpeakerState {
  /** Everyone speaking now (self included, by peer id), in no particular order. */
  speaking: readonly string[]
  /**
   * The remote person who spoke last: the one a speaker layout shows large. Stays after they fall silent, until
   * someone else speaks or they leave; null until anyone has spoken.
   */
  active: string | null
}

/** Where one person's level comes from: a value 0..1 now (a promise for stats-based sources). */
export interface LevelSource {
  id: string
  level(): number | Promise<number>
}

/** The hysteresis on its own, free of timers and media, fed one sample per person at a time. */
export class SpeakerTracker {
  state: SpeakerState = { speaking: [], active: null }
  /** For each person speaking: when they were last above `stay`. */
  private readonly loudAt = new Map<string, number>()

  /**
   * Takes one level per person present now (those absent have left) and `selfId` (never the active speaker).
   * Returns true when the state changed.
   */
  update(levels: ReadonlyMap<string, number>, now: number, selfId: string | null): boolean {
    for (const id of this.loudAt.keys()) if (!levels.has(id)) this.loudAt.delete(id)
    let loudest: string | null = null
    let loudestLevel = 0
    for (const [id, level] of levels) {
      const speaking = this.loudAt.has(id)
      if (level >= (speaking ? SPEECH.stay : SPEECH.start)) this.loudAt.set(id, now)
      else if (speaking && now - this.loudAt.get(id)! > SPEECH.holdMs) this.loudAt.delete(id)
      if (id !== selfId && this.loudAt.has(id) && level > loudestLevel) {
        loudest = id
        loudestLevel = level
      }
    }
    const previous = this.state
    // The active speaker keeps the stage while still speaking; otherwise the loudest one speaking takes it.
    let active = previous.active !== null && levels.has(previous.active) ? previous.active : null
    if (active === null || !this.loudAt.has(active)) active = loudest ?? active
    const speaking = [...this.loudAt.keys()].sort()
    if (active === previous.active && speaking.join('\n') === previous.speaking.join('\n')) return false
    this.state = Object.freeze({ speaking: Object.freeze(speaking), active })
    return true
  }
}

/**
 * The level of one side of a connection's audio, from the energy WebRTC counted since the last call (so a short
 * sound between two samples still counts), as WebRTC's audio level: 0..1; 0 without audio. `side` `'inbound-rtp'`
 * reads what the receiver plays out (counted only while a media element plays it, as a tile does), `'media-source'`
 * what our sender takes from the microphone after the browser's processing, which is what the others hear.
 */
export function audioLevel(
  connection: () => RTCPeerConnection | undefined,
  side: 'inbound-rtp' | 'media-source'
): () => Promise<number> {
  let last: { energy: number; duration: number } | null = null
  return async () => {
    const pc = connection()
    const ends = side === 'inbound-rtp' ? pc?.getReceivers() : pc?.getSenders()
    const end = ends?.find((e) => e.track?.kind === 'audio')
    if (end === undefined) return 0
    let energy = 0
    let duration = 0
    try {
      for (const report of (await end.getStats()).values()) {
        if (report.type === side && report.kind === 'audio') {
          energy = report.totalAudioEnergy ?? 0
          duration = report.totalSamplesDuration ?? 0
        }
      }
    } catch {
      return 0 // the connection closed between two samples
    }
    const previous = last
    last = { energy, duration }
    if (previous === null || duration <= previous.duration) return 0
    // totalAudioEnergy sums level² × seconds: the mean of level² over the interval, back to a level.
    return Math.sqrt(Math.max(0, energy - previous.energy) / (duration - previous.duration))
  }
}

/**
 * Samples every person's level while started and keeps `state` (a store, as the Call and LocalMedia are). The
 * sources are asked for on every sample, so people joining and leaving need no bookkeeping here.
 */
export class ActiveSpeakers {
  private readonly tracker = new SpeakerTracker()
  private readonly emitter = new Emitter<{ change: (state: SpeakerState) => void }>()
  private timer: ReturnType<typeof setInterval> | null = null
  private sampling = false

  get state(): SpeakerState {
    return this.tracker.state
  }

  subscribe(listener: (state: SpeakerState) => void): () => void {
    return this.emitter.on('change', listener)
  }

  /** Starts sampling `sources()` (everyone in the room now) and `selfId` among them. */
  start(sources: () => LevelSource[], selfId: () => string | null): void {
    this.stop()
    this.timer = setInterval(() => void this.sample(sources(), selfId()), SPEECH.intervalMs)
  }

  /** Stops sampling; nobody is speaking any more. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    if (this.tracker.update(new Map(), Date.now(), null)) this.emitter.emit('change', this.state)
  }

  private async sample(sources: LevelSource[], selfId: string | null): Promise<void> {
    // A slow getStats must not pile samples up behind it.
    if (this.sampling) return
    this.sampling = true
    try {
      const levels = await Promise.all(sources.map(async (s) => [s.id, await s.level()] as const))
      if (this.timer === null) return // stopped while sampling
      if (this.tracker.update(new Map(levels), Date.now(), selfId)) this.emitter.emit('change', this.state)
    } finally {
      this.sampling = false
    }
  }
}
