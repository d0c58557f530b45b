/**
 * One person's call: the signaling connection, the room, the media transport, local media and the chat, as one
 * immutable CallState the UI renders. The UI calls the methods; everything that happens (peers joining, tracks
 * arriving, the host ending the room) arrives as a new state.
 */
import type { JoinAddress } from '../../../shared/join-address'
import { createLogger } from '../../../shared/logger'
import type {
  ChatMessage,
  JoinRequest,
  JoinResult,
  Peer,
  PeerUpdate,
  Reaction,
  ReactionMessage,
  SignalMessage
} from '../../../shared/protocol'
import type { qualityOf } from './connection-stats'
import type { StatsPoller } from './connection-stats'
import type { BoardChannel } from './board-channel'
import { Emitter } from './emitter'
import { LocalMedia } from './local-media'
import type { LocalMediaOptions } from './local-media'
import { err, ok } from './result'
import type { Result } from './result'
import { SignalingClient } from './signaling-client'
import { SpeakerStore } from './speaker-store'
import type { SignalingClientOptions } from './signaling-client'
import type { MediaTransport, TransportFactory } from './transport'
import type {
  CallError,
  CallState,
  ChatEntry,
  ConnectionStats,
  Participant,
  ReactionEntry,
  ServerConnectionState,
  SystemEvent
} from './types'

const log = createLogger('call')

export interface CallOptions {
  /** A client to use (tests), or options for the one the Call creates. */
  signaling?: SignalingClient | SignalingClientOptions
  /** Local media to use (tests), or options for the one the Call creates. */
  media?: LocalMedia | LocalMediaOptions
  /**
   * Makes the media transport of each room entered (default: the peer mesh, without STUN/TURN, for a LAN, loaded
   * when the lobby connects: the startup bundle does not carry it).
   */
  transport?: TransportFactory
}

/** How long a reaction shows over its sender's tile. */
export const REACTION_MS = 4_000

/** Fetches a module once and shares it; a failed fetch (the page's server gone) is tried again by the next call. */
function fetchedOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null
  return () => {
    loading ??= load()
    loading.catch(() => (loading = null))
    return loading
  }
}

/** The stats reader, needed only in a call: fetched with the transport. */
const loadStatsModule = fetchedOnce(() => import('./connection-stats'))

/** The default transport, fetched once: the peer mesh and its negotiation code are not needed to show the lobby. */
const loadMeshTransport = fetchedOnce(() =>
  import('./mesh-transport').then((module) => module.meshTransport())
)

/** The longest the call view waits for our offers on entering a room (see `enterRoom`). */
const OFFER_HOLD_MS = 500

/** How many chat entries the state keeps; older ones scroll away. */
export const MAX_CHAT_ENTRIES = 500

const INITIAL_STATE: CallState = Object.freeze({
  phase: 'lobby',
  server: 'idle',
  self: null,
  room: null,
  participants: [],
  chat: [],
  rooms: [],
  reactions: [],
  boardOpen: false,
  boardViewers: [],
  error: null,
  notice: null
})

export class Call {
  readonly media: LocalMedia
  /** Who is talking in the room, sampled while in a room (a store of its own: it changes more often). */
  readonly speakers = new SpeakerStore()
  private readonly client: SignalingClient
  private readonly emitter = new Emitter<{ change: (state: CallState) => void }>()
  private readonly givenTransport: TransportFactory | undefined
  /** The transport factory once loaded; set before any room is entered. */
  private makeTransport: TransportFactory | null = null
  /** Reads every connection's stats while in a room; made when the transport is loaded. */
  private stats: StatsPoller | null = null
  private qualityOf: typeof qualityOf | null = null
  private reactionCounter = 0
  private reactionTimer: ReturnType<typeof setTimeout> | undefined
  private current: CallState = INITIAL_STATE
  private transport: MediaTransport | null = null
  private systemCounter = 0
  /** The last media state sent with `peer:update`, and the request carrying it. */
  private announced: string | null = null
  private announcing: Promise<void> = Promise.resolve()
  private readonly unsubscribers: (() => void)[] = []
  /** Stops sampling who is talking (started with each transport). */
  private stopSpeakers: (() => void) | null = null
  /** While set, state changes are kept but not emitted, until it settles (see `enterRoom`). */
  private held: Promise<void> | null = null

