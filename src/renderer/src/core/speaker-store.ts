/**
 * Who is talking, as the UI reads it: a store the Call owns from the start (the app subscribes before any room),
 * kept by the active-speaker sampler, which is loaded only on entering a room.
 */
import { Emitter } from './emitter'

export interface SpeakerState {
  /** Everyone speaking now (self included, by peer id), sorted. */
  speaking: readonly string[]
  /**
   * The remote person who spoke last: the one a speaker layout shows large. Stays after they fall silent, until
   * someone else speaks or they leave; null until anyone has spoken.
   */
  active: string | null
}

export const NO_SPEAKERS: SpeakerState = Object.freeze({ speaking: Object.freeze([]), active: null })

export class SpeakerStore {
  private current: SpeakerState = NO_SPEAKERS
  private readonly emitter = new Emitter<{ change: (state: SpeakerState) => void }>()

  get state(): SpeakerState {
    return this.current
  }

  subscribe(listener: (state: SpeakerState) => void): () => void {
    return this.emitter.on('change', listener)
  }

  /** Replaces the state and tells subscribers, if it changed. */
  set(state: SpeakerState): void {
    if (state === this.current) return
    this.current = state
    this.emitter.emit('change', state)
  }
}
