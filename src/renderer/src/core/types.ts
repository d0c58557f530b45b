/**
 * The call core's public state, as the Lit components read it. The core (plain TypeScript, no Lit) owns these
 * objects and replaces them immutably on every change, then notifies subscribers; components never mutate them.
 */
import type {
  ChatMessage,
  ErrorCode,
  InvalidField,
  InvalidReason,
  Peer,
  Reaction,
  RoomInfo
} from '../../../shared/protocol'

/** Connection to the signaling server. */
export type ServerConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed'

/** Why a connection or a request to the server failed, each shown to the user as a distinct message. */
export type CallErrorCode =
  | ErrorCode
  | 'unreachable' // nothing answered at that address (connection refused, DNS, network down)
  | 'timeout' // the server did not answer in time
  | 'not-moim' // something answered, but it is not a Moim server
  | 'host-ended' // the host stopped the room (`server:closing`)
  | 'disconnected' // the connection dropped and could not be re-established
  | 'media-denied' // camera/microphone permission denied
  | 'media-unavailable' // no such device, or it is in use
  | 'bad-invite' // an invite link the app was opened with does not parse (with `reason` when its room is at fault)

export interface CallError {
  code: CallErrorCode
  message: string
  /** With 'invalid': the typed field the server refused and why (together), so the UI words it itself. */
  field?: InvalidField
  reason?: InvalidReason
  /** With 'media-denied' / 'media-unavailable': which capture failed, so the UI words it in its own language. */
  device?: MediaSubject
  /** With 'rate-limited' from the server: milliseconds until the same request can succeed. */
  retryAfterMs?: number
}

/** What a media error is about. */
export type MediaSubject = 'camera' | 'microphone' | 'camera and microphone' | 'screen'

/** Per remote peer: how the RTCPeerConnection is doing. */
export type PeerConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed'

/** How a connection to one peer is doing, in one word (from RTT, loss and frame rate; see connection-stats.ts). */
export type ConnectionQuality = 'good' | 'weak' | 'bad'

/** One direction of video on a connection. Null figures are not known (yet). */
export interface StreamStats {
  codec: string | null
  width: number | null
  height: number | null
  fps: number | null
  bitrateKbps: number | null
}

/** The figures of one peer connection, for the stats panel. */
export interface ConnectionStats {
  peerId: string
  /** Round-trip time of the candidate pair in use, in milliseconds. */
  rttMs: number | null
  /** Packets lost of those expected since the last report, in percent (one decimal). */
  lossPercent: number | null
  /** Everything received and sent on the connection (audio, video, data), in kbit/s. */
  receiveKbps: number | null
  sendKbps: number | null
  videoIn: StreamStats | null
  videoOut: StreamStats | null
}

/** Another person in the call, as the core and the UI know them (`Peer` is the wire's name, kept in `peer`). */
export interface Participant {
  peer: Peer
  /** The remote tracks as one stream, for a <video> element's srcObject; null until the first track arrives. */
  stream: MediaStream | null
  connection: PeerConnectionState
  /** Absent or null until the connection's stats say. */
  quality?: ConnectionQuality | null
  stats?: ConnectionStats | null
}

/** A reaction someone sent (ourselves included), shown over their tile until it expires. */
export interface ReactionEntry {
  /** Unique within the call, for keyed rendering. */
  id: string
  /** The sender's peer id (our own `self.id` for ours). */
  from: string
  emoji: Reaction
  ts: number
}

/**
 * What a system line of the chat says, so the UI words it in its own language (`text` is the English, for logs
 * and for entries without one).
 */
export type SystemEvent =
  | { type: 'self-joined'; room: string }
  | { type: 'rejoined' }
  /** The server could not resume our session, so we joined the room again as a new participant. */
  | { type: 'rejoined-afresh' }
  | { type: 'reconnecting' }
  | { type: 'joined'; name: string }
  | { type: 'left'; name: string }
  | { type: 'board-cleared'; name: string }

/** One line of the chat panel: a message, or a join/leave notice generated locally. */
export type ChatEntry =
  | { kind: 'message'; message: ChatMessage; self: boolean }
  | { kind: 'system'; id: string; text: string; ts: number; event?: SystemEvent }

export type CallPhase = 'lobby' | 'joining' | 'in-call' | 'ended'

export interface CallState {
  phase: CallPhase
  server: ServerConnectionState
  self: Peer | null
  room: RoomInfo | null
  participants: Participant[]
  chat: ChatEntry[]
  /** Rooms open on the server, kept current from `rooms:changed` while in the lobby. */
  rooms: RoomInfo[]
  /** Reactions of the last few seconds (REACTION_MS), oldest first. */
  reactions: ReactionEntry[]
  /** We have the whiteboard open (the room is told). */
  boardOpen: boolean
  /** Ids of the others who have the whiteboard open. */
  boardViewers: string[]
  /** The last error, cleared by the next successful action. */
  error: CallError | null
  /**
   * Something the user should see about the call itself: 'rejoined-afresh' when, after a dropped connection, the
   * server could not keep our place (the grace window had passed) and we joined again as a new participant.
   * Cleared when the call ends or the next reconnection resumes.
   */
  notice: CallNotice | null
}

export type CallNotice = 'rejoined-afresh'

/** Why the user cannot be seen or heard: no media API, or no camera and/or microphone. */
export type MediaNotice = 'no-media-api' | 'no-devices' | 'no-camera' | 'no-microphone'

export type DeviceKind = 'camera' | 'microphone' | 'speaker'

export interface DeviceInfo {
  id: string
  label: string
  kind: DeviceKind
}

export interface MediaState {
  cameras: DeviceInfo[]
  microphones: DeviceInfo[]
  speakers: DeviceInfo[]
  cameraId: string | null
  microphoneId: string | null
  speakerId: string | null
  /** The local preview/outgoing stream (camera or screen video + microphone), null when there is none. */
  localStream: MediaStream | null
  muted: boolean
  cameraOff: boolean
  sharingScreen: boolean
  /** The browser's own microphone processing, as asked for (and remembered in the preferences). */
  noiseSuppression: boolean
  echoCancellation: boolean
  /** A notice the user should see (e.g. "No camera found: others will not see you"), in English, or null. */
  notice: string | null
  /** Which notice `notice` is, so the UI words it in its own language. */
  noticeCode?: MediaNotice | null
  error: CallError | null
}
