import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdapter } from '@socket.io/redis-streams-adapter'
import { Redis } from 'ioredis'
import { Server } from 'socket.io'
import type { Socket } from 'socket.io'
import { createLogger } from '../shared/logger'
import type { Logger } from '../shared/logger'
import { ERROR_MESSAGES, LIMITS, MAX_PACKET_BYTES, PROTOCOL_VERSION } from '../shared/protocol'
import { CLIENT_EVENTS } from '../shared/protocol'
import type {
  ChatMessage,
  ClientToServerEvents,
  ClosingReason,
  ConnectRefusal,
  RoomInfo,
  ServerToClientEvents,
  SignalMessage
} from '../shared/protocol'
import {
  chatSendRequestSchema,
  joinRequestSchema,
  peerUpdateSchema,
  signalRequestSchema
} from '../shared/schemas'
import { AddressCounter, boundConnections, capTcpConnections, clientAddress } from './connection-limits'
import { KeyedRateLimiter, TokenBucket } from './rate-limiter'
import type { RateLimit } from './rate-limiter'
import { MemoryRoomStore } from './memory-room-store'
import { RedisRoomStore } from './redis-room-store'
import { nameChoice, passwordDigest, StoreUnavailableError } from './room-store'
import type { LeaveOutcome, PeerChange, RoomStore, RoomStoreOptions } from './room-store'
import { canonicalHost, decideOrigin, originListed } from './origin-policy'
import type { OriginPolicy } from './origin-policy'
import { MembershipEvents } from './membership-events'
import { fail, parseRequest, rateLimited } from './routes'
import type { AnswerOf, ClientEvent, Refusal, RequestOf, Route, RouteTable } from './routes'
import { createStaticHandler } from './static-files'
import { createBoard } from './board'
import type { BoardOptions } from './board'
import { batchWebSocketWrites } from './write-batching'

export interface RateLimits {
  /** `signal` relays: a peer joining a full mesh sends an offer and a dozen candidates to each peer at once. */
  signal: RateLimit
  chat: RateLimit
  /** Everything else: join, leave, list, update. */
  control: RateLimit
  /** The whiteboard: strokes, drafts while drawing and cursors (a drawer sends ~40 a second). */
  board: RateLimit
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  signal: { burst: 300, perSecond: 150 },
  chat: { burst: 10, perSecond: 2 },
  control: { burst: 20, perSecond: 5 },
  board: { burst: 200, perSecond: 100 }
}

/** What one client address, and all clients together, may cost the server. */
export interface ServerLimits {
  /**
   * Socket.IO connections one client address may hold at once (loopback included). Twice as many TCP connections
   * plus a few (page loads, long-polling) are the hard ceiling, for connections that never finish a handshake.
   */
  connectionsPerAddress: number
  /** Rooms the server holds at once; creating one more is refused with `server-full`. */
  rooms: number
  /** Output the server holds for one client that does not read it before disconnecting that client. */
  bufferedBytes: number
  /** Bytes one connection may send (all events together) before it is disconnected. */
  inboundBytes: RateLimit
  /** Wrong passwords per client address and room, across all its connections. */
  wrongPasswords: RateLimit
  /**
   * Joins per client address, across all its connections: each join answer carries the room's history (up to
   * LIMITS.historyBytes), so joining and leaving in a loop from many connections must not multiply it.
   */
  joinsPerAddress: RateLimit
  /**
   * `rate-limited` answers one socket may provoke before it is disconnected: a client that keeps sending past
   * its limits is not a well-behaved client that went briefly too fast, and answering it costs CPU.
   */
  refusals: RateLimit
  /** The least time between two `rooms:changed` events, so lobbies get at most one list per interval. */
  roomListIntervalMs: number
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  connectionsPerAddress: 32,
  rooms: 500,
  // Ten join answers with a full history (LIMITS.historyBytes each) and then some.
  bufferedBytes: 1_048_576,
  // A mesh of six starts with ~70 KB of offers and candidates; a full chat burst is ~120 KB.
  inboundBytes: { burst: 1_048_576, perSecond: 262_144 },
  // Five guesses at once, then one every five seconds: a 4-digit PIN takes about 14 hours from one address.
  wrongPasswords: { burst: 5, perSecond: 0.2 },
  // A whole household rejoining at once fits in the burst; a loop of join/leave gets 2 history answers a second.
  joinsPerAddress: { burst: 30, perSecond: 2 },
  refusals: { burst: 50, perSecond: 5 },
  roomListIntervalMs: 1_000
}

