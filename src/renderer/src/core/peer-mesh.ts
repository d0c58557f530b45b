/**
 * A full mesh of RTCPeerConnections, one per remote peer, negotiated with the "perfect negotiation" pattern exactly
 * as webrtc/samples `perfect-negotiation/js/peer.js` does it: either side may offer at any time (adding a peer,
 * an ICE restart, a track added late) and collisions resolve themselves, the polite side yielding. Device switches
 * go through `RTCRtpSender.replaceTrack`, which needs no renegotiation.
 */
import { createLogger } from '../../../shared/logger'
import type { IceCandidate, SessionDescription, SignalMessage, SignalRequest } from '../../../shared/protocol'
import { Emitter } from './emitter'
import type { PeerConnectionState } from './types'

const log = createLogger('peer-mesh')

export type MediaKind = 'audio' | 'video'

export interface PeerMeshOptions {
  /** Our own peer id; compared with each remote id to decide who is polite. */
  selfId: string
  /** Delivers a signal to one remote peer (through the signaling server, or an in-memory relay in tests). */
  send: (request: SignalRequest) => unknown
  /** STUN/TURN servers. Empty by default: on a LAN, host candidates are all that is needed. */
  iceServers?: RTCIceServer[]
  /** How long a connection may stay 'disconnected' before an ICE restart is tried (default 4 s). */
  disconnectedGraceMs?: number
  /** ICE restarts tried after a failure before the peer is reported 'failed' (default 3). */
  maxIceRestarts?: number
  /**
   * A connection not up this long after it was created (or after an ICE restart) gets an ICE restart (default
   * 8 s on the impolite side, twice that on the polite side so both do not restart at once). Chromium can leave
   * ICE gathering stuck when an offer is rolled back mid-gathering; a restart gathers afresh.
   */
  connectTimeoutMs?: number
}

/** One remote peer as the mesh sees it. */
export interface MeshPeer {
  id: string
  connection: PeerConnectionState
  /** The remote tracks as one stream; null until the first track arrives. */
  stream: MediaStream | null
}

type MeshEvents = {
  /** A peer was added or removed, its connection state changed, or its stream got a track. */
  change: () => void
}

/** Encoding limits for one video sender, by how many remote peers each of our streams is sent to. */
export interface VideoLadderStep {
  maxBitrate: number
  scaleResolutionDownBy: number
}

/**
 * The bitrate/resolution ladder: every remote peer costs us one more encode and upload, so each sender gets less
 * as the mesh grows. Up to three remote peers keep full resolution (only the bitrate drops).
 */
export function videoLadder(remotePeers: number): VideoLadderStep {
  if (remotePeers <= 1) return { maxBitrate: 2_500_000, scaleResolutionDownBy: 1 }
  if (remotePeers === 2) return { maxBitrate: 1_500_000, scaleResolutionDownBy: 1 }
  if (remotePeers === 3) return { maxBitrate: 1_000_000, scaleResolutionDownBy: 1 }
  if (remotePeers <= 5) return { maxBitrate: 600_000, scaleResolutionDownBy: 1.5 }
  return { maxBitrate: 400_000, scaleResolutionDownBy: 2 }
}

/** Politeness must be decided the same way on both sides and differ between them. */
export function isPolite(selfId: string, remoteId: string): boolean {
  return selfId < remoteId
}

class RemotePeer {
  readonly pc: RTCPeerConnection
  readonly polite: boolean
  stream: MediaStream | null = null
  connection: PeerConnectionState = 'connecting'
  // Perfect negotiation state, named as in the webrtc/samples peer.js.
  makingOffer = false
  ignoreOffer = false
  isSettingRemoteAnswerPending = false
  /** Candidates that arrived before any remote description: addIceCandidate would reject them. */
  pendingCandidates: RTCIceCandidateInit[] = []
  everConnected = false
  iceRestarts = 0
  disconnectedTimer: ReturnType<typeof setTimeout> | undefined
  connectTimer: ReturnType<typeof setTimeout> | undefined
  closed = false

  constructor(
    readonly id: string,
    selfId: string,
    iceServers: RTCIceServer[]
  ) {
    this.pc = new RTCPeerConnection({ iceServers })
    this.polite = isPolite(selfId, id)
  }
}

