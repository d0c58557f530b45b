/**
 * The default RoomStore: every room in this process's memory, so the desktop host and a plain `npm run host` need
 * no other process. Each method does all its work synchronously before its promise resolves, which makes it atomic
 * with respect to every other call.
 */
import { timingSafeEqual } from 'node:crypto'
import { withSuffix } from '../shared/input-rules'
import { LIMITS } from '../shared/protocol'
import type { ChatMessage, Peer, RoomInfo, RoomList } from '../shared/protocol'
import { connectedPeer, nameChoice } from './room-store'
import type {
  BoardAppendOutcome,
  BoardBounds,
  BoardCompaction,
  BoardLog,
  JoinInput,
  JoinOutcome,
  LeaveOutcome,
  NameChoice,
  PeerChange,
  ResumeInput,
  ResumeOutcome,
  RoomFeatures,
  RoomStore,
  RoomStoreOptions
} from './room-store'

/** A member and the comparison key of its name, so unique-name checks need not recompute keys. */
interface Member {
  peer: Peer
  key: string
  tokenDigest: string
  /** The connection the peer is on now. */
  connection: string
  /** While held: the `until` of the hold, which only its own expiry may end. */
  heldUntil: number | undefined
}

interface MemoryRoom {
  name: string
  /** passwordDigest of the room's password, or undefined for an open room. */
  digest: string | undefined
  /** By peer id, in join order. */
  members: Map<string, Member>
  history: ChatMessage[]
  /** Wire size of `history` (JSON), kept within LIMITS.historyBytes. */
  historyBytes: number
  /** Hands raised in this room so far: the next raised hand gets this plus one, so hands keep their order. */
  hands: number
  features: Partial<RoomFeatures>
  board: BoardLog
}

export class MemoryRoomStore implements RoomStore {
  /** In creation order. */
  private readonly byName = new Map<string, MemoryRoom>()
  /** The room of each peer, so one peer is in one room at most and is found by its id alone. */
  private readonly roomOf = new Map<string, MemoryRoom>()
  /** Peer id by tokenDigest, for `resume`. */
  private readonly byToken = new Map<string, string>()

  constructor(private readonly options: RoomStoreOptions) {}

  async join({
    room: name,
    peer,
    name: asked,
    passwordDigest,
    tokenDigest,
    connection
  }: JoinInput): Promise<JoinOutcome> {
    if (this.roomOf.has(peer.id)) return { ok: false, code: 'already-in-room' }
    let room = this.byName.get(name)
    const created = room === undefined
    if (room === undefined) {
      const preset = this.options.presetPasswords?.[name]
      if (preset !== undefined && passwordDigest === undefined)
        return { ok: false, code: 'password-required' }
      if (preset !== undefined && !digestsMatch(preset, passwordDigest)) {
        return { ok: false, code: 'wrong-password' }
      }
      if (this.byName.size >= this.options.maxRooms) return { ok: false, code: 'server-full' }
      room = {
        name,
        digest: preset ?? passwordDigest,
        members: new Map(),
        history: [],
        historyBytes: 0,
        hands: 0,
        features: {},
        board: { updates: [], bytes: 0, strokes: 0, version: 0 }
      }
      this.byName.set(name, room)
    } else {
      if (room.digest === undefined && passwordDigest !== undefined) return { ok: false, code: 'not-locked' }
      if (room.digest !== undefined && passwordDigest === undefined) {
        return { ok: false, code: 'password-required' }
      }
      if (room.digest !== undefined && !digestsMatch(room.digest, passwordDigest)) {
        return { ok: false, code: 'wrong-password' }
      }
      if (room.members.size >= this.options.capacity) return { ok: false, code: 'full' }
    }
    const peers = [...room.members.values()].map((member) => member.peer)
    const choice = freeName(room, asked)
    const self: Peer = { ...peer, name: choice.name }
    room.members.set(self.id, { peer: self, key: choice.key, tokenDigest, connection, heldUntil: undefined })
    this.roomOf.set(self.id, room)
    this.byToken.set(tokenDigest, self.id)
    return { ok: true, self, peers, room: this.info(room), history: [...room.history], created }
  }

  async leave(peerId: string, connection?: string): Promise<LeaveOutcome | undefined> {
    const room = this.roomOf.get(peerId)
    const member = room?.members.get(peerId)
    if (room === undefined || member === undefined) return undefined
    if (connection !== undefined && member.connection !== connection) return undefined
    const { peer } = member
    room.members.delete(peerId)
    this.roomOf.delete(peerId)
    this.byToken.delete(member.tokenDigest)
    const removed = room.members.size === 0
    if (removed) this.byName.delete(room.name)
    return { peer, room: this.info(room), removed }
  }

  async hold(
    peerId: string,
    connection: string,
    until: number
  ): Promise<{ room: string; peer: Peer } | undefined> {
    const room = this.roomOf.get(peerId)
    const member = room?.members.get(peerId)
    if (room === undefined || member === undefined || member.connection !== connection) return undefined
    member.heldUntil = until
    member.peer = { ...member.peer, reconnecting: true }
    return { room: room.name, peer: member.peer }
  }

