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

/** Another person in the call, as the core and the UI know them (`Peer` is the wire's name, kept in `peer`). */
export interface Participant {
  peer: Peer
  /** The remote tracks as one stream, for a <video> element's srcObject; null until the first track arrives. */
  stream: MediaStream | null
  connection: PeerConnectionState
}

/**
 * What a system line of the chat says, so the UI words it in its own language (`text` is the English, for logs
 * and for entries without one).
 */
export type SystemEvent =
  | { type: 'self-joined'; room: string }
  | { type: 'rejoined' }
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
  /** We have the whiteboard open (the room is told). */
  boardOpen: boolean
  /** Ids of the others who have the whiteboard open. */
  boardViewers: string[]
  /** The last error, cleared by the next successful action. */
  error: CallError | null
}

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
  /** A notice the user should see (e.g. "No camera found: others will not see you"), in English, or null. */
  notice: string | null
  /** Which notice `notice` is, so the UI words it in its own language. */
  noticeCode?: MediaNotice | null
  error: CallError | null
}
