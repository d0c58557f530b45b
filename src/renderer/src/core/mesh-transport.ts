/**
 * The peer mesh: one PeerConnection per remote peer, each negotiating on its own (perfect negotiation, see
 * peer-connection.ts). The mesh only adds and removes them, hands our tracks to all of them through
 * `replaceTrack` (a device switch never renegotiates) and sets each sender's bitrate as the room grows.
 */
import { createLogger } from '../../../shared/logger'
import type { SignalMessage } from '../../../shared/protocol'
import { Emitter } from './emitter'
import { PeerConnection } from './peer-connection'
import type { IceWatchdogOptions, MediaKind } from './peer-connection'
import type { MediaTransport, RemoteMedia, TransportContext, TransportFactory } from './transport'
import { videoLadder } from './video-ladder'

const log = createLogger('mesh-transport')

export interface MeshTransportOptions extends TransportContext, IceWatchdogOptions {
  /** STUN/TURN servers. Empty by default: on a LAN, host candidates are all that is needed. */
  iceServers?: RTCIceServer[]
}

export { videoLadder } from './video-ladder'

/** A TransportFactory for the mesh, with the given ICE servers and watchdog timings. */
export function meshTransport(
  options: Omit<MeshTransportOptions, keyof TransportContext> = {}
): TransportFactory {
  return (context) => new MeshTransport({ ...options, ...context })
}

export class MeshTransport implements MediaTransport {
  private readonly emitter = new Emitter<{ change: () => void }>()
  private readonly peers = new Map<string, PeerConnection>()
  private readonly localTracks: Record<MediaKind, MediaStreamTrack | null>
  /** One stream id for everything we send, so the remote side gets our tracks as one MediaStream. */
  private readonly localStream = new MediaStream()
  private readonly options: MeshTransportOptions
  private closed = false

  constructor(options: MeshTransportOptions) {
    this.options = options
    this.localTracks = { ...options.tracks }
    for (const track of Object.values(this.localTracks)) if (track !== null) this.localStream.addTrack(track)
  }

  subscribe(listener: () => void): () => void {
    return this.emitter.on('change', listener)
  }

  snapshot(): RemoteMedia[] {
    return [...this.peers.values()].map((peer) => ({
      peerId: peer.remoteId,
      connection: peer.state,
      stream: peer.stream
    }))
  }

  connection(peerId: string): RTCPeerConnection | undefined {
    return this.peers.get(peerId)?.pc
  }

  /**
   * Starts a connection to `peerId` and offers (no-op if one exists). In a room the newcomer calls everyone; the
   * others make theirs when they learn of the newcomer (`expectPeer`) or from its first offer (`handleSignal`).
   * Both sides may call it at once: perfect negotiation sorts it out.
   */
  addPeer(peerId: string): Promise<void> {
    this.createPeer(peerId, true)
    return this.peers.get(peerId)?.offerSent ?? Promise.resolve()
  }

  /**
   * Makes the connection to a peer that will call us (no-op if one exists), before its offer arrives: the
   * RTCPeerConnection and our tracks are ready, so answering costs only the negotiation itself.
   */
  expectPeer(peerId: string): void {
    this.createPeer(peerId, false)
  }

  /** Closes the connection to `peerId` and forgets it (its tracks end). */
  removePeer(peerId: string): void {
    const peer = this.peers.get(peerId)
    if (peer === undefined) return
    peer.close()
    this.peers.delete(peerId)
    log.debug('peer removed', { peer: peerId })
    this.changed()
    void this.applyLadder()
  }

  /** Hands a signal to its connection; a signal from a peer not yet known creates the connection. */
  async handleSignal(message: SignalMessage): Promise<void> {
    if (this.closed) return
    if (!this.peers.has(message.from)) this.createPeer(message.from, false)
    await this.peers.get(message.from)?.handleSignal(message)
  }

  signalingRestored(): void {
    for (const peer of this.peers.values()) peer.restartIfDown()
  }

  async replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    this.localTracks[kind] = track
    for (const old of this.localStream.getTracks().filter((t) => t.kind === kind))
      this.localStream.removeTrack(old)
    if (track !== null) this.localStream.addTrack(track)
    await Promise.all([...this.peers.values()].map((peer) => peer.setTrack(kind, track, this.localStream)))
    if (kind === 'video') await this.applyLadder()
  }

  close(): void {
    this.closed = true
    for (const peer of this.peers.values()) peer.close()
    this.peers.clear()
    this.changed()
    this.emitter.clear()
  }

  private createPeer(peerId: string, initiator: boolean): void {
    if (this.closed || this.peers.has(peerId) || peerId === this.options.selfId) return
    const { selfId, send, iceServers = [], ...watchdog } = this.options
    const peer = new PeerConnection({
      selfId,
      remoteId: peerId,
      send,
      iceServers,
      disconnectedGraceMs: watchdog.disconnectedGraceMs,
      maxIceRestarts: watchdog.maxIceRestarts,
      connectTimeoutMs: watchdog.connectTimeoutMs,
      tracks: this.localTracks,
      stream: this.localStream,
      initiator,
      ladder: videoLadder(this.peers.size + 1),
      onChange: () => this.changed()
    })
    this.peers.set(peerId, peer)
    log.debug('peer added', { peer: peerId, polite: peer.polite })
    this.changed()
    // The new connection applies its step itself once negotiated or connected (PeerConnection.applyLadder):
    // getParameters now would block the page on the WebRTC thread while it creates the offer (7 ms of a 90 ms
    // join task in a trace of a 2-person setup).
    void this.applyLadder(peer)
  }

  /** Every sender (but `except`, which has the step already) gets the step for the mesh's current size. */
  private async applyLadder(except?: PeerConnection): Promise<void> {
    const step = videoLadder(this.peers.size)
    const others = [...this.peers.values()].filter((peer) => peer !== except)
    await Promise.all(others.map((peer) => peer.setLadder(step)))
  }

  private changed(): void {
    this.emitter.emit('change')
  }
}
