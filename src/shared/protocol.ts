/**
 * Moim signaling protocol v1: the payloads and Socket.IO event maps shared by the server (main process, CLI)
 * and every client (renderer, tests, benchmarks). docs/PROTOCOL.md describes the same contract in prose.
 *
 * This module has no runtime dependencies so the renderer can import it without pulling in the validator.
 */

export const PROTOCOL_VERSION = 1

/** Default TCP port of a Moim server (desktop host mode and `npm run host`). */
export const DEFAULT_PORT = 47_100

/** Size limits, in UTF-16 code units (what `string.length` counts), enforced by the server on every payload. */
export const LIMITS = {
  room: 64,
  name: 32,
  password: 128,
  chatText: 2_000,
  /** Chrome's offers for an audio+video+data mesh connection are 4-8 KB; 32 KB leaves room for many codecs. */
  sdp: 32_768,
  candidate: 1_024,
  sdpMid: 64,
  usernameFragment: 256,
  peerId: 64,
  /** A resume token (`JoinResult.token`): 32 random bytes in base64url. */
  resumeToken: 43,
  /** A chat message id (`ChatMessage.id`, a UUID), as `room:resume` names the last one seen. */
  messageId: 64,
  /** Recent chat messages kept per room and given to late joiners. */
  history: 100,
  /**
   * ...and at most this many bytes of them as JSON on the wire (escapes counted), so a join answer stays small
   * whatever the messages contain: 100 messages of 2,000 control characters would otherwise be ~1.2 MB.
   */
  historyBytes: 65_536,
  /** Rooms one `rooms:list` answer or `rooms:changed` event carries at most (fullest rooms first). */
  listedRooms: 100,
  /** Default room capacity: a full mesh of six is what a laptop can encode and decode comfortably. */
  capacity: 6,
  maxCapacity: 16
} as const

export type {
  BoardCursor,
  BoardDraft,
  BoardOpenRequest,
  BoardSyncRequest,
  BoardSyncResult,
  BoardUpdateRequest
} from './board'
import type {
  BoardCursor,
  BoardDraft,
  BoardOpenRequest,
  BoardSyncRequest,
  BoardSyncResult,
  BoardUpdateRequest
} from './board'

/**
 * Largest Socket.IO packet the server accepts. Sized to the largest valid `signal` (an SDP at its limit plus the
 * envelope); anything bigger is not a valid message and closes only the sending socket.
 */
export const MAX_PACKET_BYTES = LIMITS.sdp + 8_192

/** Error codes a client->server ack may carry. */
export type ErrorCode =
  | 'invalid'
  | 'full'
  | 'wrong-password'
  | 'password-required'
  | 'not-locked'
  | 'not-in-room'
  | 'not-found'
  | 'rate-limited'
  | 'already-in-room'
  | 'server-full'
  | 'too-many-connections'
  | 'unavailable'
  | 'resume-failed'
  | 'board-full'

/** The request field an `invalid` answer is about, when it is one a person types. */
export type InvalidField = 'room' | 'name' | 'password' | 'text'

/** Why that field was refused (the rules are in input-rules.ts and docs/PROTOCOL.md). */
export type InvalidReason =
  'empty' | 'too-long' | 'invisible-characters' | 'no-visible-character' | 'not-allowed-characters'

export interface ProtocolError {
  code: ErrorCode
  /** English, for logs and for clients without their own text; a UI should say it from `field` and `reason`. */
  message: string
  /** With `rate-limited`: how long to wait before the same request can succeed. */
  retryAfterMs?: number
  /** With `invalid`, when a typed field broke one of its rules: which field (always together with `reason`). */
  field?: InvalidField
  reason?: InvalidReason
}

/** Every client->server event is answered through its ack callback with one of these. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ProtocolError }

export interface Peer {
  /**
   * The peer's id, assigned by the server at `room:join` (the id of the socket it joined with) and kept across
   * `room:resume`, so it is not the current socket's id after a reconnection.
   */
  id: string
  /** Display name, unique within the room (the server suffixes duplicates: "Ann", "Ann (2)"). */
  name: string
  audio: boolean
  video: boolean
  screen: boolean
  /**
   * Present (true) while the peer's connection to the server is lost and its seat is held for it to resume
   * (see `room:resume`); absent otherwise. Its WebRTC connections may well still carry media.
   */
  reconnecting?: true
  /**
   * Present while the peer's hand is raised: the room's count of raised hands when it went up, so hands sort in
   * the order they were raised (lowest first). Absent when the hand is down.
   */
  hand?: number
}

