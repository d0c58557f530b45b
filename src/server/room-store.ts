/**
 * The one owner of room state: who is in which room, passwords, recent chat and each room's feature state. The
 * server asks the store and acts on its answers; Socket.IO rooms only deliver, and everything else (hosting's
 * people list, the per-connection room cache) is derived from the store's answers or the server's events.
 *
 * Asynchronous so that a store shared by several servers (Redis) fits the same contract as the in-memory one.
 * Each method is atomic: a join checks and takes a seat in one step (for Redis, one Lua script whose inputs are
 * JoinInput, its nameChoices and the store's capacity, and whose output is JoinOutcome), so racing joins never
 * overfill a room or share a name. test/node/server/room-store.contract.ts states the contract; every implementation runs it.
 */
import { createHash } from 'node:crypto'
import { nameKey, withSuffix } from '../shared/input-rules'
import type { ChatMessage, Peer, RoomInfo, RoomList } from '../shared/protocol'

/**
 * Per-room state of features beyond membership and chat, by key. Empty here: a feature declares its key by
 * augmenting this interface (`declare module '.../room-store' { interface RoomFeatures { board: BoardState } }`).
 * Values must survive JSON (a shared store serialises them). A room's features go with the room.
 */
export interface RoomFeatures {}

/** A display name and its comparison key (nameKey): two names with one key are the same name in a room. */
export interface NameChoice {
  name: string
  key: string
}

/** `name` with its comparison key. */
export function nameChoice(name: string): NameChoice {
  return { name, key: nameKey(name) }
}

/**
 * `choice`, then "name (2)", "name (3)"... `count` NameChoices in all. A room of capacity N has at most N - 1 other
 * members, who can take at most N - 1 of them, so N choices always hold a free one. For a store that must pick
 * the name inside one atomic script without the Unicode rules (Redis and Lua): it passes these in. (~40 µs for
 * six, so the memory store computes a suffix only when a name is taken.)
 */
export function nameChoices(choice: NameChoice, count: number): NameChoice[] {
  const choices: NameChoice[] = [choice]
  for (let n = 2; n <= count; n++) choices.push(nameChoice(withSuffix(choice.name, n)))
  return choices
}

/**
 * What a store keeps of a resume token: its SHA-256 in hex (base64url input), so a store dump or a Redis
 * `MONITOR` cannot resume anyone. The token is 256 random bits, so a fast hash is enough.
 */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** The peer without its `reconnecting` mark, as it is once back. */
export function connectedPeer({ reconnecting, ...peer }: Peer): Peer {
  void reconnecting
  return peer
}

/** What a store keeps of a password: its SHA-256 in hex, so the password itself cannot leak from it. */
export function passwordDigest(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex')
}

export interface RoomStoreOptions {
  /** People per room. */
  capacity: number
  /** Rooms held at once; creating one more is refused with `server-full`. */
  maxRooms: number
  /**
   * Digests (passwordDigest) of the rooms whose password the operator set, such as the desktop host's own room:
   * they are locked with it from the very first join, whoever creates them.
   */
  presetPasswords?: Readonly<Record<string, string>>
}

export interface JoinInput {
  room: string
  /** The joiner's id and initial media state; its name is `name`, suffixed if taken (see nameChoices). */
  peer: Omit<Peer, 'name'>
  /** The name asked for, as the shared rules normalised it, and its comparison key. */
  name: NameChoice
  /** passwordDigest of the password given, if any. */
  passwordDigest?: string
  /** tokenDigest of the peer's resume token: what `resume` will look the peer up by. */
  tokenDigest: string
  /** The connection (socket id) the peer is on now: a `hold` from any other connection is stale. */
  connection: string
}

/** Why a join was refused, in the order the store checks. */
export type JoinRefusal =
  'already-in-room' | 'password-required' | 'wrong-password' | 'not-locked' | 'server-full' | 'full'

export type JoinOutcome =
  | {
      ok: true
      /** The joiner as stored, with the name it was given. */
      self: Peer
      /** Everyone else in the room, in join order. */
      peers: Peer[]
      /** The room after the join. */
      room: RoomInfo
      /** The room's recent chat, oldest first. */
      history: ChatMessage[]
      /** True when this join created the room. */
      created: boolean
    }
  | { ok: false; code: JoinRefusal }

export interface LeaveOutcome {
  /** The peer as it was when it left. */
  peer: Peer
  /** The room after the leave (count 0 when removed). */
  room: RoomInfo
  /** True when the room emptied and was deleted, with its password, history and features. */
  removed: boolean
}

export interface ResumeInput {
  /** tokenDigest of the token presented. */
  tokenDigest: string
  /** The connection the peer is on from now on. */
  connection: string
}

export type ResumeOutcome =
  | {
      ok: true
      /** The peer as stored, no longer reconnecting. */
      self: Peer
      /** Everyone else in the room, in join order. */
      peers: Peer[]
      room: RoomInfo
      /** The room's recent chat, oldest first. */
      history: ChatMessage[]
      /** The connection the peer was on, which the server drops if it is still open (it lost the peer). */
      previousConnection: string
      /** True when the peer was held (its connection was known to be lost), so the room was told so. */
      wasHeld: boolean
    }
  | { ok: false; code: 'resume-failed' }

/**
 * A peer's change: media flags as given, a new name, suffixed if another member has it (see nameChoices), and the
 * hand: raising one that is down gives it the room's next hand number (Peer.hand), raising one that is up keeps its
 * place, lowering removes it.
 */
export interface PeerChange {
  audio?: boolean
  video?: boolean
  screen?: boolean
  name?: NameChoice
  hand?: boolean
}

