/**
 * One connection to one remote peer, owning everything about it: its RTCPeerConnection, the "perfect negotiation"
 * exactly as webrtc/samples `perfect-negotiation/js/peer.js` does it (`makingOffer`, `ignoreOffer`, politeness by
 * comparing ids, `setLocalDescription()` without arguments), the queue of candidates that arrive before any
 * remote description, the ICE watchdog and restarts, and the encoding limits and start bitrate of its video
 * sender. The caller offers as soon as it is made; the other side is made as soon as the peer is known and waits
 * for that offer. A transport (the mesh) only creates, feeds and closes these; nothing outside mutates them.
 */
import { createLogger } from '../../../shared/logger'
import type { IceCandidate, SessionDescription, SignalMessage, SignalRequest } from '../../../shared/protocol'
import { withStartBitrate } from './sdp'
import type { PeerConnectionState } from './types'
import type { VideoLadderStep } from './video-ladder'

const log = createLogger('peer-connection')

/** Where the video we send starts before bandwidth estimation (at most the ladder's bitrate): a LAN carries it. */
const START_BITRATE_KBPS = 1_000

export type MediaKind = 'audio' | 'video'

export type { VideoLadderStep } from './video-ladder'

/** Politeness must be decided the same way on both sides and differ between them. */
export function isPolite(selfId: string, remoteId: string): boolean {
  return selfId < remoteId
}

/** Timings of the ICE watchdog; see PeerConnectionOptions. */
export interface IceWatchdogOptions {
  /** How long a connection may stay 'disconnected' before an ICE restart is tried (default 4 s). */
  disconnectedGraceMs?: number
  /** ICE restarts tried after a failure before the connection is reported 'failed' (default 3). */
  maxIceRestarts?: number
  /**
   * A connection not up this long after it was created (or after an ICE restart) gets an ICE restart (default
   * 8 s on the impolite side, twice that on the polite side so both do not restart at once). Chromium can leave
   * ICE gathering stuck when an offer is rolled back mid-gathering; a restart gathers afresh.
   */
  connectTimeoutMs?: number
}

export interface PeerConnectionOptions extends IceWatchdogOptions {
  selfId: string
  remoteId: string
  /** Delivers a signal to the remote peer; false when it could not be sent (logged; negotiation goes on). */
  send: (request: SignalRequest) => boolean
  iceServers: RTCIceServer[]
  /** The tracks we send now (null: none of that kind yet), all in `stream` so the remote side sees one stream. */
  tracks: Record<MediaKind, MediaStreamTrack | null>
  stream: MediaStream
  /**
   * We start the negotiation and offer at once; without a track of some kind we still offer to receive it. The
   * other side (false) is made as soon as the peer is known and waits for that offer instead of making its own.
   */
  initiator: boolean
  /** The video encoding limits to apply once the sender has encodings. */
  ladder: VideoLadderStep
  /** Called after the connection state changed or the remote stream got a track. */
  onChange: () => void
}

export class PeerConnection {
  readonly remoteId: string
  readonly pc: RTCPeerConnection
  readonly polite: boolean
  /** Settles once our first offer is on its way (or could not be made); at once on the side that waits for one. */
  readonly offerSent: Promise<void>
  private remoteStream: MediaStream | null = null
  private currentState: PeerConnectionState = 'connecting'
  // Perfect negotiation state, named as in the webrtc/samples peer.js.
  private makingOffer = false
  private ignoreOffer = false
  private isSettingRemoteAnswerPending = false
  /**
   * The answering side of a first negotiation: our own negotiationneeded is ignored until the remote offer has
   * been applied (it covers our tracks, whose transceivers it reuses). Two offers crossing would cost a rollback.
   */
  private awaitingOffer: boolean
  /** Candidates that arrived before any remote description: addIceCandidate would reject them. */
  private pendingCandidates: RTCIceCandidateInit[] = []
  private everConnected = false
  private iceRestarts = 0
  private disconnectedTimer: ReturnType<typeof setTimeout> | undefined
  private connectTimer: ReturnType<typeof setTimeout> | undefined
  private closed = false
  private ladder: VideoLadderStep
  /** What the video sender's encoding was last set to (or found at), so unchanged steps cost no call. */
  private appliedLadder: { sender: RTCRtpSender; maxBitrate: number; scale: number } | null = null
  private readonly send: PeerConnectionOptions['send']
  private readonly onChange: () => void
  private readonly disconnectedGraceMs: number
  private readonly maxIceRestarts: number
  private readonly connectTimeoutMs: number

