import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import { nameKey, withSuffix } from '../shared/input-rules'
import { LIMITS } from '../shared/protocol'
import type { ChatMessage, ErrorCode, Peer, PeerUpdate, RoomInfo } from '../shared/protocol'

/**
 * Room state for one server: who is in which room, passwords, recent chat. Pure data, no sockets, so the rules
 * (capacity, passwords, unique names, history) are in one place and the server only routes events.
 */
export class Room {
  readonly members = new Map<string, Peer>()
  readonly history: ChatMessage[] = []
  /** Wire size of `history` (JSON), kept within LIMITS.historyBytes. */
  private historyBytes = 0

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

  /** Appends to the history, dropping the oldest messages past LIMITS.history messages or LIMITS.historyBytes. */
  remember(message: ChatMessage): void {
    this.history.push(message)
    this.historyBytes += wireBytes(message)
    while (this.history.length > LIMITS.history || this.historyBytes > LIMITS.historyBytes) {
      this.historyBytes -= wireBytes(this.history.shift() as ChatMessage)
    }
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

export interface RegistryOptions {
  /** People per room. */
  capacity: number
  /** Rooms held at once; creating one more is refused with `server-full`. */
  maxRooms: number
  /**
   * Rooms whose password the operator set (the desktop host's own room): they are locked with it from the very
   * first join, whoever creates them.
   */
  roomPasswords?: Readonly<Record<string, string>>
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>()
  private readonly presetDigests: Map<string, Buffer>

  constructor(private readonly options: RegistryOptions) {
    this.presetDigests = new Map(
      Object.entries(options.roomPasswords ?? {}).map(([room, password]) => [room, digest(password)])
    )
  }

  get(name: string): Room | undefined {
    return this.rooms.get(name)
  }

  /** Every room, in creation order. */
  all(): RoomInfo[] {
    return [...this.rooms.values()].map((room) => room.info())
  }

  /**
   * What a lobby is shown: at most LIMITS.listedRooms rooms, fullest first (then by name), so one list stays
   * small however many rooms the server holds; `total` says how many there are.
   */
  list(): { rooms: RoomInfo[]; total: number } {
    const rooms = this.all()
    rooms.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    return { rooms: rooms.slice(0, LIMITS.listedRooms), total: rooms.length }
  }

  /**
   * Adds `id` to `roomName`, creating the room (with `password`) if it does not exist. A password sent to an
   * existing open room is refused (`not-locked`) rather than ignored: the room someone was given a password for
   * was locked, so an open room of that name is someone else's (it may have been re-created after emptying).
   */
  join(id: string, roomName: string, name: string, password: string | undefined): JoinOutcome {
    let room = this.rooms.get(roomName)
    if (room === undefined) {
      const preset = this.presetDigests.get(roomName)
      if (preset !== undefined && (password === undefined || !timingSafeEqual(preset, digest(password)))) {
        return { ok: false, code: 'wrong-password' }
      }
      if (this.rooms.size >= this.options.maxRooms) return { ok: false, code: 'server-full' }
      room = new Room(
        roomName,
        this.options.capacity,
        preset ?? (password === undefined ? undefined : digest(password))
      )
      this.rooms.set(roomName, room)
    } else {
      if (!room.locked && password !== undefined) return { ok: false, code: 'not-locked' }
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
    room.remember(message)
    return message
  }
}

/** What a message costs in a join answer: its JSON in UTF-8, where a control character takes six bytes. */
function wireBytes(message: ChatMessage): number {
  return Buffer.byteLength(JSON.stringify(message))
}

function digest(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest()
}