  constructor(options: CallOptions = {}) {
    this.client =
      options.signaling instanceof SignalingClient
        ? options.signaling
        : new SignalingClient(options.signaling)
    this.media = options.media instanceof LocalMedia ? options.media : new LocalMedia(options.media)
    this.givenTransport = options.transport
    this.listen()
  }

  get state(): CallState {
    return this.current
  }

  /** The RTCPeerConnection carrying a participant's media, for diagnostics (stats); undefined when none. */
  connectionTo(peerId: string): RTCPeerConnection | undefined {
    return this.transport?.connection(peerId)
  }

  subscribe(listener: (state: CallState) => void): () => void {
    return this.emitter.on('change', listener)
  }

  /** Connects to a Moim server and lists its rooms (the lobby). */
  async connect(server: JoinAddress): Promise<Result<void>> {
    this.closeTransport()
    this.update({ ...INITIAL_STATE, server: 'connecting', chat: [] })
    // Fetched while the user fills the lobby in, so a join does not wait for it.
    void this.loadTransport().catch(() => undefined)
    const connected = await this.client.connect(server)
    if (!connected.ok) {
      this.update({ server: 'closed', error: connected.error })
      return connected
    }
    const rooms = await this.client.listRooms()
    this.update({ server: 'connected', rooms: rooms.ok ? rooms.value : [], error: null })
    return ok()
  }

  /**
   * Joins a room: starts local media if needed (a missing camera or a denied permission still joins,
   * receive-only), connects to every peer, announces our audio/video state and loads the recent chat. The join is
   * sent without waiting for the camera to open.
   */
  async join(request: JoinRequest): Promise<Result<void>> {
    if (this.current.phase === 'in-call' || this.current.phase === 'joining') {
      return this.fail('already-in-room', 'You are already in a room; leave it first.')
    }
    if (this.client.state !== 'connected') return this.fail('disconnected', 'Connect to a Moim server first.')
    this.update({ phase: 'joining', error: null })
    try {
      await this.loadTransport()
    } catch (error) {
      log.warn('could not load the media transport', { error: String(error) })
      const failed: CallError = { code: 'disconnected', message: 'The call could not be loaded.' }
      this.update({ phase: 'lobby', error: failed })
      return { ok: false, error: failed }
    }
    // Already started by the lobby's preview in the usual case; an invite link that joins at once opens the
    // camera while the join is in flight. The room is entered as soon as the join is answered (a peer joining
    // while a permission prompt is open must not be missed); tracks that open later go out via replaceTrack.
    const media = this.media.start()
    const joined = await this.client.join(request)
    if (!joined.ok) {
      this.update({ phase: 'lobby', error: joined.error })
      return joined
    }
    this.enterRoom(joined.value, true)
    // Resolved once our media is known too, so `self` then says what we send.
    await media
    await this.announce(true)
    return ok()
  }

  /** Leaves the room and goes back to the lobby of the same server. */
  async leave(): Promise<void> {
    if (this.current.phase !== 'in-call' && this.current.phase !== 'joining') return
    this.closeTransport()
    this.update({
      phase: 'lobby',
      self: null,
      room: null,
      participants: [],
      chat: [],
      reactions: [],
      boardOpen: false,
      boardViewers: [],
      error: null,
      notice: null
    })
    if (this.client.state === 'connected') {
      await this.client.leave()
      const rooms = await this.client.listRooms()
      if (rooms.ok) this.update({ rooms: rooms.value })
    }
  }

  /** Sends a chat message to the room. The text is plain text; the UI must render it as text. */
  async sendChat(text: string): Promise<Result<void>> {
    if (this.current.phase !== 'in-call') return this.fail('not-in-room', 'Join a room to chat.')
    if (text.trim() === '') return err('invalid', 'The message is empty.')
    const sent = await this.client.sendChat(text)
    if (!sent.ok) {
      this.update({ error: sent.error })
      return sent
    }
    this.addChat({ kind: 'message', message: sent.value, self: true })
    return ok()
  }

  /** Raises or lowers our hand; the others see it until we lower it (it is not lowered for us). */
  async setHand(raised: boolean): Promise<Result<void>> {
    if (this.current.phase !== 'in-call') return this.fail('not-in-room', 'Join a room first.')
    const result = await this.client.setHand(raised)
    if (!result.ok) {
      this.update({ error: result.error })
      return result
    }
    // A refusal of an earlier press (rate-limited) is old news once one goes through.
    this.update({ self: result.value, ...this.clearedRefusal() })
    return ok()
  }

