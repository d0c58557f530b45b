/**
 * The renderer's side of signaling protocol v1: one Socket.IO connection (websocket only) to a Moim server, every
 * request an ack with a deadline mapped to a Result, and the connection's life (probe, reconnect, host ending the
 * room) reported as ServerConnectionState. After a dropped connection it comes back as the same peer
 * (`room:resume` with the join's token) before sending anything else, or joins afresh when the server cannot
 * resume it.
 */
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import type { JoinAddress } from '../../../shared/join-address'
import { createLogger } from '../../../shared/logger'
import { ERROR_MESSAGES, PROTOCOL_VERSION } from '../../../shared/protocol'
import type {
  Ack,
  BoardSyncResult,
  BoardUpdateRequest,
  ChatMessage,
  ClientToServerEvents,
  ConnectRefusal,
  ErrorCode,
  JoinRequest,
  JoinResult,
  Peer,
  PeerUpdate,
  ResumeRequest,
  Reaction,
  RoomInfo,
  RoomList,
  ServerToClientEvents,
  SignalRequest
} from '../../../shared/protocol'
import { Emitter } from './emitter'
import { err, ok } from './result'
import type { Result } from './result'
import type { CallError, ServerConnectionState } from './types'

const log = createLogger('signaling-client')

export type MoimClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export interface SignalingClientOptions {
  /** Deadline for each request's ack (default 8 s). */
  requestTimeoutMs?: number
  /** Deadline for the `/moim.json` probe and for opening the socket (default 6 s). */
  connectTimeoutMs?: number
  /** Reconnection attempts after the connection drops, before giving up (default 15). */
  reconnectionAttempts?: number
}

/** What a SignalingClient tells its owner, besides the server's own events. */
export type SignalingClientEvents = ServerToClientEvents & {
  /** The connection state changed; `error` says why when it is 'closed' or 'reconnecting' for a reason. */
  state: (state: ServerConnectionState, error: CallError | null) => void
  /**
   * After a reconnection the client is back in its room: `resumed` as the same peer (its `history` is only the
   * chat it missed), or, when the server could not resume it, joined afresh as a new peer (a new id; the others
   * saw it leave and join), or neither (the error).
   */
  rejoined: (result: Result<JoinResult>, resumed: boolean) => void
}

const SERVER_EVENTS = [
  'peer:joined',
  'peer:left',
  'peer:updated',
  'signal',
  'chat:message',
  'reaction',
  'rooms:changed',
  'server:closing',
  'board:update',
  'board:draft',
  'board:cursor',
  'board:open',
  'board:cleared'
] as const satisfies readonly (keyof ServerToClientEvents)[]

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')
}

export class SignalingClient {
  private readonly emitter = new Emitter<SignalingClientEvents>()
  private readonly requestTimeoutMs: number
  private readonly connectTimeoutMs: number
  private readonly reconnectionAttempts: number
  private socket: MoimClientSocket | null = null
  private currentState: ServerConnectionState = 'idle'
  /** The last successful join, replayed after a reconnection when the session cannot be resumed. */
  private joined: JoinRequest | null = null
  /** What resumes the session after a reconnection: the join's token, and the last chat message we have. */
  private session: { token: string; lastMessageId: string | undefined } | null = null
  /** Set when the server announced `server:closing`, so the disconnect that follows is read as the host ending. */
  private hostEnded = false

  constructor(options: SignalingClientOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 8_000
    this.connectTimeoutMs = options.connectTimeoutMs ?? 6_000
    this.reconnectionAttempts = options.reconnectionAttempts ?? 15
  }

  get state(): ServerConnectionState {
    return this.currentState
  }

  on<E extends keyof SignalingClientEvents>(event: E, listener: SignalingClientEvents[E]): () => void {
    return this.emitter.on(event, listener)
  }

