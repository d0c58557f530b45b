/**
 * What a Call needs from a media transport: media to and from every other participant of the room, whatever
 * carries it. Today that is the peer mesh (MeshTransport: one PeerConnection per remote peer); an SFU transport
 * (one connection to a media server) or media transforms plug in here without the Call changing.
 */
import type { SignalMessage, SignalRequest } from '../../../shared/protocol'
import type { MediaKind } from './peer-connection'
import type { PeerConnectionState } from './types'

/** What a transport receives from one remote peer. */
export interface RemoteMedia {
  peerId: string
  connection: PeerConnectionState
  /** The remote tracks as one stream; null until the first track arrives. */
  stream: MediaStream | null
}

export interface MediaTransport {
  /** Calls `listener` after every change to the remote media; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void
  /** The remote media, one entry per remote peer, in the order they were added. */
  snapshot(): RemoteMedia[]
  /** The RTCPeerConnection carrying one peer's media (for stats), or undefined. */
  connection(peerId: string): RTCPeerConnection | undefined
  /** Sends `track` as our track of that kind from now on, to every peer, without renegotiating if it can. */
  replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void>
  /** Starts exchanging media with `peerId` (we make the first offer); settles once that offer is on its way. */
  addPeer(peerId: string): Promise<void>
  /** Gets ready for `peerId`, who will make the first offer (a peer that joined after us). */
  expectPeer(peerId: string): void
  /** Stops exchanging media with `peerId`; its tracks end. */
  removePeer(peerId: string): void
  /**
   * The signaling server is reachable again after a dropped connection (we resumed as the same peer): whatever a
   * connection signalled meanwhile was lost, so one whose media stopped restarts ICE now. Connections that kept
   * their media are left alone.
   */
  signalingRestored(): void
  /** A signal from a peer of the room, relayed by the signaling server. */
  handleSignal(message: SignalMessage): Promise<void>
  /** Closes everything; the transport cannot be used again. */
  close(): void
}

/** What a transport is made with, once per room (the self id changes on every join). */
export interface TransportContext {
  selfId: string
  /** Delivers a signal to one remote peer through the signaling server; false when it could not be sent. */
  send: (request: SignalRequest) => boolean
  /** Our tracks at the moment the room is entered; later changes arrive through replaceTrack. */
  tracks: Record<MediaKind, MediaStreamTrack | null>
}

/** Makes the transport for one room. */
export type TransportFactory = (context: TransportContext) => MediaTransport