  async resume({ tokenDigest, connection }: ResumeInput): Promise<ResumeOutcome> {
    const peerId = this.byToken.get(tokenDigest)
    const room = peerId === undefined ? undefined : this.roomOf.get(peerId)
    const member = peerId === undefined ? undefined : room?.members.get(peerId)
    if (room === undefined || member === undefined) return { ok: false, code: 'resume-failed' }
    const previousConnection = member.connection
    const wasHeld = member.heldUntil !== undefined
    const peer = connectedPeer(member.peer)
    member.peer = peer
    member.connection = connection
    member.heldUntil = undefined
    const peers = [...room.members.values()].filter((m) => m !== member).map((m) => m.peer)
    return {
      ok: true,
      self: peer,
      peers,
      room: this.info(room),
      history: [...room.history],
      previousConnection,
      wasHeld
    }
  }

  async expire(peerId: string, until: number): Promise<LeaveOutcome | undefined> {
    const member = this.roomOf.get(peerId)?.members.get(peerId)
    if (member === undefined || member.heldUntil !== until) return undefined
    return this.leave(peerId)
  }

  async list(): Promise<RoomList> {
    const rooms = [...this.byName.values()].map((room) => this.info(room))
    rooms.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    return { rooms: rooms.slice(0, LIMITS.listedRooms), total: rooms.length }
  }

  async rooms(): Promise<RoomInfo[]> {
    return [...this.byName.values()].map((room) => this.info(room))
  }

  async peer(peerId: string): Promise<{ room: string; peer: Peer } | undefined> {
    const room = this.roomOf.get(peerId)
    const peer = room?.members.get(peerId)?.peer
    return room === undefined || peer === undefined ? undefined : { room: room.name, peer }
  }

  async updatePeer(peerId: string, change: PeerChange): Promise<{ room: string; peer: Peer } | undefined> {
    const room = this.roomOf.get(peerId)
    const member = room?.members.get(peerId)
    if (room === undefined || member === undefined) return undefined
    const { name, hand, ...flags } = change
    const next: Peer = { ...member.peer, ...flags }
    if (hand === true && next.hand === undefined) next.hand = ++room.hands
    if (hand === false) delete next.hand
    let key = member.key
    if (name !== undefined) {
      const choice = freeName(room, name, peerId)
      next.name = choice.name
      key = choice.key
    }
    member.peer = next
    member.key = key
    return { room: room.name, peer: next }
  }

  async appendHistory(name: string, message: ChatMessage): Promise<boolean> {
    const room = this.byName.get(name)
    if (room === undefined) return false
    room.history.push(message)
    room.historyBytes += wireBytes(message)
    while (room.history.length > LIMITS.history || room.historyBytes > LIMITS.historyBytes) {
      room.historyBytes -= wireBytes(room.history.shift() as ChatMessage)
    }
    return true
  }

  async history(name: string): Promise<ChatMessage[]> {
    return [...(this.byName.get(name)?.history ?? [])]
  }

  async getFeature<K extends keyof RoomFeatures>(name: string, key: K): Promise<RoomFeatures[K] | undefined> {
    return this.byName.get(name)?.features[key]
  }

  async setFeature<K extends keyof RoomFeatures>(
    name: string,
    key: K,
    value: RoomFeatures[K]
  ): Promise<boolean> {
    const room = this.byName.get(name)
    if (room === undefined) return false
    room.features[key] = value
    return true
  }

  async appendBoard(
    name: string,
    update: string,
    strokes: number,
    bounds: BoardBounds
  ): Promise<BoardAppendOutcome> {
    const board = this.byName.get(name)?.board
    if (board === undefined) return { ok: false, code: 'no-room' }
    if (board.bytes + update.length > bounds.maxBytes || board.strokes + strokes > bounds.maxStrokes) {
      return { ok: false, code: 'board-full' }
    }
    board.updates.push(update)
    board.bytes += update.length
    board.strokes += strokes
    return { ok: true, updates: board.updates.length }
  }

  async readBoard(name: string): Promise<BoardLog | undefined> {
    const board = this.byName.get(name)?.board
    return board === undefined ? undefined : { ...board, updates: [...board.updates] }
  }

  async compactBoard(name: string, compaction: BoardCompaction): Promise<boolean> {
    const board = this.byName.get(name)?.board
    if (board === undefined || board.version !== compaction.version) return false
    const replaced = board.updates.splice(0, compaction.count, compaction.merged)
    for (const update of replaced) board.bytes -= update.length
    board.bytes += compaction.merged.length
    board.strokes = compaction.liveStrokes + (board.strokes - compaction.strokes)
    board.version++
    return true
  }

  /** Nothing to free: the rooms go with the process. */
  async close(): Promise<void> {
    return undefined
  }

  private info(room: MemoryRoom): RoomInfo {
    return {
      name: room.name,
      count: room.members.size,
      capacity: this.options.capacity,
      locked: room.digest !== undefined
    }
  }
}

/**
 * `asked` if no other member's name shares its key, else the first free of "name (2)", "name (3)"... (the order
 * of nameChoices), computed only as far as needed.
 */
function freeName(room: MemoryRoom, asked: NameChoice, exceptId?: string): NameChoice {
  const taken = new Set<string>()
  for (const [id, member] of room.members) {
    if (id !== exceptId) taken.add(member.key)
  }
  if (!taken.has(asked.key)) return asked
  for (let n = 2; ; n++) {
    const choice = nameChoice(withSuffix(asked.name, n))
    if (!taken.has(choice.key)) return choice
  }
}

/** Compares digests in constant time, so response times say nothing about how close a guess was. */
function digestsMatch(expected: string, given: string | undefined): boolean {
  if (given === undefined || given.length !== expected.length) return false
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given))
}

/** What a message costs in a join answer: its JSON in UTF-8, where a control character takes six bytes. */
function wireBytes(message: ChatMessage): number {
  return Buffer.byteLength(JSON.stringify(message))
}