  /**
   * Probes `GET <server>/moim.json`, then opens the socket. Tells apart an address where nothing listens
   * ('unreachable'), one that does not answer in time ('timeout') and a web server that is not Moim ('not-moim').
   * The address comes parsed (parseJoinAddress), so its `url` is an http(s) origin already.
   */
  async connect(server: JoinAddress): Promise<Result<void>> {
    const base = server.url
    this.disconnect()
    this.hostEnded = false
    this.setState('connecting', null)

    const probe = await this.probe(base)
    if (!probe.ok) {
      this.setState('closed', probe.error)
      return probe
    }

    const socket: MoimClientSocket = io(base, {
      transports: ['websocket'],
      autoConnect: false,
      reconnection: true,
      reconnectionAttempts: this.reconnectionAttempts,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4_000,
      timeout: this.connectTimeoutMs,
      // A fresh Manager per client: two clients in one page (tests) must not share one connection.
      forceNew: true
    })
    this.socket = socket

    const opened = await new Promise<Result<void>>((resolve) => {
      const onConnect = (): void => {
        socket.off('connect_error', onError)
        resolve(ok())
      }
      const onError = (error: Error & { data?: Partial<ConnectRefusal> }): void => {
        socket.off('connect', onConnect)
        // The server refused this connection after its handshake, and said why.
        const refusal = error.data?.code
        if (refusal !== undefined && refusal in ERROR_MESSAGES) {
          resolve(err(refusal, ERROR_MESSAGES[refusal]))
          return
        }
        resolve(
          err(
            'unreachable',
            `The Moim server at ${base} answered, but its realtime connection could not be opened (${error.message}).`
          )
        )
      }
      socket.once('connect', onConnect)
      socket.once('connect_error', onError)
      socket.connect()
    })
    if (!opened.ok || this.socket !== socket) {
      socket.removeAllListeners()
      socket.disconnect()
      if (this.socket === socket) this.socket = null
      const error = opened.ok
        ? { code: 'disconnected' as const, message: 'Connection replaced.' }
        : opened.error
      this.setState('closed', error)
      return { ok: false, error }
    }
    this.attach(socket)
    this.setState('connected', null)
    log.info('connected', { server: base, id: socket.id })
    return ok()
  }

  /** Closes the connection on purpose: no reconnection, state 'closed' without an error. */
  disconnect(): void {
    if (this.dropSocket()) this.setState('closed', null)
  }

  /** Disconnects and drops every listener. */
  dispose(): void {
    this.disconnect()
    this.emitter.clear()
  }

  join(request: JoinRequest): Promise<Result<JoinResult>> {
    return this.joinRoom(request, false)
  }

  private async joinRoom(request: JoinRequest, duringReconnect: boolean): Promise<Result<JoinResult>> {
    const result = await this.request<JoinResult>((s) => s.emitWithAck('room:join', request), duringReconnect)
    if (result.ok) {
      this.joined = { ...request }
      this.startSession(result.value)
    }
    return result
  }

  async leave(): Promise<Result<void>> {
    this.joined = null
    this.session = null
    const result = await this.request((s) => s.emitWithAck('room:leave'))
    return result.ok ? ok() : result
  }

  async listRooms(): Promise<Result<RoomInfo[]>> {
    const result = await this.request<RoomList>((s) => s.emitWithAck('rooms:list'))
    return result.ok ? ok(result.value.rooms) : result
  }

  /**
   * Relays WebRTC negotiation to a peer, fire and forget: one frame, no ack (the protocol's cheap form of `signal`;
   * a refusal comes back as `signal:refused`, which is logged). False when not connected, and then nothing is sent:
   * Socket.IO would otherwise buffer it and send it ahead of the resume, into no room. A reconnection ends in
   * 'connected' only once resumed (comeBack), so a signal never overtakes the resume.
   */
  signal(request: SignalRequest): boolean {
    const socket = this.socket
    if (socket === null || !socket.connected || this.currentState !== 'connected') return false
    socket.emit('signal', request)
    return true
  }

  async sendChat(text: string): Promise<Result<ChatMessage>> {
    const result = await this.request<{ message: ChatMessage }>((s) => s.emitWithAck('chat:send', { text }))
    if (!result.ok) return result
    this.sawMessage(result.value.message)
    return ok(result.value.message)
  }

  async update(update: PeerUpdate): Promise<Result<Peer>> {
    const result = await this.request<{ self: Peer }>((s) => s.emitWithAck('peer:update', update))
    return result.ok ? ok(result.value.self) : result
  }

  /** Raises or lowers our hand; the answer is our Peer, with `hand` while it is up. */
  async setHand(raised: boolean): Promise<Result<Peer>> {
    const result = await this.request<{ self: Peer }>((s) => s.emitWithAck('hand:set', { raised }))
    return result.ok ? ok(result.value.self) : result
  }

  async sendReaction(emoji: Reaction): Promise<Result<void>> {
    const result = await this.request((s) => s.emitWithAck('reaction:send', { emoji }))
    return result.ok ? ok() : result
  }