export interface SignalingServerOptions {
  /** Maximum peers per room (default 6, at most 16: a mesh beyond that cannot carry video). */
  capacity?: number
  /**
   * Further web origins allowed to connect and to read `/moim.json` (`Origin` header, exact, e.g.
   * `https://moim.example.org`), or `'*'` for any page on any site. Always allowed: native clients (no Origin),
   * the desktop app (DESKTOP_APP_ORIGIN) and pages this server served (see origin-policy.ts). Default none.
   */
  allowedOrigins?: readonly string[] | '*'
  /**
   * Names this server is reached by (`moim.example.org`), besides its IP addresses and localhost: a page served
   * under one of them counts as this server's own. Throws a RangeError for a name that is not a host name.
   */
  hostnames?: readonly string[]
  /** Directory to serve over HTTP (the built web client). Nothing is served when absent. */
  staticDir?: string
  rateLimits?: Partial<RateLimits>
  /** Per-address and server-wide limits; each field defaults to DEFAULT_SERVER_LIMITS. */
  limits?: Partial<ServerLimits>
  /**
   * Rooms locked by the operator with these passwords from the first join on, whoever creates them (the desktop
   * host's own room, so a guest who arrives before the host's page cannot open it without the password).
   */
  roomPasswords?: Readonly<Record<string, string>>
  /** What one room's whiteboard may hold (default BOARD_ROOM_LIMITS). */
  board?: Partial<BoardOptions>
  /** Makes the room store, the one owner of room state (default: a MemoryRoomStore in this process). */
  roomStore?: (options: RoomStoreOptions) => RoomStore
  /**
   * Makes this server one node of several that act as one: room state in Redis (a RedisRoomStore) and delivery
   * between nodes through Socket.IO's Redis Streams adapter. `listen` connects to Redis first and rejects when it
   * cannot. Every node must be given the same capacity and limits.
   */
  cluster?: ClusterOptions
  logger?: Logger
}

export interface ClusterOptions {
  /** `redis://HOST:PORT` */
  redisUrl: string
  /** This node's id (default random): a node's peers are reaped by the others when its heartbeat stops. */
  nodeId?: string
  /** How long this node's heartbeat outlives it (default 10 s): its peers leave within that plus a reap. */
  heartbeatTtlMs?: number
}

/** How often a node looks for dead nodes' peers, and retries leaves that failed while Redis was away. */
const REAP_INTERVAL_MS = 2_000

export interface ListenAddress {
  /** The address actually bound (`::` or `0.0.0.0` for all interfaces). */
  host: string
  port: number
  family: string
}

export interface SignalingServer {
  /** Starts listening. Port 0 picks a free port. Rejects with the listen error (e.g. code `EADDRINUSE`). */
  listen(port: number, host?: string): Promise<ListenAddress>
  /** The bound address, or null before `listen` and after `close`. */
  address(): ListenAddress | null
  /** Every room, as the store has them (`rooms:list` gives a lobby the fullest LIMITS.listedRooms of them). */
  rooms(): Promise<RoomInfo[]>
  /** Tells every client `server:closing`, disconnects them all and frees the port. Safe to call twice. */
  close(reason?: ClosingReason): Promise<void>
  /**
   * Who joins, leaves and renames in which room, and rooms appearing, changing and going, as the server handles
   * it (see MembershipEventMap): what hosting shows and tests wait for.
   */
  readonly events: Pick<MembershipEvents, 'on' | 'off'>
  /** The underlying Socket.IO server, for tests and embedding. */
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>
}

type MoimSocket = Socket<ClientToServerEvents, ServerToClientEvents>

