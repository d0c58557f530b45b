import { randomBytes, randomUUID } from 'node:crypto'
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
import { ACK_OPTIONAL_EVENTS, CLIENT_EVENTS } from '../shared/protocol'
import type {
  AckOptionalEvent,
  ChatMessage,
  Ack,
  ClientToServerEvents,
  ClosingReason,
  ConnectRefusal,
  Peer,
  RoomInfo,
  ServerToClientEvents,
  SignalMessage
} from '../shared/protocol'
import {
  chatSendRequestSchema,
  joinRequestSchema,
  peerUpdateSchema,
  resumeRequestSchema,
  signalRequestSchema
} from '../shared/schemas'
import {
  AddressCounter,
  boundConnections,
  capTcpConnections,
  clientAddress,
  droppedForCost
} from './connection-limits'
import { KeyedRateLimiter, TokenBucket } from './rate-limiter'
import type { RateLimit } from './rate-limiter'
import { MemoryRoomStore } from './memory-room-store'
import { RedisRoomStore } from './redis-room-store'
import { nameChoice, passwordDigest, StoreUnavailableError, tokenDigest } from './room-store'
import type { LeaveOutcome, PeerChange, RoomStore, RoomStoreOptions } from './room-store'
import { canonicalHost, decideOrigin, originListed } from './origin-policy'
import type { OriginPolicy } from './origin-policy'
import { MembershipEvents } from './membership-events'
import { fail, parseRequest, rateLimited } from './routes'
import type { AnswerOf, ClientEvent, Refusal, RequestOf, Route, RouteTable } from './routes'
import { peopleRoutes } from './people-routes'
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
  /** `hand:set`: a hand goes up and down a few times a meeting. */
  hand: RateLimit
  /** `reaction:send`: a few emoji in a row, not a stream. */
  reaction: RateLimit
  /** The whiteboard: strokes, drafts while drawing and cursors (a drawer sends ~40 a second). */
  board: RateLimit
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  signal: { burst: 300, perSecond: 150 },
  chat: { burst: 10, perSecond: 2 },
  control: { burst: 20, perSecond: 5 },
  hand: { burst: 5, perSecond: 1 },
  reaction: { burst: 10, perSecond: 2 },
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
   * How long a peer whose connection dropped keeps its seat, name and id for `room:resume` (default 30 s): the
   * room sees it `reconnecting` meanwhile, and it leaves when the window ends. A client that disconnects on
   * purpose, or that the server drops for misbehaving, leaves at once.
   */
  resumeGraceMs?: number
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

export const DEFAULT_RESUME_GRACE_MS = 30_000

/**
 * Disconnect reasons (Socket.IO's) that look like a network drop rather than a decision: the peer's seat is held
 * for a resume. 'transport error' (an oversized or broken frame) and every deliberate disconnect are a leave.
 */
const DROPPED_REASONS: ReadonlySet<string> = new Set(['transport close', 'ping timeout'])

/** The client events that may come without an ack (see `dispatch`). */
const ACK_OPTIONAL: ReadonlySet<ClientEvent> = new Set(ACK_OPTIONAL_EVENTS)

/** A new resume token: 256 random bits, base64url (43 characters, LIMITS.resumeToken). */
function newResumeToken(): string {
  return randomBytes(32).toString('base64url')
}