  /** Sends a reaction to the room; it shows over our own tile too. */
  async sendReaction(emoji: Reaction): Promise<Result<void>> {
    if (this.current.phase !== 'in-call') return this.fail('not-in-room', 'Join a room first.')
    const sent = await this.client.sendReaction(emoji)
    if (!sent.ok) {
      this.update({ error: sent.error })
      return sent
    }
    const self = this.current.self
    if (this.current.error?.code === 'rate-limited') this.update(this.clearedRefusal())
    if (self !== null) this.addReaction(self.id, emoji)
    return ok()
  }

  /** Clears a `rate-limited` error left by an earlier hand or reaction; other errors stay. */
  private clearedRefusal(): Partial<CallState> {
    return this.current.error?.code === 'rate-limited' ? { error: null } : {}
  }

  /** The whiteboard's connection: the board's code (loaded only when it opens) talks through it. */
  get board(): BoardChannel {
    return this.client
  }

  /** Opens or closes the board for us; the others see who has it open (`boardViewers`). */
  setBoardOpen(open: boolean): void {
    if (this.current.phase !== 'in-call' || open === this.current.boardOpen) return
    this.update({ boardOpen: open })
    this.client.boardSend('board:open', { open })
  }

  async setMuted(muted: boolean): Promise<void> {
    this.media.setMuted(muted)
    await this.announce()
  }

  async setCameraOff(off: boolean): Promise<void> {
    this.media.setCameraOff(off)
    await this.announce()
  }

  /** Shares the screen instead of the camera; resolves false if the user cancelled the picker. */
  async startScreenShare(): Promise<boolean> {
    const started = await this.media.startScreenShare()
    if (started) await this.announce()
    return started
  }

  async stopScreenShare(): Promise<void> {
    await this.media.stopScreenShare()
    await this.announce()
  }

  /** Leaves everything: connections closed, devices released, listeners dropped. */
  dispose(): void {
    this.closeTransport()
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe()
    this.media.setTrackHook(null)
    this.media.stop()
    this.client.dispose()
    this.emitter.clear()
  }

  private listen(): void {
    const c = this.client
    this.unsubscribers.push(
      c.on('state', (state, error) => this.onServerState(state, error)),
      c.on('rooms:changed', (rooms) => this.update({ rooms })),
      c.on('peer:joined', (peer) => this.onPeerJoined(peer)),
      c.on('peer:left', ({ id }) => this.onPeerLeft(id)),
      c.on('peer:updated', (peer) => this.onPeerUpdated(peer)),
      c.on('signal', (message) => this.onSignal(message)),
      c.on('chat:message', (message) => this.onChat(message)),
      c.on('reaction', (message) => this.onReaction(message)),
      c.on('rejoined', (result, resumed) => this.onRejoined(result, resumed)),
      c.on('board:open', ({ from, open }) => this.onBoardOpen(from, open)),
      c.on('board:cleared', ({ name }) => {
        if (this.current.phase === 'in-call')
          this.addSystem(`${name} cleared the whiteboard.`, { type: 'board-cleared', name })
      }),
      // Our state follows the media (a camera unplugged with no other left turns video off for the others too).
      this.media.subscribe(() => void this.announce())
    )
  }

  /** The transport factory and the stats reader, fetched once (the first connect starts it). */
  private async loadTransport(): Promise<TransportFactory> {
    if (this.makeTransport !== null) return this.makeTransport
    const [factory, kit] = await Promise.all([
      this.givenTransport !== undefined ? Promise.resolve(this.givenTransport) : loadMeshTransport(),
      loadStatsModule()
    ])
    this.stats ??= new kit.StatsPoller(
      () => this.liveConnections(),
      (stats) => this.onStats(stats)
    )
    this.qualityOf = kit.qualityOf
    this.makeTransport = factory
    return factory
  }

