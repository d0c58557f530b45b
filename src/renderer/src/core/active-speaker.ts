/**
 * Who is talking: audio levels of everyone in the call, sampled a few times a second, turned into the people
 * speaking now and the active speaker (the one a speaker layout shows large). Both have hysteresis, so a tile does
 * not flicker between syllables and the large picture does not jump between two people talking over each other.
 * Loaded by the Call on entering a room (joining needs none of it); the state goes into the Call's SpeakerStore.
 */
import { NO_SPEAKERS } from './speaker-store'
import type { SpeakerState, SpeakerStore } from './speaker-store'

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

/** Where one person's level comes from: a value 0..1 now (a promise for stats-based sources). */
export interface LevelSource {
  id: string
  level(): number | Promise<number>
}

const NOBODY: ReadonlySet<string> = new Set()

/** The hysteresis on its own, free of timers and media, fed one sample per person at a time. */
export class SpeakerTracker {
  state: SpeakerState = NO_SPEAKERS
  /** For each person speaking: when they were last above `stay`. */
  private readonly loudAt = new Map<string, number>()

  /**
   * Takes one level per person present now (those absent have left), `selfId` (never the active speaker) and the
   * people muted now, who stop speaking at once: the hold bridges pauses in speech, not a press of the mute button.
   * Returns true when the state changed.
   */
  update(
    levels: ReadonlyMap<string, number>,
    now: number,
    selfId: string | null,
    muted: ReadonlySet<string> = NOBODY
  ): boolean {
    for (const id of this.loudAt.keys()) if (!levels.has(id)) this.loudAt.delete(id)
    let loudest: string | null = null
    let loudestLevel = 0
    for (const [id, level] of levels) {
      const speaking = this.loudAt.has(id)
      if (muted.has(id)) this.loudAt.delete(id)
      else if (level >= (speaking ? SPEECH.stay : SPEECH.start)) this.loudAt.set(id, now)
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

/** What the sampler reads from the Call, each time it samples. */
export interface SpeakerSources {
  /** Our peer id, or null outside a room. */
  selfId(): string | null
  /** The other people in the room now, by peer id. */
  peers(): string[]
  /** The connection carrying a peer's media. */
  connection(peerId: string): RTCPeerConnection | undefined
  /** Who is muted now, ourselves included: by peer id. */
  muted(): ReadonlySet<string>
}

/**
 * Samples everyone's level every SPEECH.intervalMs into `store` until the returned function is called (which
 * also clears the store). People joining and leaving need no bookkeeping: the sources are asked on every sample.
 */
export function sampleSpeakers(store: SpeakerStore, sources: SpeakerSources): () => void {
  const tracker = new SpeakerTracker()
  /** One level per person, kept across samples: each remembers the energy it read last. */
  let levels = new Map<string, () => Promise<number>>()
  let stopped = false
  let sampling = false

  const levelOf = (id: string, make: () => () => Promise<number>): (() => Promise<number>) =>
    levels.get(id) ?? make()

  const sample = async (): Promise<void> => {
    // A slow getStats must not pile samples up behind it.
    if (sampling) return
    sampling = true
    try {
      const selfId = sources.selfId()
      const peers = sources.peers()
      const next = new Map<string, () => Promise<number>>()
      for (const id of peers) {
        next.set(
          id,
          levelOf(id, () => audioLevel(() => sources.connection(id), 'inbound-rtp'))
        )
      }
      if (selfId !== null) {
        // What we send, read from the connection to the first peer: the same microphone goes to all, and alone in
        // the room nobody needs to know.
        next.set(
          selfId,
          levelOf(selfId, () =>
            audioLevel(() => sources.connection(sources.peers()[0] ?? ''), 'media-source')
          )
        )
      }
      levels = next
      const read = await Promise.all([...next].map(async ([id, level]) => [id, await level()] as const))
      // Asked after the levels: muting during the interval that straddles it counts, whatever the level read.
      if (!stopped && tracker.update(new Map(read), Date.now(), selfId, sources.muted()))
        store.set(tracker.state)
    } finally {
      sampling = false
    }
  }

  const timer = setInterval(() => void sample(), SPEECH.intervalMs)
  return () => {
    stopped = true
    clearInterval(timer)
    store.set(NO_SPEAKERS)
  }
}