  constructor(options: PeerConnectionOptions) {
    this.remoteId = options.remoteId
    this.polite = isPolite(options.selfId, options.remoteId)
    this.send = options.send
    this.onChange = options.onChange
    this.ladder = options.ladder
    this.disconnectedGraceMs = options.disconnectedGraceMs ?? 4_000
    this.maxIceRestarts = options.maxIceRestarts ?? 3
    this.connectTimeoutMs = options.connectTimeoutMs ?? 8_000
    this.awaitingOffer = !options.initiator
    const pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      // One transport for audio and video: half the candidates to gather, signal and check.
      bundlePolicy: 'max-bundle'
    })
    this.pc = pc

    pc.onnegotiationneeded = () => {
      if (this.awaitingOffer || this.makingOffer || pc.signalingState !== 'stable') return
      void this.makeOffer()
    }
    pc.onicecandidate = ({ candidate }) => {
      this.signal({ to: this.remoteId, candidate: candidate === null ? null : toCandidate(candidate) })
    }
    pc.ontrack = ({ track }) => {
      this.remoteStream ??= new MediaStream()
      if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track)
      this.onChange()
    }
    pc.onconnectionstatechange = () => this.onConnectionState()
    pc.onsignalingstatechange = () => {
      // A negotiation in flight can make setParameters fail; it is tried again once the negotiation completed.
      if (pc.signalingState === 'stable') void this.applyLadder()
    }

    // Our tracks go in now, so negotiationneeded fires and the first offer carries them. addTrack (rather than
    // addTransceiver) lets a remote offer that crosses ours reuse these transceivers instead of adding more.
    for (const kind of ['audio', 'video'] as const) {
      const track = options.tracks[kind]
      if (track !== null) pc.addTrack(track, options.stream)
      else if (options.initiator) {
        // Without a camera or microphone the caller still offers to receive that kind, and keeps a sender ready
        // so a device plugged in later goes out through replaceTrack.
        pc.addTransceiver(kind, { direction: 'sendrecv', streams: [options.stream] })
      }
    }
    // The caller offers now rather than on negotiationneeded: that event is a task queued behind whatever the
    // page does next (rendering the call view on a join), and the offer is created off the main thread meanwhile.
    // In a microtask, so that connections made together (a join into a room of several) are all built before the
    // WebRTC thread gets busy with the first offer: building one then blocks the page on that thread (addTrack
    // waited 17 ms a call in a traced 4-person join).
    this.offerSent = options.initiator
      ? new Promise((resolve) => queueMicrotask(() => void this.makeOffer().then(resolve)))
      : Promise.resolve()
    this.armConnectTimer()
  }

  /** How the connection is doing, as the UI shows it. */
  get state(): PeerConnectionState {
    return this.currentState
  }

  /** The remote tracks as one stream; null until the first track arrives. */
  get stream(): MediaStream | null {
    return this.remoteStream
  }

  /** Handles an offer, answer or candidate from the remote peer (perfect negotiation, as peer.js). */
  async handleSignal(message: SignalMessage): Promise<void> {
    if (this.closed) return
    const { pc } = this
    const { description, candidate } = message
    try {
      if (description !== undefined) {
        const readyForOffer =
          !this.makingOffer && (pc.signalingState === 'stable' || this.isSettingRemoteAnswerPending)
        const offerCollision = description.type === 'offer' && !readyForOffer
        this.ignoreOffer = !this.polite && offerCollision
        if (this.ignoreOffer) {
          log.debug('ignored a colliding offer (impolite side)', { peer: this.remoteId })
          return
        }
        this.isSettingRemoteAnswerPending = description.type === 'answer'
        await pc.setRemoteDescription(this.startingFast(description)) // SRD rolls back as needed
        this.isSettingRemoteAnswerPending = false
        this.awaitingOffer = false
        // The answer before the early candidates: they are of no use until our answer is made (gathering and
        // checks start with it), and adding them first made the answer wait for each (traced: 100 ms in a
        // 3-person join on a loaded machine).
        if (description.type === 'offer') {
          await pc.setLocalDescription()
          this.sendDescription()
        }
        await this.flushCandidates()
      } else if (candidate !== undefined && candidate !== null) {
        if (pc.remoteDescription === null) {
          this.pendingCandidates.push(candidate)
          return
        }
        try {
          await pc.addIceCandidate(candidate)
        } catch (error) {
          if (!this.ignoreOffer) throw error
        }
      }
    } catch (error) {
      if (!this.closed) log.error('signal handling failed', { peer: this.remoteId, error: String(error) })
    }
  }

  /**
   * Sends `track` as our track of its kind through `RTCRtpSender.replaceTrack` (no renegotiation). Only when there
   * is no sender of that kind at all (we had no camera when this connection was made) is the track added, which
   * does renegotiate.
   */
  async setTrack(kind: MediaKind, track: MediaStreamTrack | null, stream: MediaStream): Promise<void> {
    if (this.closed) return
    const sender = senderFor(this.pc, kind)
    try {
      if (sender !== undefined) await sender.replaceTrack(track)
      else if (track !== null) this.pc.addTrack(track, stream)
    } catch (error) {
      log.error('replaceTrack failed', { peer: this.remoteId, kind, error: String(error) })
    }
  }

  /** Applies new video encoding limits now (and again after every negotiation). */
  setLadder(step: VideoLadderStep): Promise<void> {
    this.ladder = step
    return this.applyLadder()
  }

  /**
   * Restarts ICE now if the connection is not up (its media stopped, or never started): called when signaling is
   * back after an outage, during which the offers of any restart were lost. A connection that is up is left
   * alone, so a call whose media flowed through the outage renegotiates nothing.
   */
  restartIfDown(): void {
    if (this.closed || this.pc.connectionState === 'connected') return
    log.info('signaling is back and the connection is down: restarting ICE', { peer: this.remoteId })
    this.iceRestarts = 0
    if (this.pc.signalingState === 'have-local-offer') {
      // An offer made meanwhile (a restart) never arrived, and no new one can be made until it is answered.
      this.sendDescription()
      this.armConnectTimer()
      return
    }
    this.restartIce()
  }

  /** Closes the connection; the remote tracks end. It cannot be used again. */
  close(): void {
    this.closed = true
    clearTimeout(this.disconnectedTimer)
    clearTimeout(this.connectTimer)
    const { pc } = this
    pc.onnegotiationneeded = null
    pc.onicecandidate = null
    pc.ontrack = null
    pc.onconnectionstatechange = null
    pc.onsignalingstatechange = null
    pc.close()
    for (const track of this.remoteStream?.getTracks() ?? []) track.stop()
  }

  private setState(state: PeerConnectionState): void {
    this.currentState = state
    this.onChange()
  }

  private onConnectionState(): void {
    const { pc } = this
    clearTimeout(this.disconnectedTimer)
    switch (pc.connectionState) {
      case 'new':
      case 'connecting':
        this.setState(this.everConnected ? 'reconnecting' : 'connecting')
        break
      case 'connected':
        clearTimeout(this.connectTimer)
        this.everConnected = true
        this.iceRestarts = 0
        this.setState('connected')
        void this.applyLadder()
        break
      case 'disconnected':
        // Often transient (a Wi-Fi hiccup); restart ICE only if it does not come back by itself.
        this.disconnectedTimer = setTimeout(() => {
          if (!this.closed && pc.connectionState === 'disconnected') this.restartIce()
        }, this.disconnectedGraceMs)
        this.setState('reconnecting')
        break
      case 'failed':
        this.restartIce()
        break
      case 'closed':
        break
    }
  }

  private restartIce(): void {
    if (this.iceRestarts >= this.maxIceRestarts) {
      log.warn('connection failed, giving up', { peer: this.remoteId })
      this.setState('failed')
      return
    }
    this.iceRestarts += 1
    log.info('restarting ICE', { peer: this.remoteId, attempt: this.iceRestarts })
    if (this.awaitingOffer) {
      // The offer we waited for never came (nothing negotiated yet): make one ourselves.
      this.awaitingOffer = false
      void this.makeOffer()
    } else this.pc.restartIce()
    this.armConnectTimer()
    this.setState(this.everConnected ? 'reconnecting' : 'connecting')
  }

  /** Restarts ICE if the connection is not up in time (see `connectTimeoutMs`). */
  private armConnectTimer(): void {
    clearTimeout(this.connectTimer)
    const wait = this.polite ? this.connectTimeoutMs * 2 : this.connectTimeoutMs
    this.connectTimer = setTimeout(() => {
      if (this.closed || this.pc.connectionState === 'connected') return
      log.warn('connection not up in time, restarting ICE', {
        peer: this.remoteId,
        ice: this.pc.iceConnectionState,
        gathering: this.pc.iceGatheringState
      })
      this.restartIce()
    }, wait)
  }

  /**
   * The remote description with a start bitrate for the video we send (sdp.ts): in a page-to-page loopback at
   * 1280×720, the first frame came after 250-306 ms at Chromium's default start and 134-254 ms at 1 Mbit/s, and
   * it was 1280 wide instead of 320-480.
   */
  private startingFast(description: SessionDescription): RTCSessionDescriptionInit {
    const kbps = Math.min(START_BITRATE_KBPS, Math.round(this.ladder.maxBitrate / 1000))
    // Only for full 720p: at 640×360 the default start shows no such drop (first frame in 107-160 ms in the same
    // loopback), and in a room of four a faster start adds encoding work when the setup is most CPU-bound.
    const full = this.ladder.scaleResolutionDownBy === 1
    const sdp =
      description.sdp === undefined || !full ? description.sdp : withStartBitrate(description.sdp, kbps)
    return { type: description.type, ...(sdp === undefined ? {} : { sdp }) }
  }

  /** Perfect negotiation's offer, as peer.js makes it on negotiationneeded. */
  private async makeOffer(): Promise<void> {
    if (this.closed) return
    try {
      this.makingOffer = true
      await this.pc.setLocalDescription()
      this.sendDescription()
    } catch (error) {
      if (!this.closed) log.error('could not make an offer', { peer: this.remoteId, error: String(error) })
    } finally {
      this.makingOffer = false
    }
  }

  private async flushCandidates(): Promise<void> {
    const queued = this.pendingCandidates
    this.pendingCandidates = []
    // All at once: the connection applies them in order, without a round trip to the page between them.
    await Promise.all(
      queued.map((candidate) =>
        this.pc.addIceCandidate(candidate).catch((error: unknown) => {
          // A candidate of an offer we ignored, or of an older ICE generation.
          log.debug('dropped a queued candidate', { peer: this.remoteId, error: String(error) })
        })
      )
    )
  }

  private sendDescription(): void {
    const local = this.pc.localDescription
    if (local === null) return
    const description: SessionDescription = { type: local.type, sdp: local.sdp }
    this.signal({ to: this.remoteId, description })
  }

  private signal(request: SignalRequest): void {
    if (this.send(request) === false) log.debug('signal not sent: not connected', { to: request.to })
  }

  private async applyLadder(): Promise<void> {
    if (this.closed) return
    const sender = senderFor(this.pc, 'video')
    if (sender === undefined) return
    const step = this.ladder
    // Screen content keeps its full resolution: text must stay readable, a lower frame rate is the better trade.
    const scale =
      sender.track?.contentHint === 'detail' || sender.track?.contentHint === 'text'
        ? 1
        : step.scaleResolutionDownBy
    const applied = this.appliedLadder
    // getParameters blocks the page until the WebRTC thread answers, which during a setup is busy with offers
    // and answers: 27 calls took 107 ms of the joiner's main thread in a traced 4-person setup. Ask only when
    // the encoding should change.
    if (applied?.sender === sender && applied.maxBitrate === step.maxBitrate && applied.scale === scale)
      return
    // A bitrate cap alone waits until the connection is up: nothing is sent before, and the start bitrate is
    // below every step's cap. The answer the joiner of a 3-person room applied waited for another connection's
    // getParameters and setParameters on the WebRTC thread (traced: 13 ms blocked, then 160 ms queued).
    const appliedScale = applied?.sender === sender ? applied.scale : 1
    if (this.pc.connectionState !== 'connected' && scale === appliedScale) return
    const parameters = sender.getParameters()
    const encoding = parameters.encodings?.[0]
    if (encoding === undefined) return
    const done = { sender, maxBitrate: step.maxBitrate, scale }
    if (encoding.maxBitrate === step.maxBitrate && (encoding.scaleResolutionDownBy ?? 1) === scale) {
      this.appliedLadder = done
      return
    }
    encoding.maxBitrate = step.maxBitrate
    encoding.scaleResolutionDownBy = scale
    try {
      await sender.setParameters(parameters)
      this.appliedLadder = done
    } catch (error) {
      // A negotiation in flight can invalidate the parameters; the next stable state applies them again.
      log.debug('setParameters failed', { peer: this.remoteId, error: String(error) })
    }
  }
}

/** The sender that carries (or can carry) our track of `kind` on this connection. */
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