  private enterRoom(result: JoinResult, first: boolean): void {
    this.closeTransport()
    // join() loaded it before sending the join, and a rejoin follows a join.
    const makeTransport = this.makeTransport as TransportFactory
    const transport = makeTransport({
      selfId: result.self.id,
      send: (request) => this.client.signal(request),
      tracks: { audio: this.media.audioTrack, video: this.media.videoTrack }
    })
    this.transport = transport
    this.media.setTrackHook((kind, track) => transport.replaceTrack(kind, track))
    transport.subscribe(() => this.syncTransport())
    void this.sampleSpeakers(transport)
    // Offers first, and the new state (which renders the call view) only once they are on their way: the offers
    // are made off the main thread, but each is sent from a main-thread task, and rendering the call view takes
    // that thread for 100-200 ms on a loaded 2-core machine (traced: a 3-person join's offers left 160 ms after
    // they were started, held up by the render). The state is current at once (signals are checked against it).
    // A peer whose connection to the server is down cannot get an offer now; it calls us when it resumes.
    const offers = Promise.all(
      result.peers.map((peer) =>
        peer.reconnecting ? transport.expectPeer(peer.id) : transport.addPeer(peer.id)
      )
    )
    this.holdUntil(offers)
    const participants: Participant[] = result.peers.map((peer) => newParticipant(peer))
    const history: ChatEntry[] = first
      ? result.history.map((message) => ({ kind: 'message', message, self: false }))
      : this.current.chat
    this.update({
      phase: 'in-call',
      self: result.self,
      room: result.room,
      participants,
      chat: history,
      reactions: [],
      // Ours stays as it was across a rejoin (and is told again); the others tell theirs again.
      boardOpen: first ? false : this.current.boardOpen,
      boardViewers: [],
      error: null
    })
    this.stats?.start()
    if (first)
      this.addSystem(`You joined ${result.room.name}.`, { type: 'self-joined', room: result.room.name })
    else {
      this.addSystem('Your place in the call could not be kept, so you joined again.', {
        type: 'rejoined-afresh'
      })
      this.update({ notice: 'rejoined-afresh' })
    }
  }

  /**
   * Back in the room as the same peer after a dropped connection: the transport and every RTCPeerConnection are
   * kept (media may have flowed all along). Peers that left meanwhile are removed, those that came meanwhile are
   * called, and the chat we missed is added.
   */
  private resumeRoom(result: JoinResult): void {
    const transport = this.transport
    if (transport === null) return
    const now = new Map(result.peers.map((peer) => [peer.id, peer]))
    for (const gone of this.current.participants.filter((p) => !now.has(p.peer.id))) {
      transport.removePeer(gone.peer.id)
      this.addSystem(`${gone.peer.name} left.`, { type: 'left', name: gone.peer.name })
    }
    // ICE restarts a connection tried while we could not signal were lost; a connection still down tries again.
    transport.signalingRestored()
    const known = new Map(this.current.participants.map((p) => [p.peer.id, p]))
    const participants: Participant[] = result.peers.map((peer) => {
      const existing = known.get(peer.id)
      return existing === undefined ? { peer, stream: null, connection: 'connecting' } : { ...existing, peer }
    })
    // A newcomer's offer to us was lost while we were away: we call it (perfect negotiation settles a crossing).
    for (const peer of result.peers) if (!known.has(peer.id)) transport.addPeer(peer.id)
    this.update({ self: result.self, room: result.room, participants, notice: null, error: null })
    for (const peer of result.peers) {
      if (!known.has(peer.id)) this.addSystem(`${peer.name} joined.`, { type: 'joined', name: peer.name })
    }
    for (const message of result.history) this.addChat({ kind: 'message', message, self: false })
    this.addSystem('Reconnected to the room.', { type: 'rejoined' })
    this.syncTransport()
  }

  private onServerState(state: ServerConnectionState, error: CallError | null): void {
    if (state === 'closed' && error !== null) {
      // The host ended the room, or the connection could not be restored: the call is over. Someone who was only
      // in the lobby (refused as full, say) had no call to end: they stay in the lobby, which says what happened.
      const inRoom = this.current.phase === 'in-call' || this.current.phase === 'joining'
      this.closeTransport()
      this.update({
        server: 'closed',
        phase: inRoom ? 'ended' : this.current.phase,
        participants: [],
        error
      })
      return
    }
    if (state === 'reconnecting' && this.current.phase === 'in-call') {
      this.addSystem('Connection to the server lost; reconnecting…', { type: 'reconnecting' })
    }
    this.update({ server: state })
  }

  private onRejoined(result: Result<JoinResult>, resumed: boolean): void {
    if (this.current.phase !== 'in-call') return
    if (!result.ok) {
      this.closeTransport()
      this.update({ phase: 'ended', participants: [], error: result.error })
      return
    }
    if (resumed) this.resumeRoom(result.value)
    // Joined afresh: a new peer id, the others dropped our old connections, so the transport starts over.
    else this.enterRoom(result.value, false)
    void this.announce(true)
    if (this.current.boardOpen) this.client.boardSend('board:open', { open: true })
  }