/** The reactions a peer can send, shown briefly over its tile: a closed set, so nothing else is relayed. */
export const REACTIONS = ['👍', '👏', '😂', '❤️', '🎉', '😮'] as const
export type Reaction = (typeof REACTIONS)[number]

/** `hand:set`: raise (true) or lower (false) your hand. */
export interface HandRequest {
  raised: boolean
}

/** `reaction:send`: one of REACTIONS. */
export interface ReactionRequest {
  emoji: Reaction
}

/** A reaction as the others receive it; `from` is set by the server. */
export interface ReactionMessage {
  from: string
  emoji: Reaction
}

export interface RoomInfo {
  name: string
  count: number
  capacity: number
  /** True when the room has a password. The password itself is never sent. */
  locked: boolean
}

export interface ChatMessage {
  id: string
  /** Sender's peer id, set by the server. */
  from: string
  /** Sender's name at the time of sending. */
  name: string
  /** Plain text. Clients must render it as text, never as HTML. */
  text: string
  /** Server time, milliseconds since the Unix epoch. */
  ts: number
}

/** The subset of RTCSessionDescriptionInit carried by `signal` (declared here so Node code needs no DOM types). */
export interface SessionDescription {
  type: 'offer' | 'answer' | 'pranswer' | 'rollback'
  sdp?: string
}

/** The subset of RTCIceCandidateInit carried by `signal`. */
export interface IceCandidate {
  candidate: string
  sdpMid?: string | null
  sdpMLineIndex?: number | null
  usernameFragment?: string | null
}

export interface JoinRequest {
  room: string
  name: string
  password?: string
}

export interface JoinResult {
  self: Peer
  peers: Peer[]
  room: RoomInfo
  history: ChatMessage[]
  /**
   * The secret that brings this peer back with `room:resume` after its connection drops (256 random bits, bound
   * to this peer and room, valid until the peer leaves or its grace window ends). Keep it to yourself.
   */
  token: string
}

/** Comes back into the room after a dropped connection, as the same peer (see JoinResult.token). */
export interface ResumeRequest {
  token: string
  /** The id of the last chat message this client has; the answer's history holds only later ones. */
  lastMessageId?: string
}

export interface SignalRequest {
  to: string
  description?: SessionDescription
  /** `null` marks the end of candidates. */
  candidate?: IceCandidate | null
}

export interface SignalMessage {
  from: string
  description?: SessionDescription
  candidate?: IceCandidate | null
}

/** The `rooms:list` answer: at most `LIMITS.listedRooms` rooms, fullest first, and how many there are in all. */
export interface RoomList {
  rooms: RoomInfo[]
  total: number
}

export interface ChatSendRequest {
  text: string
}

export interface PeerUpdate {
  name?: string
  audio?: boolean
  video?: boolean
  screen?: boolean
}

/** Why the server is going away; sent in `server:closing` just before it disconnects everyone. */
export type ClosingReason = 'host-stopped' | 'shutdown'

/** The answer to a `signal` sent without an ack that was refused: whom it was for, and why. */
export interface SignalRefusal {
  to: string
  error: ProtocolError
}

export interface BoardRefusal {
  event: Exclude<AckOptionalEvent, 'signal'>
  error: ProtocolError
}

type AckFn<T extends object = object> = (response: Ack<T>) => void

export interface ClientToServerEvents {
  'room:join': (request: JoinRequest, ack: AckFn<JoinResult>) => void
  'room:resume': (request: ResumeRequest, ack: AckFn<JoinResult>) => void
  'room:leave': (ack: AckFn) => void
  'rooms:list': (ack: AckFn<RoomList>) => void
  /**
   * The ack is optional, and Moim's own client sends none: a relayed signal is then one frame in and one out, and
   * a refusal comes back as `signal:refused`. With an ack, the answer comes through it as for any other event.
   */
  signal: (request: SignalRequest, ack?: AckFn) => void
  'chat:send': (request: ChatSendRequest, ack: AckFn<{ message: ChatMessage }>) => void
  'peer:update': (request: PeerUpdate, ack: AckFn<{ self: Peer }>) => void
  'hand:set': (request: HandRequest, ack: AckFn<{ self: Peer }>) => void
  'reaction:send': (request: ReactionRequest, ack: AckFn) => void
  'board:sync': (request: BoardSyncRequest, ack: AckFn<BoardSyncResult>) => void
  'board:update': (request: BoardUpdateRequest, ack: AckFn) => void
  /**
   * The board's transient messages take an optional ack as `signal` does, and Moim's client sends none: a refusal
   * then comes back as `board:refused`.
   */
  'board:draft': (request: BoardDraft, ack?: AckFn) => void
  'board:cursor': (request: BoardCursor, ack?: AckFn) => void
  'board:open': (request: BoardOpenRequest, ack?: AckFn) => void
}