  async boardSync(part: number): Promise<Result<BoardSyncResult>> {
    return this.request<BoardSyncResult>((s) => s.emitWithAck('board:sync', { part }))
  }

  async boardUpdate(request: BoardUpdateRequest): Promise<Result<void>> {
    const result = await this.request((s) => s.emitWithAck('board:update', request))
    return result.ok ? ok() : result
  }

  /**
   * Transient board messages (drafts, cursors, presence): sent without an ack; a refusal only costs that message,
   * and comes back as `board:refused`, which is logged.
   */
  boardSend<E extends 'board:draft' | 'board:cursor' | 'board:open'>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0]
  ): void {
    const socket = this.socket
    if (socket === null || this.currentState !== 'connected') return
    // Without an ack, as `signal`: one frame, and a refusal comes back as `board:refused`.
    ;(socket.emit as (event: string, payload: unknown) => void)(event, payload)
  }

  private async probe(base: string): Promise<Result<void>> {
    let response: Response
    try {
      response = await fetch(`${base}/moim.json`, {
        signal: AbortSignal.timeout(this.connectTimeoutMs),
        cache: 'no-store'
      })
    } catch (error) {
      if (isTimeout(error)) {
        return err(
          'timeout',
          `The server at ${base} did not answer within ${this.connectTimeoutMs / 1000} s.`
        )
      }
      // A web server that is not Moim sends no CORS header, which fails the same way as a refused connection.
      // An opaque no-cors request succeeds only if something actually answered.
      const answered = await fetch(`${base}/moim.json`, {
        mode: 'no-cors',
        signal: AbortSignal.timeout(this.connectTimeoutMs),
        cache: 'no-store'
      }).then(
        () => true,
        () => false
      )
      if (answered) return err('not-moim', `The server at ${base} answered, but it is not a Moim server.`)
      return err(
        'unreachable',
        `Nothing answered at ${base}. Check the address and that the host is running.`
      )
    }
    let identity: unknown
    try {
      identity = response.ok ? await response.json() : null
    } catch {
      identity = null
    }
    const app = (identity as { app?: unknown } | null)?.app
    const protocol = (identity as { protocol?: unknown } | null)?.protocol
    if (app !== 'moim') return err('not-moim', `The server at ${base} answered, but it is not a Moim server.`)
    if (protocol !== PROTOCOL_VERSION) {
      return err(
        'not-moim',
        `The Moim server at ${base} speaks protocol ${String(protocol)}; this app speaks ${PROTOCOL_VERSION}. Update the older one.`
      )
    }
    return ok()
  }

  private attach(socket: MoimClientSocket): void {
    for (const event of SERVER_EVENTS) {
      socket.on(event, ((...args: unknown[]) =>
        (this.emitter.emit as (e: string, ...a: unknown[]) => void)(event, ...args)) as never)
    }
    socket.on('signal:refused', ({ to, error }) => {
      // The negotiation with `to` lost a message: its ICE watchdog restarts or drops that connection if it stalls.
      log.warn('a signal was refused', { to, code: error?.code })
    })
    socket.on('board:refused', ({ event, error }) => {
      // A stroke in progress, a pointer position or "board open" the others missed; the next one replaces it.
      log.warn('a board message was refused', { event, code: error?.code })
    })
    // The newest message we have, so a resume asks only for the ones after it.
    socket.on('chat:message', (message) => this.sawMessage(message))
    socket.on('server:closing', ({ reason }) => {
      log.info('server closing', { reason })
      this.hostEnded = true
    })
    socket.on('disconnect', (reason) => {
      if (this.socket !== socket) return
      if (this.hostEnded) {
        this.closeWith({ code: 'host-ended', message: 'The host ended the room.' })
      } else if (reason === 'io server disconnect') {
        this.closeWith({ code: 'disconnected', message: 'The server closed the connection.' })
      } else {
        log.warn('connection lost, reconnecting', { reason })
        this.setState('reconnecting', null)
      }
    })
    socket.io.on('reconnect_failed', () => {
      if (this.socket !== socket) return
      this.closeWith({
        code: 'disconnected',
        message: 'The connection to the server was lost and could not be restored.'
      })
    })
    socket.on('connect', () => {
      // The first 'connect' was awaited in connect(); this one follows a reconnection.
      if (this.socket !== socket || this.currentState !== 'reconnecting') return
      log.info('reconnected', { id: socket.id })
      void this.comeBack(socket)
    })
  }

  /**
   * After a reconnection: resumes the session (the same peer, its seat and connections kept), or joins afresh when
   * the server says it cannot; only then is the state 'connected' again, so nothing else is sent before.
   */
  private async comeBack(socket: MoimClientSocket): Promise<void> {
    const session = this.session
    const again = this.joined
    if (session === null || again === null) {
      this.setState('connected', null)
      return
    }
    const request: ResumeRequest =
      session.lastMessageId === undefined
        ? { token: session.token }
        : { token: session.token, lastMessageId: session.lastMessageId }
    const resumed = await this.request<JoinResult>((s) => s.emitWithAck('room:resume', request), true)
    if (this.socket !== socket) return
    if (resumed.ok) {
      this.startSession(resumed.value, session.lastMessageId)
      this.setState('connected', null)
      log.info('resumed the session', { peer: resumed.value.self.id })
      this.emitter.emit('rejoined', resumed, true)
      return
    }
    log.warn('could not resume the session; joining afresh', { code: resumed.error.code })
    const joined = await this.joinRoom(again, true)
    if (this.socket !== socket) return
    if (!joined.ok) {
      this.joined = null
      this.session = null
    }
    this.setState('connected', null)
    this.emitter.emit('rejoined', joined, false)
  }

  /** Keeps what resumes this session: its token, and the newest message of `result`'s history (or `before`). */
  private startSession(result: JoinResult, before?: string): void {
    this.session = { token: result.token, lastMessageId: result.history.at(-1)?.id ?? before }
  }

  private sawMessage(message: ChatMessage): void {
    if (this.session !== null) this.session.lastMessageId = message.id
  }

  private closeWith(error: CallError): void {
    this.dropSocket()
    this.setState('closed', error)
  }

  /** Forgets the socket and the room, silencing its listeners first; false when there was no socket. */
  private dropSocket(): boolean {
    const socket = this.socket
    this.socket = null
    this.joined = null
    this.session = null
    if (socket === null) return false
    socket.removeAllListeners()
    socket.io.removeAllListeners()
    socket.disconnect()
    return true
  }

  private setState(state: ServerConnectionState, error: CallError | null): void {
    if (state === this.currentState && error === null) return
    this.currentState = state
    this.emitter.emit('state', state, error)
  }

  /**
   * Sends one request with a deadline; ack timeout and protocol errors become a CallError. While the connection
   * is down, or back but not yet resumed, requests fail at once (`duringReconnect` is the resume itself): a
   * request Socket.IO buffered would reach the server before the resume, as someone in no room.
   */
  private async request<T extends object = object>(
    send: (socket: ReturnType<MoimClientSocket['timeout']>) => Promise<Ack<T>>,
    duringReconnect = false
  ): Promise<Result<T>> {
    const socket = this.socket
    if (socket === null || this.currentState === 'closed') {
      return err('disconnected', 'Not connected to a Moim server.')
    }
    if (this.currentState === 'reconnecting' && !duringReconnect) {
      return err('disconnected', 'The connection to the server was lost; reconnecting.')
    }
    let response: Ack<T>
    try {
      response = await send(socket.timeout(this.requestTimeoutMs))
    } catch {
      return err('timeout', `The server did not answer within ${this.requestTimeoutMs / 1000} s.`)
    }
    if (typeof response !== 'object' || response === null)
      return err('invalid', 'The server sent a malformed answer.')
    if (!response.ok) {
      const code: ErrorCode = response.error?.code ?? 'invalid'
      const error: CallError = {
        code,
        message: response.error?.message || ERROR_MESSAGES[code] || 'The request failed.'
      }
      // How long until the same request can succeed, so the UI can say when to try again.
      const retryAfterMs = response.error?.retryAfterMs
      if (code === 'rate-limited' && typeof retryAfterMs === 'number' && retryAfterMs > 0) {
        error.retryAfterMs = retryAfterMs
        error.message = `Too many attempts from your address; try again in ${Math.ceil(retryAfterMs / 1000)} s.`
      }
      // Kept so the UI can say which field is at fault in its own words; the pair comes together or not at all.
      const { field, reason } = response.error ?? {}
      if (typeof field === 'string' && typeof reason === 'string') Object.assign(error, { field, reason })
      return { ok: false, error }
    }
    // The payload is the ack without its `ok` flag.
    const value: Record<string, unknown> = { ...response }
    delete value.ok
    return ok(value as unknown as T)
  }
}
