/**
 * What the server tells its embedder (hosting, the CLI, tests) about room membership, as it happens: the one way to
 * learn who is where without asking the room store or watching sockets.
 */
import type { Logger } from '../shared/logger'
import type { Peer, RoomInfo } from '../shared/protocol'

/** A peer of a room, as the room store answered it. */
export interface RoomPeer {
  room: string
  peer: Peer
}

/**
 * The membership events, in the order they happen for one change: a join that creates a room emits
 * `room-created` then `peer-joined`; a join to an existing room `peer-joined` then `room-changed`; a leave (or
 * disconnect) `peer-left` then `room-changed`, or `room-removed` when the room emptied.
 */
export interface MembershipEventMap {
  /** A first joiner created this room (its `count` is 1). */
  'room-created': (room: RoomInfo) => void
  /** The room's count changed. */
  'room-changed': (room: RoomInfo) => void
  /** The last member left: the room, its password and its history are gone. */
  'room-removed': (room: RoomInfo) => void
  'peer-joined': (event: RoomPeer) => void
  /** The peer left its room, by `room:leave` or by disconnecting. */
  'peer-left': (event: RoomPeer) => void
  /** The peer changed its name or media state; `peer` is its whole new state. */
  'peer-updated': (event: RoomPeer) => void
}

export type MembershipEvent = keyof MembershipEventMap

/**
 * A typed emitter of MembershipEventMap. A listener that throws is logged and does not stop the other listeners or
 * the request that caused the event: an embedder's bug must not refuse someone's join.
 */
export class MembershipEvents {
  private readonly listeners = new Map<MembershipEvent, Set<(...args: never[]) => void>>()

  constructor(private readonly log: Logger) {}

  /** Calls `listener` on every `event` from now on; returns the function that stops it. */
  on<E extends MembershipEvent>(event: E, listener: MembershipEventMap[E]): () => void {
    let set = this.listeners.get(event)
    if (set === undefined) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener)
    return () => this.off(event, listener)
  }

  off<E extends MembershipEvent>(event: E, listener: MembershipEventMap[E]): void {
    this.listeners.get(event)?.delete(listener)
  }

  /** Tells every listener of `event`; for the server only. */
  emit<E extends MembershipEvent>(event: E, ...args: Parameters<MembershipEventMap[E]>): void {
    const set = this.listeners.get(event)
    if (set === undefined) return
    for (const listener of [...set] as MembershipEventMap[E][]) {
      try {
        ;(listener as (...args: Parameters<MembershipEventMap[E]>) => void)(...args)
      } catch (error) {
        this.log.error(`${event} listener failed`, { error: String(error) })
      }
    }
  }
}