export class PeerMesh {
  private readonly emitter = new Emitter<MeshEvents>()
  private readonly peers = new Map<string, RemotePeer>()
  private readonly localTracks: Record<MediaKind, MediaStreamTrack | null> = { audio: null, video: null }
  /** One stream id for everything we send, so the remote side gets our tracks as one MediaStream. */
  private readonly localStream = new MediaStream()
  private readonly selfId: string
  private readonly send: PeerMeshOptions['send']
  private readonly iceServers: RTCIceServer[]
  private readonly disconnectedGraceMs: number
  private readonly maxIceRestarts: number
  private readonly connectTimeoutMs: number
  private closed = false

  constructor(options: PeerMeshOptions) {
    this.selfId = options.selfId
    this.send = options.send
    this.iceServers = options.iceServers ?? []
    this.disconnectedGraceMs = options.disconnectedGraceMs ?? 4_000
    this.maxIceRestarts = options.maxIceRestarts ?? 3
    this.connectTimeoutMs = options.connectTimeoutMs ?? 8_000
  }

  get id(): string {
    return this.selfId
  }

  /** Calls `listener` after every change to the peers; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    return this.emitter.on('change', listener)
  }

  /** A snapshot of the remote peers, in the order they were added. */
  snapshot(): MeshPeer[] {
    return [...this.peers.values()].map((peer) => ({
      id: peer.id,
      connection: peer.connection,
      stream: peer.stream
    }))
  }

  /** The RTCPeerConnection to one peer (for stats), or undefined. */
  connection(id: string): RTCPeerConnection | undefined {
    return this.peers.get(id)?.pc
  }

  /**
   * Sets the tracks sent to peers added from now on (and to existing peers, through replaceTrack). Call before
   * adding peers so that their first offer already carries our media.
   */
  async setLocalTracks(tracks: {
    audio?: MediaStreamTrack | null
    video?: MediaStreamTrack | null
  }): Promise<void> {
    if (tracks.audio !== undefined) await this.replaceTrack('audio', tracks.audio)
    if (tracks.video !== undefined) await this.replaceTrack('video', tracks.video)
  }

  /**
   * Starts a connection to `id` and offers (no-op if one exists). In a room the newcomer calls everyone; the others
   * get their connection from the first offer (`handleSignal`). Both sides may call it at once: perfect
   * negotiation sorts it out.
   */
  addPeer(id: string): void {
    this.createPeer(id, true)
  }