  private onBoardOpen(from: string, open: boolean): void {
    const others = this.current.boardViewers.filter((id) => id !== from)
    // Only people of our room; a repeat (sent again for a newcomer) changes nothing.
    if (
      !this.current.participants.some((p) => p.peer.id === from) ||
      open === others.length < this.current.boardViewers.length
    )
      return
    this.update({ boardViewers: open ? [...others, from] : others })
  }

  private onPeerJoined(peer: Peer): void {
    if (this.current.phase !== 'in-call' || this.transport === null) return
    if (this.current.participants.some((p) => p.peer.id === peer.id)) return
    // The newcomer calls everyone already here; our connection is made now, while its offer is on the way, and
    // waits for it. One offer per pair keeps joins quick and avoids a Chromium race where a rolled-back offer
    // stalls ICE gathering.
    this.transport.expectPeer(peer.id)
    this.update({
      participants: [...this.current.participants, newParticipant(peer)]
    })
    this.addSystem(`${peer.name} joined.`, { type: 'joined', name: peer.name })
    // The newcomer cannot know who had the board open before it came: tell the room again.
    if (this.current.boardOpen) this.client.boardSend('board:open', { open: true })
  }

  private onPeerLeft(id: string): void {
    const leaving = this.current.participants.find((p) => p.peer.id === id)
    if (leaving === undefined) return
    this.transport?.removePeer(id)
    this.update({
      participants: this.current.participants.filter((p) => p.peer.id !== id),
      boardViewers: this.current.boardViewers.filter((viewer) => viewer !== id)
    })
    this.addSystem(`${leaving.peer.name} left.`, { type: 'left', name: leaving.peer.name })
  }

  private onPeerUpdated(peer: Peer): void {
    if (!this.current.participants.some((p) => p.peer.id === peer.id)) return
    this.update({
      participants: this.current.participants.map((p) => (p.peer.id === peer.id ? { ...p, peer } : p))
    })
  }

  private onSignal(message: SignalMessage): void {
    // Signals only from peers of our room that we know; a late signal from someone who left is dropped.
    if (this.transport === null || !this.current.participants.some((p) => p.peer.id === message.from)) return
    void this.transport.handleSignal(message)
  }

  private onChat(message: ChatMessage): void {
    if (this.current.phase !== 'in-call') return
    this.addChat({ kind: 'message', message, self: message.from === this.current.self?.id })
  }

  private onReaction({ from, emoji }: ReactionMessage): void {
    if (this.current.phase !== 'in-call' || !this.current.participants.some((p) => p.peer.id === from)) return
    this.addReaction(from, emoji)
  }

  private addReaction(from: string, emoji: Reaction): void {
    this.reactionCounter += 1
    const entry: ReactionEntry = { id: `reaction-${this.reactionCounter}`, from, emoji, ts: Date.now() }
    this.update({ reactions: [...this.current.reactions, entry] })
    this.scheduleReactionExpiry()
  }

  /** Drops reactions older than REACTION_MS, then waits for the oldest one left. */
  private scheduleReactionExpiry(): void {
    clearTimeout(this.reactionTimer)
    const oldest = this.current.reactions[0]
    if (oldest === undefined) return
    this.reactionTimer = setTimeout(
      () => {
        const now = Date.now()
        this.update({ reactions: this.current.reactions.filter((r) => now - r.ts < REACTION_MS) })
        this.scheduleReactionExpiry()
      },
      Math.max(0, oldest.ts + REACTION_MS - Date.now())
    )
  }

  private liveConnections(): [string, RTCPeerConnection][] {
    const transport = this.transport
    if (transport === null) return []
    const live: [string, RTCPeerConnection][] = []
    for (const p of this.current.participants) {
      const connection = transport.connection(p.peer.id)
      if (connection !== undefined) live.push([p.peer.id, connection])
    }
    return live
  }