/** Socket.IO room holding every socket that is not in a call, so `rooms:changed` reaches only them. */
const LOBBY = '#lobby'
const roomKey = (name: string): string => `room:${name}`

/** How long `close()` waits for clients to receive `server:closing` before dropping them. */
const CLOSE_GRACE_MS = 1_000

/** Answered at `GET /moim.json` so a client can tell a Moim server from any other web server. */
export const IDENTITY_PATH = '/moim.json'

export function createSignalingServer(options: SignalingServerOptions = {}): SignalingServer {
  const capacity = Math.min(Math.max(Math.trunc(options.capacity ?? LIMITS.capacity), 2), LIMITS.maxCapacity)
  // Field by field, so `{ chat: undefined }` keeps the default instead of leaving a socket without a bucket.
  const limits: RateLimits = {
    signal: options.rateLimits?.signal ?? DEFAULT_RATE_LIMITS.signal,
    chat: options.rateLimits?.chat ?? DEFAULT_RATE_LIMITS.chat,
    control: options.rateLimits?.control ?? DEFAULT_RATE_LIMITS.control,
    board: options.rateLimits?.board ?? DEFAULT_RATE_LIMITS.board
  }
  const serverLimits: ServerLimits = { ...DEFAULT_SERVER_LIMITS }
  for (const [key, value] of Object.entries(options.limits ?? {})) {
    if (value !== undefined) Object.assign(serverLimits, { [key]: value })
  }
  const log = options.logger ?? createLogger('signaling')
  const presetPasswords = Object.fromEntries(
    Object.entries(options.roomPasswords ?? {}).map(([room, password]) => [room, passwordDigest(password)])
  )
  const cluster = options.cluster
  const storeOptions: RoomStoreOptions = { capacity, maxRooms: serverLimits.rooms, presetPasswords }
  const redisStore =
    cluster === undefined
      ? undefined
      : new RedisRoomStore({
          ...storeOptions,
          url: cluster.redisUrl,
          nodeId: cluster.nodeId,
          heartbeatTtlMs: cluster.heartbeatTtlMs
        })
  const store: RoomStore =
    redisStore ?? (options.roomStore ?? ((made) => new MemoryRoomStore(made)))(storeOptions)
  /** The adapter's own Redis connection (it blocks on reading the stream), in cluster mode. */
  let adapterClient: Redis | undefined
  let reapTimer: ReturnType<typeof setInterval> | undefined
  /** Peers whose leave failed (the store was unreachable): retried until the store takes it. */
  const pendingLeaves = new Set<string>()
  const events = new MembershipEvents(log)
  const wrongPasswords = new KeyedRateLimiter(serverLimits.wrongPasswords)
  const joinsByAddress = new KeyedRateLimiter(serverLimits.joinsPerAddress)
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : undefined
  const allowedOrigins = options.allowedOrigins ?? []
  const hostnames = (options.hostnames ?? []).map((name) => {
    const canonical = canonicalHost(name)
    if (canonical === undefined) throw new RangeError(`not a host name: ${JSON.stringify(name)}`)
    return canonical
  })
  /** The policy for the port actually bound (known once listening, which is before any request arrives). */
  function originPolicy(): OriginPolicy {
    const bound = httpServer.address()
    return { allowedOrigins, hostnames, port: typeof bound === 'object' && bound !== null ? bound.port : -1 }
  }

  const httpServer: HttpServer = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      log.error('http request failed', { url: request.url, error: String(error) })
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })

  capTcpConnections(httpServer, 2 * serverLimits.connectionsPerAddress + 8, log)

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Compare the path only: probes may add a cache-busting query string.
    if (request.url?.split('?')[0] === IDENTITY_PATH) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { Allow: 'GET, HEAD' }).end()
        return
      }
      const origin = request.headers.origin
      const headers: Record<string, string> = {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        // The answer depends on Origin, so a cache must not hand one origin's answer to another.
        Vary: 'Origin'
      }
      // The desktop app's page (app://moim) probes this cross-origin before connecting; other websites must not
      // learn that a Moim server is here. The server's own pages are same-origin and need no header.
      if (origin !== undefined && originListed(origin, allowedOrigins)) {
        headers['Access-Control-Allow-Origin'] = allowedOrigins === '*' ? '*' : origin
      }
      response.writeHead(200, headers)
      response.end(
        request.method === 'HEAD'
          ? undefined
          : JSON.stringify({
              app: 'moim',
              protocol: PROTOCOL_VERSION,
              capacity,
              mode: cluster === undefined ? 'single' : 'cluster'
            })
      )
      return
    }
    if (serveStatic) return serveStatic(request, response)
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found')
  }

  /** Set by the first `close()`; from then on new connections are refused. */
  let closing: Promise<void> | undefined

  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    serveClient: false,
    // Large enough for the largest valid SDP; a bigger packet closes only the socket that sent it.
    maxHttpBufferSize: MAX_PACKET_BYTES,
    // Notice a vanished peer (laptop lid closed, Wi-Fi gone) within ~15 s rather than Socket.IO's default ~45 s,
    // so the others drop its frozen tile and a reconnecting client is not shown twice for long.
    pingInterval: 10_000,
    pingTimeout: 5_000,
    // A transport that never sends Socket.IO's CONNECT is dropped after 10 s instead of 45 s.
    connectTimeout: 10_000,
    httpCompression: false,
    perMessageDeflate: false,
    // Cross-origin polling answers are readable only by the origins the handshake also accepts.
    cors: {
      origin: (origin, callback) =>
        callback(null, origin !== undefined && originListed(origin, allowedOrigins))
    },
    allowRequest: (request, callback) => {
      if (closing !== undefined) return callback('server closing', false)
      const { origin, host } = request.headers
      const decision = decideOrigin(origin, host, originPolicy())
      if (!decision.allowed)
        log.warn('connection refused: origin not allowed', { origin, host, reason: decision.reason })
      callback(null, decision.allowed)
    }
  })
  batchWebSocketWrites(io)
  boundConnections(io, serverLimits, log)

  /**
   * Socket.IO connections per client address, for the cap that answers `too-many-connections`: counted on
   * 'connection' and 'disconnect', which every connection has listeners for anyway (no allocation per connection;
   * bench: heap per idle client). CONNECTs that arrive in the same tick may pass the check together: the TCP
   * ceiling above is the hard bound.
   */
  const socketsByAddress = new AddressCounter()
  io.use((socket, next) => {
    const address = clientAddress(socket.conn.remoteAddress)
    if (socketsByAddress.count(address) >= serverLimits.connectionsPerAddress) {
      log.warn('connection refused: too many from one address', {
        address,
        max: serverLimits.connectionsPerAddress
      })
      const refusal: ConnectRefusal = {
        code: 'too-many-connections',
        message: ERROR_MESSAGES['too-many-connections']
      }
      next(Object.assign(new Error(refusal.message), { data: refusal }))
      // Socket.IO sends the refusal on the next tick and would then keep the transport open: close it after.
      setImmediate(() => socket.conn.close())
      return
    }
    next()
  })

  let roomListTimer: ReturnType<typeof setTimeout> | undefined
  let lastRoomList = -Infinity
  /**
   * Sends lobbies the room list at most once per `roomListIntervalMs`: changes in between are coalesced into the
   * next list (a join storm sends one list, not N; rooms churning at any rate cost each lobby one list a second).
   */
  function scheduleRoomsChanged(): void {
    if (roomListTimer !== undefined || closing !== undefined) return
    const wait = Math.max(0, lastRoomList + serverLimits.roomListIntervalMs - performance.now())
    roomListTimer = setTimeout(() => {
      roomListTimer = undefined
      lastRoomList = performance.now()
      store.list().then(
        (list) => {
          if (closing === undefined) io.to(LOBBY).emit('rooms:changed', list.rooms)
        },
        (error: unknown) => log.error('could not list rooms for lobbies', { error: String(error) })
      )
    }, wait)
  }

  /** What one connection costs beyond Socket.IO's own objects: its room cache, its queue and its buckets. */
  interface Connection {
    socket: MoimSocket
    /** The client's IP address, the key of the limits that hold across its connections. */
    address: string
    /**
     * The room the store last said this socket's peer is in: a cache of the store's join and leave answers, not a
     * second owner. Written only from those answers, inside this connection's queue, so it is never ahead of or
     * behind the store for this socket's own requests; it lets `signal` check "same room" without a store round
     * trip, and names the Socket.IO room that delivers to the room.
     */
    room: string | undefined
    /**
     * The tail of this socket's requests still waiting for the store, or undefined when none is: a request that
     * arrives while one is pending runs after it, so a `room:join` followed at once by `chat:send` sees the join.
     */
    queue: Promise<void> | undefined
    signal: TokenBucket
    chat: TokenBucket
    control: TokenBucket
    board: TokenBucket
    /** `rate-limited` answers given, created at the first one: most connections never get one. */
    refusals: TokenBucket | undefined
  }

  /** Takes the connection's peer out of its room, and tells the room, the lobbies and the events. */
  async function leaveRoom(connection: Connection): Promise<boolean> {
    const { socket } = connection
    const room = connection.room
    let left: LeaveOutcome | undefined
    try {
      left = await store.leave(socket.id)
    } catch (error) {
      // The peer would hold its seat for ever: retried by the reaper until the store takes it.
      if (room !== undefined) pendingLeaves.add(socket.id)
      throw error
    }
    connection.room = undefined
    if (room !== undefined) void socket.leave(roomKey(room))
    if (left === undefined) return false
    announceLeave(left)
    return true
  }

  /** Tells a peer's room (on every node), the lobbies and the events that the peer left. */
  function announceLeave(left: LeaveOutcome): void {
    io.to(roomKey(left.room.name)).emit('peer:left', { id: left.peer.id })
    log.info('left room', { id: left.peer.id, room: left.room.name, remaining: left.room.count })
    events.emit('peer-left', { room: left.room.name, peer: left.peer })
    events.emit(left.removed ? 'room-removed' : 'room-changed', left.room)
    scheduleRoomsChanged()
  }

  /** Cluster upkeep: the peers of dead nodes leave, and leaves that failed while Redis was away are retried. */
  async function reap(): Promise<void> {
    for (const peerId of pendingLeaves) {
      const left = await store.leave(peerId)
      pendingLeaves.delete(peerId)
      if (left !== undefined) announceLeave(left)
    }
    for (const left of (await store.reapDeadNodes?.()) ?? []) {
      log.info('a peer of a node that stopped left its room', { id: left.peer.id, room: left.room.name })
      announceLeave(left)
    }
  }

  const board = createBoard<Connection, 'board'>({ store, io, roomKey, log, options: options.board }, 'board')

  /**
   * One route per client->server event, typed by the protocol's event map: each handler takes that event's
   * request and must answer that event's ack shape. Shared by every socket, so a connection holds no closures.
   */
  const routes: RouteTable<Connection, keyof RateLimits> = {
    'room:join': {
      bucket: 'control',
      schema: joinRequestSchema,
      async handle(connection, { room: name, name: displayName, password }) {
        const { socket } = connection
        // The store refuses this too; the cache answers it before the join costs a per-address token.
        if (connection.room !== undefined) return fail('already-in-room')
        // Wrong passwords count per address and room, so opening new connections does not buy new guesses.
        const guessKey = `${connection.address} ${name}`
        const retryAfterMs = Math.max(
          wrongPasswords.waitMs(guessKey),
          joinsByAddress.waitMs(connection.address)
        )
        if (retryAfterMs > 0) {
          log.info('join refused: rate-limited for this address', { address: connection.address, room: name })
          return rateLimited(retryAfterMs)
        }
        joinsByAddress.record(connection.address)
        const outcome = await store.join({
          room: name,
          peer: { id: socket.id, audio: true, video: true, screen: false },
          name: nameChoice(displayName),
          passwordDigest: password === undefined ? undefined : passwordDigest(password)
        })
        if (!outcome.ok) {
          if (outcome.code === 'wrong-password') wrongPasswords.record(guessKey)
          log.info('join refused', { id: socket.id, room: name, code: outcome.code })
          return fail(outcome.code)
        }
        const { self, peers, room, history, created } = outcome
        connection.room = room.name
        void socket.leave(LOBBY)
        void socket.join(roomKey(room.name))
        socket.to(roomKey(room.name)).emit('peer:joined', self)
        log.info('joined room', { id: socket.id, room: room.name, count: room.count })
        if (created) events.emit('room-created', room)
        events.emit('peer-joined', { room: room.name, peer: self })
        if (!created) events.emit('room-changed', room)
        scheduleRoomsChanged()
        return { ok: true, self, peers, room, history }
      }
    },
    'room:leave': {
      bucket: 'control',
      schema: null,
      async handle(connection) {
        if (!(await leaveRoom(connection))) return fail('not-in-room')
        void connection.socket.join(LOBBY)
        return { ok: true }
      }
    },
    'rooms:list': {
      bucket: 'control',
      schema: null,
      handle: async () => ({ ok: true, ...(await store.list()) })
    },
    signal: {
      bucket: 'signal',
      schema: signalRequestSchema,
      // Synchronous for a target on this server, the hot path: both rooms come from the connections' caches of
      // the store's answers (one Map lookup, no store round trip, no promise per message). A target on another
      // node of a cluster costs one store lookup, and the message goes to it through the adapter (every socket is
      // in a Socket.IO room named by its id).
      handle({ socket, room }, { to, description, candidate }) {
        if (room === undefined) return fail('not-in-room')
        if (to === socket.id) return fail('not-found')
        const message: SignalMessage = { from: socket.id }
        if (description !== undefined) message.description = description
        if (candidate !== undefined) message.candidate = candidate
        const target = connections.get(to)
        if (target !== undefined) {
          if (target.room !== room) return fail('not-found')
          target.socket.emit('signal', message)
          return { ok: true }
        }
        if (cluster === undefined) return fail('not-found')
        return store.peer(to).then((found) => {
          if (found?.room !== room) return fail('not-found')
          io.to(to).emit('signal', message)
          return { ok: true }
        })
      }
    },
    'chat:send': {
      bucket: 'chat',
      schema: chatSendRequestSchema,
      async handle({ socket, room }, { text }) {
        const sender = room === undefined ? undefined : await store.peer(socket.id)
        if (sender === undefined) return fail('not-in-room')
        const message: ChatMessage = {
          id: randomUUID(),
          from: socket.id,
          name: sender.peer.name,
          text,
          ts: Date.now()
        }
        if (!(await store.appendHistory(sender.room, message))) return fail('not-in-room')
        socket.to(roomKey(sender.room)).emit('chat:message', message)
        return { ok: true, message }
      }
    },
    'peer:update': {
      bucket: 'control',
      schema: peerUpdateSchema,
      async handle({ socket, room }, { name, ...flags }) {
        if (room === undefined) return fail('not-in-room')
        const change: PeerChange = name === undefined ? flags : { ...flags, name: nameChoice(name) }
        const updated = await store.updatePeer(socket.id, change)
        if (updated === undefined) return fail('not-in-room')
        socket.to(roomKey(updated.room)).emit('peer:updated', updated.peer)
        events.emit('peer-updated', updated)
        return { ok: true, self: updated.peer }
      }
    },
    ...board.routes
  }

  /**
   * Runs a client->server event: requires an ack callback (without one nothing happens), applies the rate limit,
   * validates the payload and never lets a handler's exception escape. Limits and validation apply on arrival,
   * so a flood is refused without queueing; answers go out in arrival order (see `answer`).
   */
  function dispatch<E extends ClientEvent>(connection: Connection, event: E, args: unknown[]): void {
    const ack = args.at(-1)
    if (typeof ack !== 'function') return
    // Every answer type includes Refusal; spelled out because TypeScript cannot see it for a generic E.
    const reply = ack as (answer: AnswerOf<E> | Refusal) => void
    const route: Route<E, Connection, keyof RateLimits> = routes[event]
    const bucket = connection[route.bucket]
    if (!bucket.take()) {
      connection.refusals ??= new TokenBucket(serverLimits.refusals)
      if (connection.refusals.take()) return answer(connection, rateLimited(bucket.waitMs()), reply)
      log.warn('disconnected a client that keeps sending past its rate limits', {
        id: connection.socket.id,
        address: connection.address
      })
      connection.socket.disconnect(true)
      return
    }
    const parsed = parseRequest(event, route.schema, args)
    if (!parsed.ok) return answer(connection, parsed, reply)
    if (connection.queue === undefined) {
      // Nothing pending: run now. A synchronous handler (signal) is answered without any promise.
      const now = handle(connection, event, route, parsed.value)
      if (now instanceof Promise) enqueue(connection, now.then(reply))
      else reply(now)
    } else {
      const request = parsed.value
      enqueue(connection, connection.queue.then(() => handle(connection, event, route, request)).then(reply))
    }
  }

  /** Sends a ready answer now, or after the answers still pending for this socket, so none overtakes another. */
  function answer<A>(connection: Connection, ready: A, reply: (answer: A) => void): void {
    if (connection.queue === undefined) reply(ready)
    else
      enqueue(
        connection,
        connection.queue.then(() => reply(ready))
      )
  }

  /** Runs a route's handler; an exception (thrown or rejected) becomes a typed refusal and a log line. */
  function handle<E extends ClientEvent>(
    connection: Connection,
    event: E,
    route: Route<E, Connection, keyof RateLimits>,
    request: RequestOf<E>
  ): AnswerOf<E> | Refusal | Promise<AnswerOf<E> | Refusal> {
    try {
      const result = route.handle(connection, request)
      // The closure is made only for an asynchronous answer: a relayed signal allocates nothing here.
      return result instanceof Promise
        ? result.catch((error: unknown) => handlerFailed(connection, event, error))
        : result
    } catch (error) {
      return handlerFailed(connection, event, error)
    }
  }

  function handlerFailed(connection: Connection, event: ClientEvent, error: unknown): Refusal {
    if (error instanceof StoreUnavailableError) {
      log.warn(`${event} refused: the room store is unavailable`, { id: connection.socket.id })
      return fail('unavailable')
    }
    log.error(`${event} handler failed`, { id: connection.socket.id, error: String(error) })
    return fail('invalid', 'The server could not process this request.')
  }

  /** Every connection's queue tail still running, so `close()` lets them finish before closing the store. */
  const pendingWork = new Set<Promise<void>>()

  /** Makes `work` the connection's queue tail; the queue empties (undefined) once the last work is done. */
  function enqueue(connection: Connection, work: Promise<void>): void {
    const tail: Promise<void> = work
      .catch((error: unknown) =>
        log.error('request failed', { id: connection.socket.id, error: String(error) })
      )
      .then(() => {
        pendingWork.delete(tail)
        if (connection.queue === tail) connection.queue = undefined
      })
    pendingWork.add(tail)
    connection.queue = tail
  }

  /** Each socket's state by socket id (= peer id): the shared listeners' `this` and a signal's target. */
  const connections = new Map<string, Connection>()

  /**
   * One listener function per event, shared by every socket, rather than closures per event per socket (bench:
   * ~1.3 KB less heap per idle client). The embedder learns about membership from `events`, not by watching
   * packets.
   */
  function listenerFor<E extends ClientEvent>(event: E) {
    return function (this: Socket, ...args: unknown[]): void {
      const connection = connections.get(this.id)
      if (connection !== undefined) dispatch(connection, event, args)
    }
  }
  const listeners = CLIENT_EVENTS.map((event) => [event, listenerFor(event)] as const)

  function onDisconnect(this: Socket, reason: string): void {
    log.debug('disconnected', { id: this.id, reason })
    const connection = connections.get(this.id)
    if (connection === undefined) return
    // Gone at once for signals; the leave waits for this socket's pending requests (a join in flight included).
    connections.delete(this.id)
    socketsByAddress.remove(connection.address)
    const leave = (): Promise<void> => leaveRoom(connection).then(() => undefined)
    enqueue(connection, connection.queue === undefined ? leave() : connection.queue.then(leave))
  }

  io.on('connection', (socket: MoimSocket) => {
    log.debug('connected', { id: socket.id })
    void socket.join(LOBBY)
    const address = clientAddress(socket.conn.remoteAddress)
    socketsByAddress.add(address)
    connections.set(socket.id, {
      socket,
      address,
      room: undefined,
      queue: undefined,
      signal: new TokenBucket(limits.signal),
      chat: new TokenBucket(limits.chat),
      control: new TokenBucket(limits.control),
      board: new TokenBucket(limits.board),
      refusals: undefined
    })
    for (const [event, listener] of listeners) (socket as Socket).on(event, listener)
    socket.on('disconnect', onDisconnect)
  })

  return {
    io,
    events,
    async listen(port, host) {
      if (cluster !== undefined && redisStore !== undefined) {
        // Before the port opens: a node that cannot reach Redis must not take anyone in.
        await redisStore.connect()
        adapterClient = new Redis(cluster.redisUrl, { maxRetriesPerRequest: null })
        adapterClient.on('error', (error: Error) => log.warn('adapter lost Redis', { error: error.message }))
        // The adapter (0.3.1) subscribes on a duplicate of this client and leaves that SUBSCRIBE's promise
        // unhandled: a node closed before Redis answered it would die of an unhandled rejection. Handle it here.
        const duplicate = adapterClient.duplicate.bind(adapterClient)
        adapterClient.duplicate = (...args: Parameters<Redis['duplicate']>) => {
          const copy = duplicate(...args)
          const subscribe = copy.subscribe.bind(copy) as (...channels: string[]) => Promise<unknown>
          copy.subscribe = ((...channels: string[]) => {
            const subscribed = subscribe(...channels)
            subscribed.catch((error: unknown) =>
              log.debug('adapter subscription ended', { error: String(error) })
            )
            return subscribed
          }) as Redis['subscribe']
          return copy
        }
        io.adapter(createAdapter(adapterClient, { streamName: 'moim:stream' }))
        reapTimer = setInterval(
          () => void reap().catch((error: unknown) => log.warn('reap failed', { error: String(error) })),
          REAP_INTERVAL_MS
        )
        reapTimer.unref?.()
      }
      return new Promise<ListenAddress>((resolve, reject) => {
        const onError = (error: Error): void => reject(error)
        httpServer.once('error', onError)
        httpServer.listen(port, host, () => {
          httpServer.off('error', onError)
          httpServer.on('error', (error) => log.error('server error', { error: String(error) }))
          const bound = httpServer.address() as AddressInfo
          log.info('listening', { host: bound.address, port: bound.port })
          resolve({ host: bound.address, port: bound.port, family: bound.family })
        })
      })
    },
    address() {
      const bound = httpServer.address()
      if (bound === null || typeof bound === 'string') return null
      return { host: bound.address, port: bound.port, family: bound.family }
    },
    rooms: () => store.rooms(),
    close(reason = 'shutdown') {
      closing ??= (async () => {
        clearTimeout(roomListTimer)
        io.emit('server:closing', { reason })
        // A graceful disconnect closes each transport only once its buffer is sent, so long-polling clients
        // (whose next poll carries the frame) get `server:closing` too, and every client sees a deliberate
        // 'io server disconnect', after which Socket.IO clients do not try to reconnect.
        io.disconnectSockets(true)
        const deadline = Date.now() + CLOSE_GRACE_MS
        while (io.engine.clientsCount > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        await new Promise<void>((resolve) => {
          // io.close() drops whatever is left and closes the HTTP server; idle keep-alive connections
          // (a browser that fetched the page) would otherwise hold the port open.
          void io.close(() => resolve())
          httpServer.closeAllConnections()
        })
        // Disconnects queued leaves; let them reach the store before it closes.
        while (pendingWork.size > 0) await Promise.all(pendingWork)
        clearInterval(reapTimer)
        await store.close()
        // quit, not disconnect: it lets the adapter's last commands get their replies (a disconnect rejects them,
        // unhandled inside the adapter). io.close() above already closed the adapter itself.
        await adapterClient?.quit().catch(() => adapterClient?.disconnect())
        log.info('closed', { reason })
      })()
      return closing
    }
  }
}