/**
 * A room's whiteboard as a store keeps it: the Yjs updates (base64) in the order they were appended, and their
 * totals. An append-only log rather than one value, so drawers on several nodes append at once without a lost
 * update; a compaction now and then replaces the oldest updates with their merge (src/server/board.ts).
 */
export interface BoardLog {
  updates: string[]
  /** Characters of all `updates` (base64 is ASCII: its bytes). */
  bytes: number
  /** Strokes the updates inserted; since the last compaction, plus the strokes alive at it. */
  strokes: number
  /** Bumped by every compaction, so a compaction computed from an older read is refused. */
  version: number
}

/** What one room's board may hold; an append past either is refused whole. */
export interface BoardBounds {
  maxBytes: number
  maxStrokes: number
}

export type BoardAppendOutcome = { ok: true; updates: number } | { ok: false; code: 'board-full' | 'no-room' }

/** A compaction: the first `count` updates of the log at `version` (which counted `strokes`) become `merged`. */
export interface BoardCompaction {
  version: number
  count: number
  /** `strokes` of the read the merge was computed from. */
  strokes: number
  merged: string
  /** Strokes alive in `merged`. */
  liveStrokes: number
}

/**
 * What a store throws when it cannot answer because what it keeps state in is unreachable (Redis down): the server
 * answers `unavailable` instead of treating it as a bug, and the request had no effect.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError'
}

export interface RoomStore {
  /**
   * Puts `input.peer` in `input.room`, creating the room (locked with the preset password, else with the joiner's
   * digest) if it does not exist. Refusals in order: the peer is in a room already (`already-in-room`); a locked
   * room and no digest (`password-required`: the room's lock is public in RoomInfo, so saying so leaks nothing);
   * a locked room and a different digest (`wrong-password`, checked before capacity so a full room does not
   * confirm a guess); an open room and a digest given (`not-locked`: the room someone was given a password for was
   * locked, so an open room of that name is someone else's); a new room past `maxRooms` (`server-full`); a room at
   * capacity (`full`).
   */
  join(input: JoinInput): Promise<JoinOutcome>
  /**
   * Takes `peerId` out of its room, deleting the room when it empties; undefined when it is in no room, or when
   * `connection` is given and the peer is on another one by now (it resumed there: a stale socket cannot make it
   * leave).
   */
  leave(peerId: string, connection?: string): Promise<LeaveOutcome | undefined>
  /**
   * Holds the peer's seat after its connection `connection` dropped: the peer stays a member (its seat and name
   * count), marked `reconnecting`, until `resume` or `expire(peerId, until)`. Undefined (nothing changed) when
   * the peer is in no room or is on another connection by now (it resumed there first).
   */
  hold(peerId: string, connection: string, until: number): Promise<{ room: string; peer: Peer } | undefined>
  /**
   * Brings the peer whose token has this digest back on `input.connection`, held or not (a client may come back
   * before the server noticed its old connection drop). `resume-failed` when no peer of any room has that token
   * (a bad token, or one whose peer left or expired).
   */
  resume(input: ResumeInput): Promise<ResumeOutcome>
  /**
   * Ends a hold: the peer leaves as with `leave`, but only if it is still held by the `hold` that set `until`
   * (not resumed since, nor held again). Undefined when nothing was done.
   */
  expire(peerId: string, until: number): Promise<LeaveOutcome | undefined>
  /** What a lobby is shown: at most LIMITS.listedRooms rooms, fullest first, then by name; and how many in all. */
  list(): Promise<RoomList>
  /** Every room, in creation order. */
  rooms(): Promise<RoomInfo[]>
  /** The peer with this id and its room, if it is in one (held or not). */
  peer(peerId: string): Promise<{ room: string; peer: Peer } | undefined>
  /** Applies `change` to the peer; its whole new state and room, or undefined when it is in no room. */
  updatePeer(peerId: string, change: PeerChange): Promise<{ room: string; peer: Peer } | undefined>
  /**
   * Adds a chat message to the room's history, dropping the oldest past LIMITS.history messages or
   * LIMITS.historyBytes of JSON. False when the room does not exist.
   */
  appendHistory(room: string, message: ChatMessage): Promise<boolean>
  /** The room's recent chat, oldest first (empty for a room that does not exist). */
  history(room: string): Promise<ChatMessage[]>
  /** The room's state of feature `key`, or undefined when unset or the room does not exist. */
  getFeature<K extends keyof RoomFeatures>(room: string, key: K): Promise<RoomFeatures[K] | undefined>
  /** Sets the room's state of feature `key`; false (and nothing kept) when the room does not exist. */
  setFeature<K extends keyof RoomFeatures>(room: string, key: K, value: RoomFeatures[K]): Promise<boolean>
  /**
   * Appends a board update inserting `strokes` strokes, unless the room's board would pass `bounds` (`board-full`,
   * nothing kept) or the room does not exist (`no-room`). Answers how many updates the log holds now.
   */
  appendBoard(room: string, update: string, strokes: number, bounds: BoardBounds): Promise<BoardAppendOutcome>
  /** The room's board log (empty for a room without strokes yet), or undefined when the room does not exist. */
  readBoard(room: string): Promise<BoardLog | undefined>
  /**
   * Replaces the first `compaction.count` updates with `compaction.merged` if the log is still at
   * `compaction.version` (appends since are kept after it); false, and nothing changed, otherwise.
   */
  compactBoard(room: string, compaction: BoardCompaction): Promise<boolean>
  /** Frees what the store holds (connections for a shared store). */
  close(): Promise<void>
  /**
   * For a store shared by several servers: takes the peers of servers that stopped without leaving (crashed, or
   * cut off) out of their rooms, and returns what each leave did, so this server can tell the rooms. A store of
   * one process has no such peers and leaves this out.
   */
  reapDeadNodes?(): Promise<LeaveOutcome[]>
}