  private onStats(stats: ConnectionStats[]): void {
    const qualityOf = this.qualityOf
    if (this.current.phase !== 'in-call' || qualityOf === null) return
    const byId = new Map(stats.map((entry) => [entry.peerId, entry]))
    this.update({
      participants: this.current.participants.map((p) => {
        const entry = byId.get(p.peer.id)
        if (entry === undefined) return p
        // A camera that is off sends no frames, and a shared screen sends few on purpose (a still page needs
        // none): only a camera's frame rate says something about the connection.
        return { ...p, stats: entry, quality: qualityOf(entry, p.peer.video && !p.peer.screen) }
      })
    })
  }

  private syncTransport(): void {
    const transport = this.transport
    if (transport === null) return
    const byId = new Map(transport.snapshot().map((m) => [m.peerId, m]))
    let changed = false
    const participants = this.current.participants.map((p) => {
      const m = byId.get(p.peer.id)
      if (m === undefined || (m.stream === p.stream && m.connection === p.connection)) return p
      changed = true
      return { ...p, stream: m.stream, connection: m.connection }
    })
    if (changed) this.update({ participants })
  }

  /** What the others should know about our media: sends it with `peer:update` when it differs from `self`. */
  private desiredSelf(): Required<Pick<PeerUpdate, 'audio' | 'video' | 'screen'>> {
    const media = this.media.state
    return {
      audio: this.media.audioTrack !== null && !media.muted,
      video: media.sharingScreen || (this.media.videoTrack !== null && !media.cameraOff),
      screen: media.sharingScreen
    }
  }

  /**
   * Sends our audio/video/screen state with `peer:update` when it differs from what was last sent. Media changes
   * and the explicit setters both land here, so one change sends one update.
   */
  private announce(force = false): Promise<void> {
    if (this.current.phase !== 'in-call') return Promise.resolve()
    const wanted = this.desiredSelf()
    const key = JSON.stringify(wanted)
    if (!force && key === this.announced) return this.announcing
    this.announced = key
    this.announcing = this.client.update(wanted).then((result) => {
      if (result.ok) this.update({ self: result.value })
      else log.warn('peer:update failed', { code: result.error.code })
    })
    return this.announcing
  }

  private addSystem(text: string, event: SystemEvent): void {
    this.systemCounter += 1
    this.addChat({ kind: 'system', id: `system-${this.systemCounter}`, text, ts: Date.now(), event })
  }

  private addChat(entry: ChatEntry): void {
    this.update({ chat: [...this.current.chat, entry].slice(-MAX_CHAT_ENTRIES) })
  }

  /** Samples who is talking while `transport` carries the room; the sampler is loaded on the first room. */
  private async sampleSpeakers(transport: MediaTransport): Promise<void> {
    const { sampleSpeakers } = await import('./active-speaker')
    if (this.transport !== transport) return // left, or rejoined, while it loaded
    this.stopSpeakers = sampleSpeakers(this.speakers, {
      selfId: () => this.current.self?.id ?? null,
      peers: () => this.current.participants.map((p) => p.peer.id),
      connection: (peerId) => transport.connection(peerId),
      muted: () => {
        const muted = new Set(this.current.participants.filter((p) => !p.peer.audio).map((p) => p.peer.id))
        const selfId = this.current.self?.id
        if (selfId !== undefined && this.media.state.muted) muted.add(selfId)
        return muted
      }
    })
  }

  /** Emits no state until `ready` settles (or OFFER_HOLD_MS pass); then the latest state, once. */
  private holdUntil(ready: Promise<unknown>): void {
    const held: Promise<void> = Promise.race([
      ready,
      new Promise((resolve) => setTimeout(resolve, OFFER_HOLD_MS))
    ]).then(() => {
      if (this.held === held) this.release()
    })
    this.held = held
  }

  private release(): void {
    if (this.held === null) return
    this.held = null
    this.emitter.emit('change', this.current)
  }

  private closeTransport(): void {
    this.release()
    this.stopSpeakers?.()
    this.stopSpeakers = null
    this.stats?.stop()
    clearTimeout(this.reactionTimer)
    this.media.setTrackHook(null)
    this.transport?.close()
    this.transport = null
  }

  private fail(code: CallError['code'], message: string): Result<void> {
    const error = { code, message }
    this.update({ error })
    return { ok: false, error }
  }

  private update(changes: Partial<CallState>): void {
    this.current = Object.freeze({ ...this.current, ...changes })
    if (this.held === null) this.emitter.emit('change', this.current)
  }
}

function newParticipant(peer: Peer): Participant {
  return { peer, stream: null, connection: 'connecting', quality: null, stats: null }
}