  private createPeer(id: string, initiator: boolean): void {
    if (this.closed || this.peers.has(id) || id === this.selfId) return
    const peer = new RemotePeer(id, this.selfId, this.iceServers)
    this.peers.set(id, peer)
    const { pc } = peer

    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true
        await pc.setLocalDescription()
        this.sendDescription(peer)
      } catch (error) {
        log.error('could not make an offer', { peer: id, error: String(error) })
      } finally {
        peer.makingOffer = false
      }
    }
    pc.onicecandidate = ({ candidate }) => {
      void this.signal({ to: id, candidate: candidate === null ? null : toCandidate(candidate) })
    }
    pc.ontrack = ({ track }) => {
      peer.stream ??= new MediaStream()
      if (!peer.stream.getTracks().includes(track)) peer.stream.addTrack(track)
      this.changed()
    }
    pc.onconnectionstatechange = () => this.onConnectionState(peer)
    pc.onsignalingstatechange = () => {
      // Encodings exist only once a negotiation has completed.
      if (pc.signalingState === 'stable') void this.applyLadderTo(peer)
    }

    // Our tracks go in now, so negotiationneeded fires and the first offer carries them. addTrack (rather than
    // addTransceiver) lets a remote offer that crosses ours reuse these transceivers instead of adding more.
    for (const kind of ['audio', 'video'] as const) {
      const track = this.localTracks[kind]
      if (track !== null) pc.addTrack(track, this.localStream)
      else if (initiator) {
        // Without a camera or microphone the caller still offers to receive that kind, and keeps a sender ready
        // so a device plugged in later goes out through replaceTrack.
        pc.addTransceiver(kind, { direction: 'sendrecv', streams: [this.localStream] })
      }
    }
    this.armConnectTimer(peer)
    log.debug('peer added', { peer: id, polite: peer.polite })
    this.changed()
    void this.applyLadder()
  }

  /** Closes the connection to `id` and forgets it (its tracks end). */
  removePeer(id: string): void {
    const peer = this.peers.get(id)
    if (peer === undefined) return
    this.closePeer(peer)
    this.peers.delete(id)
    log.debug('peer removed', { peer: id })
    this.changed()
    void this.applyLadder()
  }

  /** Handles a signal from a remote peer; a signal from a peer not yet known creates its connection. */
  async handleSignal(message: SignalMessage): Promise<void> {
    if (this.closed) return
    if (!this.peers.has(message.from)) this.createPeer(message.from, false)
    const peer = this.peers.get(message.from)
    if (peer === undefined) return
    const { pc } = peer
    const { description, candidate } = message
    try {
      if (description !== undefined) {
        const readyForOffer =
          !peer.makingOffer && (pc.signalingState === 'stable' || peer.isSettingRemoteAnswerPending)
        const offerCollision = description.type === 'offer' && !readyForOffer
        peer.ignoreOffer = !peer.polite && offerCollision
        if (peer.ignoreOffer) {
          log.debug('ignored a colliding offer (impolite side)', { peer: peer.id })
          return
        }
        peer.isSettingRemoteAnswerPending = description.type === 'answer'
        await pc.setRemoteDescription(description as RTCSessionDescriptionInit) // SRD rolls back as needed
        peer.isSettingRemoteAnswerPending = false
        await this.flushCandidates(peer)
        if (description.type === 'offer') {
          await pc.setLocalDescription()
          this.sendDescription(peer)
        }
      } else if (candidate !== undefined && candidate !== null) {
        if (pc.remoteDescription === null) {
          peer.pendingCandidates.push(candidate)
          return
        }
        try {
          await pc.addIceCandidate(candidate)
        } catch (error) {
          if (!peer.ignoreOffer) throw error
        }
      }
    } catch (error) {
      if (!peer.closed) log.error('signal handling failed', { peer: peer.id, error: String(error) })
    }
  }

  /**
   * Sends `track` instead of the current track of that kind to every peer, through `RTCRtpSender.replaceTrack`: no
   * renegotiation. Only a peer that has no sender of that kind at all (we had no camera when it connected) gets
   * the track added, which does renegotiate.
   */
  async replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    this.localTracks[kind] = track
    for (const old of this.localStream.getTracks().filter((t) => t.kind === kind))
      this.localStream.removeTrack(old)
    if (track !== null) this.localStream.addTrack(track)
    await Promise.all(
      [...this.peers.values()].map(async (peer) => {
        if (peer.closed) return
        const sender = senderFor(peer.pc, kind)
        try {
          if (sender !== undefined) await sender.replaceTrack(track)
          else if (track !== null) peer.pc.addTrack(track, this.localStream)
        } catch (error) {
          log.error('replaceTrack failed', { peer: peer.id, kind, error: String(error) })
        }
      })
    )
    if (kind === 'video') await this.applyLadder()
  }

  /** Closes every connection. The mesh cannot be used again. */
  close(): void {
    this.closed = true
    for (const peer of this.peers.values()) this.closePeer(peer)
    this.peers.clear()
    this.changed()
    this.emitter.clear()
  }

  private closePeer(peer: RemotePeer): void {
    peer.closed = true
    clearTimeout(peer.disconnectedTimer)
    clearTimeout(peer.connectTimer)
    peer.pc.onnegotiationneeded = null
    peer.pc.onicecandidate = null
    peer.pc.ontrack = null
    peer.pc.onconnectionstatechange = null
    peer.pc.onsignalingstatechange = null
    peer.pc.close()
    for (const track of peer.stream?.getTracks() ?? []) track.stop()
  }

  private onConnectionState(peer: RemotePeer): void {
    const { pc } = peer
    clearTimeout(peer.disconnectedTimer)
    switch (pc.connectionState) {
      case 'new':
      case 'connecting':
        peer.connection = peer.everConnected ? 'reconnecting' : 'connecting'
        break
      case 'connected':
        clearTimeout(peer.connectTimer)
        peer.everConnected = true
        peer.iceRestarts = 0
        peer.connection = 'connected'
        void this.applyLadderTo(peer)
        break
      case 'disconnected':
        // Often transient (a Wi-Fi hiccup); restart ICE only if it does not come back by itself.
        peer.connection = 'reconnecting'
        peer.disconnectedTimer = setTimeout(() => {
          if (!peer.closed && pc.connectionState === 'disconnected') this.restartIce(peer)
        }, this.disconnectedGraceMs)
        break
      case 'failed':
        this.restartIce(peer)
        break
      case 'closed':
        break
    }
    this.changed()
  }

  private restartIce(peer: RemotePeer): void {
    if (peer.iceRestarts >= this.maxIceRestarts) {
      log.warn('connection failed, giving up', { peer: peer.id })
      peer.connection = 'failed'
      this.changed()
      return
    }
    peer.iceRestarts += 1
    peer.connection = peer.everConnected ? 'reconnecting' : 'connecting'
    log.info('restarting ICE', { peer: peer.id, attempt: peer.iceRestarts })
    peer.pc.restartIce()
    this.armConnectTimer(peer)
    this.changed()
  }

  /** Restarts ICE if the connection is not up in time (see `connectTimeoutMs`). */
  private armConnectTimer(peer: RemotePeer): void {
    clearTimeout(peer.connectTimer)
    const wait = peer.polite ? this.connectTimeoutMs * 2 : this.connectTimeoutMs
    peer.connectTimer = setTimeout(() => {
      if (peer.closed || peer.pc.connectionState === 'connected') return
      log.warn('connection not up in time, restarting ICE', {
        peer: peer.id,
        ice: peer.pc.iceConnectionState,
        gathering: peer.pc.iceGatheringState
      })
      this.restartIce(peer)
    }, wait)
  }

  private async flushCandidates(peer: RemotePeer): Promise<void> {
    const queued = peer.pendingCandidates
    peer.pendingCandidates = []
    for (const candidate of queued) {
      try {
        await peer.pc.addIceCandidate(candidate)
      } catch (error) {
        // A candidate of an offer we ignored, or of an older ICE generation.
        log.debug('dropped a queued candidate', { peer: peer.id, error: String(error) })
      }
    }
  }

  private sendDescription(peer: RemotePeer): void {
    const local = peer.pc.localDescription
    if (local === null) return
    const description: SessionDescription = { type: local.type, sdp: local.sdp }
    void this.signal({ to: peer.id, description })
  }

  private async signal(request: SignalRequest): Promise<void> {
    try {
      await this.send(request)
    } catch (error) {
      log.warn('could not send a signal', { to: request.to, error: String(error) })
    }
  }

  private async applyLadder(): Promise<void> {
    await Promise.all([...this.peers.values()].map((peer) => this.applyLadderTo(peer)))
  }

  private async applyLadderTo(peer: RemotePeer): Promise<void> {
    if (peer.closed) return
    const sender = senderFor(peer.pc, 'video')
    if (sender === undefined) return
    const step = videoLadder(this.peers.size)
    const parameters = sender.getParameters()
    const encoding = parameters.encodings?.[0]
    if (encoding === undefined) return
    // Screen content keeps its full resolution: text must stay readable, a lower frame rate is the better trade.
    const scale =
      sender.track?.contentHint === 'detail' || sender.track?.contentHint === 'text'
        ? 1
        : step.scaleResolutionDownBy
    if (encoding.maxBitrate === step.maxBitrate && (encoding.scaleResolutionDownBy ?? 1) === scale) return
    encoding.maxBitrate = step.maxBitrate
    encoding.scaleResolutionDownBy = scale
    try {
      await sender.setParameters(parameters)
    } catch (error) {
      // A negotiation in flight can invalidate the parameters; the next stable state applies them again.
      log.debug('setParameters failed', { peer: peer.id, error: String(error) })
    }
  }

  private changed(): void {
    this.emitter.emit('change')
  }
}

/** The sender that carries (or can carry) our track of `kind` to this peer. */
function senderFor(pc: RTCPeerConnection, kind: MediaKind): RTCRtpSender | undefined {
  for (const transceiver of pc.getTransceivers()) {
    if (transceiver.currentDirection === 'stopped') continue
    const { sender } = transceiver
    if (sender.track?.kind === kind) return sender
    if (
      sender.track === null &&
      transceiver.receiver.track.kind === kind &&
      transceiver.direction.includes('send')
    ) {
      return sender
    }
  }
  return undefined
}

function toCandidate(candidate: RTCIceCandidate): IceCandidate {
  return {
    candidate: candidate.candidate,
    sdpMid: candidate.sdpMid,
    sdpMLineIndex: candidate.sdpMLineIndex,
    usernameFragment: candidate.usernameFragment
  }
}
