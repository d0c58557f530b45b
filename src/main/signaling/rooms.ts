import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import { nameKey, withSuffix } from '../../shared/input-rules'
import { LIMITS } from '../../shared/protocol'
import type { ChatMessage, ErrorCode, Peer, PeerUpdate, RoomInfo } from '../../shared/protocol'

/**
 * Room state for one server: who is in which room, passwords, recent chat. Pure data, no sockets, so the rules
 * (capacity, passwords, unique names, history) are in one place and the server only routes events.
 */
export class Room {
  readonly members = new Map<string, Peer>()
  readonly history: ChatMessage[] = []

  constructor(
    readonly name: string,
    readonly capacity: number,
    /** SHA-256 of the password, so the password itself is not kept (and cannot be leaked) after creation. */
    private readonly passwordDigest: Buffer | undefined
  ) {}

  get locked(): boolean {
    return this.passwordDigest !== undefined
  }

  info(): RoomInfo {
    return { name: this.name, count: this.members.size, capacity: this.capacity, locked: this.locked }
  }

  passwordMatches(password: string | undefined): boolean {
    if (this.passwordDigest === undefined) return true
    if (password === undefined) return false
    return timingSafeEqual(this.passwordDigest, digest(password))
  }

  /**
   * `name` if nobody else in the room uses it, otherwise "name (2)", "name (3)"... within the length limit.
   * Names are compared by `nameKey`, so a look-alike (other case, other Unicode form) counts as taken.
   */
  uniqueName(name: string, exceptId?: string): string {
    const taken = new Set<string>()
    for (const peer of this.members.values()) {
      if (peer.id !== exceptId) taken.add(nameKey(peer.name))
    }
    if (!taken.has(nameKey(name))) return name
    for (let n = 2; ; n++) {
      const candidate = withSuffix(name, n)
      if (!taken.has(nameKey(candidate))) return candidate
    }
  }
}

export type JoinOutcome = { ok: true; room: Room; self: Peer } | { ok: false; code: ErrorCode }

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>()

  constructor(private readonly capacity: number) {}

  get(name: string): Room | undefined {
    return this.rooms.get(name)
  }

  list(): RoomInfo[] {
    return [...this.rooms.values()].map((room) => room.info())
  }

  /** Adds `id` to `roomName`, creating the room (with `password`) if it does not exist. */
  join(id: string, roomName: string, name: string, password: string | undefined): JoinOutcome {
    let room = this.rooms.get(roomName)
    if (room === undefined) {
      room = new Room(roomName, this.capacity, password === undefined ? undefined : digest(password))
      this.rooms.set(roomName, room)
    } else {
      if (!room.passwordMatches(password)) return { ok: false, code: 'wrong-password' }
      if (room.members.size >= room.capacity) return { ok: false, code: 'full' }
    }
    const self: Peer = {
      id,
      name: room.uniqueName(name),
      audio: true,
      video: true,
      screen: false
    }
    room.members.set(id, self)
    return { ok: true, room, self }
  }

  /** Removes `id` from `roomName`; deletes the room when it becomes empty. */
  leave(id: string, roomName: string): void {
    const room = this.rooms.get(roomName)
    if (room === undefined) return
    room.members.delete(id)
    if (room.members.size === 0) this.rooms.delete(roomName)
  }

  update(room: Room, id: string, update: PeerUpdate): Peer | undefined {
    const peer = room.members.get(id)
    if (peer === undefined) return undefined
    const next: Peer = { ...peer, ...update }
    if (update.name !== undefined) next.name = room.uniqueName(update.name, id)
    room.members.set(id, next)
    return next
  }

  addChat(room: Room, from: Peer, text: string, now: number): ChatMessage {
    const message: ChatMessage = { id: randomUUID(), from: from.id, name: from.name, text, ts: now }
    room.history.push(message)
    if (room.history.length > LIMITS.history) room.history.shift()
    return message
  }
}

function digest(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest()
}