/** The messages of `history` after the one with id `lastId`; all of them when that one is unknown (aged out). */
function historyAfter(history: ChatMessage[], lastId: string | undefined): ChatMessage[] {
  const at = lastId === undefined ? -1 : history.findIndex((message) => message.id === lastId)
  return at === -1 ? history : history.slice(at + 1)
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
/**
 * The Socket.IO room of the one socket that speaks for a peer in a room now, on whichever node: signals go there.
 * Named by room and peer together, so a signal reaches the peer only while it is in that room, whatever a node's
 * cache of other nodes' members says (REMOTE_MEMBER_TTL_MS). Not the peer id alone, which names the Socket.IO
 * room of the peer's first socket.
 */
const memberKey = (room: string, peerId: string): string => `member:${room}\n${peerId}`

/**
 * How long a node trusts the store's word that a peer of another node is in a room, so a call's stream of signals
 * to that peer costs one store lookup, not one each. A peer who left meanwhile gets nothing (see memberKey); the
 * sender is answered ok instead of not-found for at most this long.
 */
const REMOTE_MEMBER_TTL_MS = 5_000
/** At most this many remote members cached per node (oldest dropped first): bounded memory. */
const REMOTE_MEMBER_CACHE_SIZE = 10_000

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
    hand: options.rateLimits?.hand ?? DEFAULT_RATE_LIMITS.hand,
    reaction: options.rateLimits?.reaction ?? DEFAULT_RATE_LIMITS.reaction,
    board: options.rateLimits?.board ?? DEFAULT_RATE_LIMITS.board
  }
  const serverLimits: ServerLimits = { ...DEFAULT_SERVER_LIMITS }
  for (const [key, value] of Object.entries(options.limits ?? {})) {
    if (value !== undefined) Object.assign(serverLimits, { [key]: value })
  }
  const log = options.logger ?? createLogger('signaling')
  const resumeGraceMs = Math.max(0, options.resumeGraceMs ?? DEFAULT_RESUME_GRACE_MS)
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
  /**
   * Leaves that failed because the store was unreachable, by peer id: each retried by the reaper until the store
   * takes it, with the condition it had (still on that connection, still held by that hold), so a retry cannot
   * undo a resume that happened meanwhile.
   */
  const pendingLeaves = new Map<string, () => Promise<LeaveOutcome | undefined>>()
  /** Cluster only: peers of other nodes the store said were in `room`, until `until` (REMOTE_MEMBER_TTL_MS). */
  const remoteMembers = new Map<string, { room: string; until: number }>()
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
    // so the others see it reconnecting soon, and it leaves one grace window (resumeGraceMs) after that.
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
    /**
     * The peer this connection speaks for, set by a join or a resume (its id is the socket id it joined with, so
     * after a resume it differs from this socket's id); undefined out of a room.
     */
    peerId: string | undefined
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
    /**
     * The rate-limit buckets, each made at its first request: an idle connection (a lobby, a Socket.IO client that
     * never sends) holds none, which keeps the heap per idle client down as the protocol gains buckets.
     */
    buckets: Partial<Record<keyof RateLimits, TokenBucket>>
    /** `rate-limited` answers given, created at the first one: most connections never get one. */
    refusals: TokenBucket | undefined
  }

  /**
   * Takes the connection's peer out of its room (if this connection still speaks for it: a peer that resumed on
   * another connection stays), and tells the room, the lobbies and the events.
   */
  async function leaveRoom(connection: Connection): Promise<boolean> {
    const { socket, peerId } = connection
    const room = connection.room
    if (peerId === undefined) return false
    let left: LeaveOutcome | undefined
    try {
      left = await store.leave(peerId, socket.id)
    } catch (error) {
      // The peer would hold its seat for ever: retried by the reaper until the store takes it.
      if (room !== undefined) pendingLeaves.set(peerId, () => store.leave(peerId, socket.id))
      throw error
    }
    forgetPeer(connection)
    if (room !== undefined) void socket.leave(roomKey(room))
    if (left === undefined) return false
    announceLeave(left)
    return true
  }

  /** The connection no longer speaks for a peer (it left, dropped, or its peer resumed elsewhere). */
  function forgetPeer(connection: Connection): void {
    const { peerId, socket } = connection
    if (peerId !== undefined && byPeer.get(peerId) === connection) byPeer.delete(peerId)
    if (peerId !== undefined && connection.room !== undefined)
      void socket.leave(memberKey(connection.room, peerId))
    connection.peerId = undefined
    connection.room = undefined
  }

  /** Hold timers by peer id: each ends its peer's grace window on this node. */
  const holdTimers = new Map<string, ReturnType<typeof setTimeout>>()

  /**
   * After an unplanned drop: holds the peer's seat for `resumeGraceMs` and tells the room it is reconnecting. When
   * the window ends without a resume, the peer leaves. Nothing happens when the peer resumed on another
   * connection first (the store's hold is for this connection only).
   */
  async function holdSeat(connection: Connection): Promise<void> {
    const { socket, peerId } = connection
    if (peerId === undefined) return
    forgetPeer(connection)
    const until = Date.now() + resumeGraceMs
    let held: { room: string; peer: Peer } | undefined
    try {
      held = await store.hold(peerId, socket.id, until)
    } catch (error) {
      // Not held, so nothing would end it: it leaves once the store is back, unless it resumed by then.
      pendingLeaves.set(peerId, () => store.leave(peerId, socket.id))
      throw error
    }
    if (held === undefined) return
    io.to(roomKey(held.room)).emit('peer:updated', held.peer)
    log.info('holding a seat for a resume', { id: peerId, room: held.room, graceMs: resumeGraceMs })
    events.emit('peer-updated', held)
    clearTimeout(holdTimers.get(peerId))
    const timer = setTimeout(() => {
      if (holdTimers.get(peerId) === timer) holdTimers.delete(peerId)
      store.expire(peerId, until).then(
        (left) => {
          if (left === undefined) return
          log.info('a held seat expired', { id: peerId, room: left.room.name })
          announceLeave(left)
        },
        (error: unknown) => {
          log.warn('could not end a held seat; retrying', { id: peerId, error: String(error) })
          pendingLeaves.set(peerId, () => store.expire(peerId, until))
        }
      )
    }, resumeGraceMs)
    timer.unref?.()
    holdTimers.set(peerId, timer)
  }

  /** Puts a connection in its peer's room: the room's deliveries, and signals addressed to the peer. */
  function enterRoom(connection: Connection, peerId: string, room: string): void {
    const { socket } = connection
    connection.peerId = peerId
    connection.room = room
    byPeer.set(peerId, connection)
    void socket.leave(LOBBY)
    void socket.join([roomKey(room), memberKey(room, peerId)])
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
    for (const [peerId, retry] of pendingLeaves) {
      const left = await retry()
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
        const token = newResumeToken()
        const outcome = await store.join({
          room: name,
          peer: { id: socket.id, audio: true, video: true, screen: false },
          name: nameChoice(displayName),
          passwordDigest: password === undefined ? undefined : passwordDigest(password),
          tokenDigest: tokenDigest(token),
          connection: socket.id
        })
        if (!outcome.ok) {
          // A join without a password to a locked room is not a guess: it costs no password attempt.
          if (outcome.code === 'wrong-password') wrongPasswords.record(guessKey)
          log.info('join refused', { id: socket.id, room: name, code: outcome.code })
          return fail(outcome.code)
        }
        const { self, peers, room, history, created } = outcome
        enterRoom(connection, self.id, room.name)
        socket.to(roomKey(room.name)).emit('peer:joined', self)
        log.info('joined room', { id: socket.id, room: room.name, count: room.count })
        if (created) events.emit('room-created', room)
        events.emit('peer-joined', { room: room.name, peer: self })
        if (!created) events.emit('room-changed', room)
        scheduleRoomsChanged()
        // The token goes to its owner only, and is never logged.
        return { ok: true, self, peers, room, history, token }
      }
    },
    'room:resume': {
      bucket: 'control',
      schema: resumeRequestSchema,
      async handle(connection, { token, lastMessageId }) {
        const { socket } = connection
        if (connection.room !== undefined) return fail('already-in-room')
        // A resume answers with history as a join does, so it draws on the same per-address allowance.
        const retryAfterMs = joinsByAddress.waitMs(connection.address)
        if (retryAfterMs > 0) return rateLimited(retryAfterMs)
        joinsByAddress.record(connection.address)
        const outcome = await store.resume({ tokenDigest: tokenDigest(token), connection: socket.id })
        if (!outcome.ok) {
          log.info('resume refused', { id: socket.id })
          return fail('resume-failed')
        }
        const { self, peers, room, history, previousConnection, wasHeld } = outcome
        // A client may come back before the server noticed its old connection drop: that connection no longer
        // speaks for the peer. Forgotten here so its disconnect changes nothing, and closed wherever it is. (A held
        // peer's old connection is gone already.)
        const previous = connections.get(previousConnection)
        if (previous !== undefined) {
          forgetPeer(previous)
          previous.socket.disconnect(true)
        } else if (!wasHeld) io.in(previousConnection).disconnectSockets(true)
        clearTimeout(holdTimers.get(self.id))
        holdTimers.delete(self.id)
        enterRoom(connection, self.id, room.name)
        if (wasHeld) {
          socket.to(roomKey(room.name)).emit('peer:updated', self)
          events.emit('peer-updated', { room: room.name, peer: self })
        }
        log.info('resumed', { id: self.id, socket: socket.id, room: room.name })
        const missed = historyAfter(history, lastMessageId)
        return { ok: true, self, peers, room, history: missed, token }
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
      // node of a cluster costs one store lookup per REMOTE_MEMBER_TTL_MS, and the message goes to it through
      // the adapter, addressed to its room and id together (memberKey).
      handle({ peerId, room }, { to, description, candidate }) {
        if (room === undefined || peerId === undefined) return fail('not-in-room')
        if (to === peerId) return fail('not-found')
        const message: SignalMessage = { from: peerId }
        if (description !== undefined) message.description = description
        if (candidate !== undefined) message.candidate = candidate
        const target = byPeer.get(to)
        if (target !== undefined) {
          if (target.room !== room) return fail('not-found')
          target.socket.emit('signal', message)
          return { ok: true }
        }
        if (cluster === undefined) return fail('not-found')
        const known = remoteMembers.get(to)
        if (known !== undefined && known.room === room && known.until > Date.now()) {
          io.to(memberKey(room, to)).emit('signal', message)
          return { ok: true }
        }
        return store.peer(to).then((found) => {
          remoteMembers.delete(to)
          if (found?.room !== room) return fail('not-found')
          if (remoteMembers.size >= REMOTE_MEMBER_CACHE_SIZE) {
            remoteMembers.delete(remoteMembers.keys().next().value as string)
          }
          remoteMembers.set(to, { room, until: Date.now() + REMOTE_MEMBER_TTL_MS })
          io.to(memberKey(room, to)).emit('signal', message)
          return { ok: true }
        })
      }
    },
    'chat:send': {
      bucket: 'chat',
      schema: chatSendRequestSchema,
      async handle({ socket, peerId, room }, { text }) {
        const sender = room === undefined || peerId === undefined ? undefined : await store.peer(peerId)
        if (sender === undefined || peerId === undefined) return fail('not-in-room')
        const message: ChatMessage = {
          id: randomUUID(),
          from: peerId,
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
      async handle({ socket, peerId, room }, { name, ...flags }) {
        if (room === undefined || peerId === undefined) return fail('not-in-room')
        const change: PeerChange = name === undefined ? flags : { ...flags, name: nameChoice(name) }
        const updated = await store.updatePeer(peerId, change)
        if (updated === undefined) return fail('not-in-room')
        socket.to(roomKey(updated.room)).emit('peer:updated', updated.peer)
        events.emit('peer-updated', updated)
        return { ok: true, self: updated.peer }
      }
    },
    ...peopleRoutes({ store, events, roomKey }),
    ...board.routes
  }

  /**
   * Runs a client->server event: requires an ack callback (without one nothing happens), applies the rate limit,
   * validates the payload and never lets a handler's exception escape. Limits and validation apply on arrival,
   * so a flood is refused without queueing; answers go out in arrival order (see `answer`).
   */
  function dispatch<E extends ClientEvent>(connection: Connection, event: E, args: unknown[]): void {
    const ack = args.at(-1)
    const acked = typeof ack === 'function'
    // `signal` and the board's transient messages may come without an ack: then only a refusal is answered, as
    // its own event (`signal:refused`, `board:refused`).
    if (!acked && !ACK_OPTIONAL.has(event)) return
    // Every answer type includes Refusal; spelled out because TypeScript cannot see it for a generic E.
    const reply = (
      acked
        ? ack
        : (answer: Ack): void => {
            if (!answer.ok) reportRefusal(connection, event as AckOptionalEvent, args[0], answer)
          }
    ) as (answer: AnswerOf<E> | Refusal) => void
    const route: Route<E, Connection, keyof RateLimits> = routes[event]
    const bucket = (connection.buckets[route.bucket] ??= new TokenBucket(limits[route.bucket]))
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
    const parsed = parseRequest(event, route.schema, args, acked ? args.length - 1 : args.length)
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

  /**
   * Tells the sender of an ack-less message that it was not relayed: for a `signal`, to whom it was meant; for a
   * board message, which one.
   */
  function reportRefusal(
    connection: Connection,
    event: AckOptionalEvent,
    request: unknown,
    refusal: Refusal
  ): void {
    if (event !== 'signal') {
      connection.socket.emit('board:refused', { event, error: refusal.error })
      return
    }
    const to = (request as { to?: unknown } | undefined)?.to
    connection.socket.emit('signal:refused', {
      to: typeof to === 'string' ? to.slice(0, LIMITS.peerId) : '',
      error: refusal.error
    })
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

  /** Each socket's state by socket id: the shared listeners' `this`. */
  const connections = new Map<string, Connection>()
  /** The connection of each peer in a room on this node, by peer id: a signal's target. */
  const byPeer = new Map<string, Connection>()

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
    // A network drop holds the seat for a resume; a decision (leaving, a server kick, shutdown) is a leave.
    const dropped = closing === undefined && DROPPED_REASONS.has(reason) && !droppedForCost(this.conn)
    const leave = (): Promise<void> =>
      dropped ? holdSeat(connection) : leaveRoom(connection).then(() => undefined)
    enqueue(connection, connection.queue === undefined ? leave() : connection.queue.then(leave))
  }

  io.on('connection', (socket: MoimSocket) => {
    log.debug('connected', { id: socket.id })
    void socket.join(LOBBY)
    const address = clientAddress(socket.conn.remoteAddress)
    socketsByAddress.add(address)
    connections.set(socket.id, {
      socket,
      peerId: undefined,
      address,
      room: undefined,
      queue: undefined,
      buckets: {},
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
        // Auto-pipelining: the XADDs of one tick (a burst of signals) reach Redis in one write. redis-server, the
        // one process every node shares, then spends about half the CPU per cross-node candidate
        // (bench/README.md, "Cross-node relay").
        adapterClient = new Redis(cluster.redisUrl, {
          maxRetriesPerRequest: null,
          enableAutoPipelining: true
        })
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
        for (const timer of holdTimers.values()) clearTimeout(timer)
        holdTimers.clear()
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