/** The client events whose ack is optional: high-rate, fire-and-forget messages that only a refusal answers. */
export const ACK_OPTIONAL_EVENTS = ['signal', 'board:draft', 'board:cursor', 'board:open'] as const
export type AckOptionalEvent = (typeof ACK_OPTIONAL_EVENTS)[number]

/**
 * The same events with every ack required: the map for a client that wants every answer through acks (a
 * debugging tool, the protocol tests). Socket.IO's `emitWithAck` typing needs the ack last and required.
 */
export type AckedClientToServerEvents = Omit<ClientToServerEvents, AckOptionalEvent> & {
  [E in AckOptionalEvent]: (request: Parameters<ClientToServerEvents[E]>[0], ack: AckFn) => void
}

export interface ServerToClientEvents {
  'peer:joined': (peer: Peer) => void
  'peer:left': (payload: { id: string }) => void
  'peer:updated': (peer: Peer) => void
  signal: (message: SignalMessage) => void
  /** A `signal` sent without an ack was not relayed (only refusals are reported, never successes). */
  'signal:refused': (refusal: SignalRefusal) => void
  /** A board message sent without an ack (`board:draft`, `board:cursor`, `board:open`) was refused. */
  'board:refused': (refusal: BoardRefusal) => void
  'chat:message': (message: ChatMessage) => void
  reaction: (message: ReactionMessage) => void
  'rooms:changed': (rooms: RoomInfo[]) => void
  'server:closing': (payload: { reason: ClosingReason }) => void
  /** Someone's committed change to the board (a Yjs update, base64). */
  'board:update': (payload: { from: string; update: string }) => void
  'board:draft': (payload: BoardDraft & { from: string }) => void
  'board:cursor': (payload: BoardCursor & { from: string }) => void
  /** Someone opened or closed the board (sent again to the room when a peer joins, for the newcomer). */
  'board:open': (payload: { from: string; open: boolean }) => void
  /** Someone cleared the board; `name` as the room knows them. */
  'board:cleared': (payload: { from: string; name: string }) => void
}

/** Names of the client->server events, for code that must recognise them at run time. */
export const CLIENT_EVENTS = [
  'room:join',
  'room:resume',
  'room:leave',
  'rooms:list',
  'signal',
  'chat:send',
  'peer:update',
  'hand:set',
  'reaction:send',
  'board:sync',
  'board:update',
  'board:draft',
  'board:cursor',
  'board:open'
] as const satisfies readonly (keyof ClientToServerEvents)[]

/** Human-readable default messages for each error code, for clients that want a fallback text. */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  invalid: 'The request was not valid.',
  full: 'The room is full.',
  'wrong-password': 'The password is wrong.',
  'password-required': 'This room needs a password.',
  'not-locked':
    'This room has no password, so it is not the room you were given: someone else may be using its name.',
  'not-in-room': 'You are not in a room.',
  'not-found': 'No such peer in your room.',
  'rate-limited': 'Too many requests; slow down.',
  'already-in-room': 'You are already in a room; leave it first.',
  'server-full': 'This server has as many rooms as it can hold; join an existing room or try later.',
  'too-many-connections': 'Too many connections from your address; close some and try again.',
  unavailable: 'The server cannot reach its shared room store right now; try again in a moment.',
  'resume-failed':
    'This session cannot be resumed: it ended (the grace window passed) or the token is not valid. Join again.',
  'board-full': 'The board is full.'
}

/**
 * The `data` of a Socket.IO `connect_error` when the server refuses a connection after its handshake (today only
 * `too-many-connections`), so a client can tell it from a network failure.
 */
export interface ConnectRefusal {
  code: ErrorCode
  message: string
}
