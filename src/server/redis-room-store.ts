/**
 * The RoomStore several servers share: room state in one Redis (or one cluster slot: every key carries the same
 * hash tag), each operation one Lua script, so a join checks capacity, password and names and takes its seat
 * atomically however many servers race for it. The same contract suite as the memory store runs against it with
 * a real redis-server (test/node/server/room-store.contract.ts).
 *
 * Each server is a node with an id: it renews a heartbeat key while it runs and records which peers joined
 * through it, so when a node dies (SIGKILL, power loss) the others find its heartbeat gone and take its peers out
 * of their rooms (`reapDeadNodes`), instead of leaving ghosts that hold seats for ever.
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { RedisOptions } from 'ioredis'
import { createLogger } from '../shared/logger'
import { LIMITS } from '../shared/protocol'
import type { ChatMessage, Peer, RoomInfo, RoomList } from '../shared/protocol'
import { nameChoices, StoreUnavailableError } from './room-store'
import type {
  BoardAppendOutcome,
  BoardBounds,
  BoardCompaction,
  BoardLog,
  JoinInput,
  JoinOutcome,
  JoinRefusal,
  LeaveOutcome,
  PeerChange,
  ResumeInput,
  ResumeOutcome,
  RoomFeatures,
  RoomStore,
  RoomStoreOptions
} from './room-store'

export interface RedisRoomStoreOptions extends RoomStoreOptions {
  /** `redis://HOST:PORT` (or `rediss://`, with user and password if the server wants them). */
  url: string
  /** Key prefix; servers that share rooms use the same one (default `moim`). */
  prefix?: string
  /** This server's node id (default: random). */
  nodeId?: string
  /** How long a node's heartbeat lives without renewal; its peers are reaped after that (default 10 s). */
  heartbeatTtlMs?: number
}

const log = createLogger('redis-store')

/** Lua helpers shared by the scripts: key names from the prefix, a room's info as an array. */
const LUA_PRELUDE = `
local P = ARGV[1]
local function roomKey(room, part) return P .. ':r:' .. room .. ':' .. part end
local function info(room)
  local fields = redis.call('HMGET', roomKey(room, 'info'), 'capacity', 'digest')
  local count = redis.call('HLEN', roomKey(room, 'members'))
  return { room, tostring(count), fields[1], (fields[2] ~= '' and fields[2]) and '1' or '0' }
end
local function push(out, list) for _, value in ipairs(list) do out[#out + 1] = value end end
-- What a join and a resume answer alike: the room's info, the other members (a count, then their JSON, in join
-- order) and the history.
local function pushRoomView(out, room, id)
  push(out, info(room))
  local others = {}
  for _, other in ipairs(redis.call('ZRANGE', roomKey(room, 'order'), 0, -1)) do
    if other ~= id then others[#others + 1] = redis.call('HGET', roomKey(room, 'members'), other) end
  end
  out[#out + 1] = tostring(#others)
  push(out, others)
  push(out, redis.call('LRANGE', roomKey(room, 'history'), 0, -1))
end
`

/**
 * ARGV: prefix, room, peer id, peer JSON (no name), digest, preset digest, capacity, max rooms, node, token
 * digest, connection, names...
 */
const JOIN = `${LUA_PRELUDE}
local room, id, peerJson, digest, preset = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local capacity, maxRooms, node, token, connection = ARGV[7], tonumber(ARGV[8]), ARGV[9], ARGV[10], ARGV[11]
if redis.call('HEXISTS', P .. ':peers', id) == 1 then return { 'already-in-room' } end
local created = '0'
if redis.call('EXISTS', roomKey(room, 'info')) == 1 then
  local stored = redis.call('HGET', roomKey(room, 'info'), 'digest')
  if stored ~= '' then
    if digest == '' then return { 'password-required' } end
    if digest ~= stored then return { 'wrong-password' } end
  elseif digest ~= '' then
    return { 'not-locked' }
  end
  local limit = tonumber(redis.call('HGET', roomKey(room, 'info'), 'capacity'))
  if redis.call('HLEN', roomKey(room, 'members')) >= limit then return { 'full' } end
else
  if preset ~= '' then
    if digest == '' then return { 'password-required' } end
    if digest ~= preset then return { 'wrong-password' } end
    digest = preset
  end
  if redis.call('ZCARD', P .. ':rooms') >= maxRooms then return { 'server-full' } end
  redis.call('HSET', roomKey(room, 'info'), 'capacity', capacity, 'digest', digest, 'historyBytes', 0, 'joins', 0)
  redis.call('ZADD', P .. ':rooms', redis.call('INCR', P .. ':seq'), room)
  created = '1'
end
local name
for i = 12, #ARGV, 2 do
  if redis.call('HSETNX', roomKey(room, 'names'), ARGV[i + 1], id) == 1 then
    name = ARGV[i]
    break
  end
end
if name == nil then return { 'full' } end
local peer = cjson.decode(peerJson)
peer.name = name
redis.call('HSET', roomKey(room, 'members'), id, cjson.encode(peer))
redis.call('ZADD', roomKey(room, 'order'), redis.call('HINCRBY', roomKey(room, 'info'), 'joins', 1), id)
redis.call('HSET', P .. ':peers', id, room)
redis.call('HSET', P .. ':peernode', id, node)
redis.call('SADD', P .. ':node:' .. node .. ':peers', id)
redis.call('HSET', P .. ':conn', id, connection)
redis.call('HSET', P .. ':token', id, token)
redis.call('HSET', P .. ':tokens', token, id)
local count = redis.call('HLEN', roomKey(room, 'members'))
redis.call('ZADD', P .. ':counts', -count, room)
local out = { 'ok', name, created }
pushRoomView(out, room, id)
return out
`

/**
 * ARGV: prefix, peer id, and optionally a condition: 'held', UNTIL (only the hold that set UNTIL), 'node', NODE
 * (only while the peer is on NODE) or 'conn', CONNECTION (only while it is on that connection). Returns room info (4), the peer's JSON and whether the room was removed.
 */
const LEAVE = `${LUA_PRELUDE}
local id = ARGV[2]
local room = redis.call('HGET', P .. ':peers', id)
if not room then return false end
if ARGV[3] == 'held' and redis.call('HGET', P .. ':held', id) ~= ARGV[4] then return false end
if ARGV[3] == 'node' and redis.call('HGET', P .. ':peernode', id) ~= ARGV[4] then return false end
if ARGV[3] == 'conn' and redis.call('HGET', P .. ':conn', id) ~= ARGV[4] then return false end
local peerJson = redis.call('HGET', roomKey(room, 'members'), id)
local node = redis.call('HGET', P .. ':peernode', id)
local token = redis.call('HGET', P .. ':token', id)
if token then redis.call('HDEL', P .. ':tokens', token) end
redis.call('HDEL', P .. ':token', id)
redis.call('HDEL', P .. ':conn', id)
redis.call('HDEL', P .. ':held', id)
redis.call('HDEL', roomKey(room, 'members'), id)
redis.call('ZREM', roomKey(room, 'order'), id)
redis.call('HDEL', P .. ':peers', id)
redis.call('HDEL', P .. ':peernode', id)
if node then redis.call('SREM', P .. ':node:' .. node .. ':peers', id) end
local names = redis.call('HGETALL', roomKey(room, 'names'))
for i = 1, #names, 2 do
  if names[i + 1] == id then
    redis.call('HDEL', roomKey(room, 'names'), names[i])
    break
  end
end
local out = info(room)
local removed = '0'
if redis.call('HLEN', roomKey(room, 'members')) == 0 then
  redis.call('DEL', roomKey(room, 'info'), roomKey(room, 'members'), roomKey(room, 'order'),
    roomKey(room, 'names'), roomKey(room, 'history'), roomKey(room, 'features'), roomKey(room, 'board'),
    roomKey(room, 'boardmeta'))
  redis.call('ZREM', P .. ':rooms', room)
  redis.call('ZREM', P .. ':counts', room)
  removed = '1'
else
  redis.call('ZADD', P .. ':counts', -redis.call('HLEN', roomKey(room, 'members')), room)
end
out[#out + 1] = peerJson
out[#out + 1] = removed
return out
`

/** ARGV: prefix, peer id, connection, until. Marks the peer reconnecting if it is still on that connection. */
const HOLD = `${LUA_PRELUDE}
local id = ARGV[2]
local room = redis.call('HGET', P .. ':peers', id)
if not room or redis.call('HGET', P .. ':conn', id) ~= ARGV[3] then return false end
redis.call('HSET', P .. ':held', id, ARGV[4])
local peer = cjson.decode(redis.call('HGET', roomKey(room, 'members'), id))
peer.reconnecting = true
local json = cjson.encode(peer)
redis.call('HSET', roomKey(room, 'members'), id, json)
return { room, json }
`

/**
 * ARGV: prefix, token digest, connection, node. The peer moves to this connection and node (so a node that dies
 * later reaps it, not the one it left). Returns 'ok', the previous connection, whether it was held, its JSON,
 * room info (4), the count of others, their JSON, then the history.
 */
const RESUME = `${LUA_PRELUDE}
local id = redis.call('HGET', P .. ':tokens', ARGV[2])
if not id then return { 'resume-failed' } end
local room = redis.call('HGET', P .. ':peers', id)
if not room then return { 'resume-failed' } end
local previous = redis.call('HGET', P .. ':conn', id) or ''
local wasHeld = redis.call('HDEL', P .. ':held', id) == 1 and '1' or '0'
redis.call('HSET', P .. ':conn', id, ARGV[3])
local oldNode = redis.call('HGET', P .. ':peernode', id)
if oldNode then redis.call('SREM', P .. ':node:' .. oldNode .. ':peers', id) end
redis.call('HSET', P .. ':peernode', id, ARGV[4])
redis.call('SADD', P .. ':node:' .. ARGV[4] .. ':peers', id)
local peer = cjson.decode(redis.call('HGET', roomKey(room, 'members'), id))
peer.reconnecting = nil
local json = cjson.encode(peer)
redis.call('HSET', roomKey(room, 'members'), id, json)
local out = { 'ok', previous, wasHeld, json }
pushRoomView(out, room, id)
return out
`

/** ARGV: prefix, limit. The fullest rooms first (ties by name), then the total. */
const LIST = `${LUA_PRELUDE}
local out = { tostring(redis.call('ZCARD', P .. ':rooms')) }
for _, room in ipairs(redis.call('ZRANGE', P .. ':counts', 0, tonumber(ARGV[2]) - 1)) do push(out, info(room)) end
return out
`

/** ARGV: prefix. Every room in creation order. */
const ROOMS = `${LUA_PRELUDE}
local out = {}
for _, room in ipairs(redis.call('ZRANGE', P .. ':rooms', 0, -1)) do push(out, info(room)) end
return out
`

/** ARGV: prefix, peer id. The room and the peer's JSON. */
const PEER = `${LUA_PRELUDE}
local room = redis.call('HGET', P .. ':peers', ARGV[2])
if not room then return false end
return { room, redis.call('HGET', roomKey(room, 'members'), ARGV[2]) }
`

/**
 * ARGV: prefix, peer id, flags JSON (media flags, and `hand` as a boolean), names... A new name is the first free
 * one (its own key counts as free); a hand raised gets the room's next hand number, kept while it stays up.
 */
const UPDATE = `${LUA_PRELUDE}
local id = ARGV[2]
local room = redis.call('HGET', P .. ':peers', id)
if not room then return false end
local peer = cjson.decode(redis.call('HGET', roomKey(room, 'members'), id))
local flags = cjson.decode(ARGV[3])
local hand = flags.hand
flags.hand = nil
for key, value in pairs(flags) do peer[key] = value end
if hand == true and peer.hand == nil then
  peer.hand = redis.call('HINCRBY', roomKey(room, 'info'), 'hands', 1)
elseif hand == false then
  peer.hand = nil
end
if #ARGV > 3 then
  local names = redis.call('HGETALL', roomKey(room, 'names'))
  local own
  for i = 1, #names, 2 do if names[i + 1] == id then own = names[i] end end
  for i = 4, #ARGV, 2 do
    local holder = redis.call('HGET', roomKey(room, 'names'), ARGV[i + 1])
    if not holder or holder == id then
      if own and own ~= ARGV[i + 1] then redis.call('HDEL', roomKey(room, 'names'), own) end
      redis.call('HSET', roomKey(room, 'names'), ARGV[i + 1], id)
      peer.name = ARGV[i]
      break
    end
  end
end
local json = cjson.encode(peer)
redis.call('HSET', roomKey(room, 'members'), id, json)
return { room, json }
`

/** ARGV: prefix, room, message JSON, max messages, max bytes. Drops the oldest past either bound. */
const APPEND = `${LUA_PRELUDE}
local room = ARGV[2]
if redis.call('EXISTS', roomKey(room, 'info')) == 0 then return 0 end
redis.call('RPUSH', roomKey(room, 'history'), ARGV[3])
local bytes = redis.call('HINCRBY', roomKey(room, 'info'), 'historyBytes', string.len(ARGV[3]))
local maxMessages, maxBytes = tonumber(ARGV[4]), tonumber(ARGV[5])
while redis.call('LLEN', roomKey(room, 'history')) > maxMessages or bytes > maxBytes do
  local dropped = redis.call('LPOP', roomKey(room, 'history'))
  bytes = redis.call('HINCRBY', roomKey(room, 'info'), 'historyBytes', -string.len(dropped))
end
return 1
`

/** ARGV: prefix, room, key, value JSON. */
const SET_FEATURE = `${LUA_PRELUDE}
if redis.call('EXISTS', roomKey(ARGV[2], 'info')) == 0 then return 0 end
redis.call('HSET', roomKey(ARGV[2], 'features'), ARGV[3], ARGV[4])
return 1
`

/** ARGV: prefix, room, update, strokes, max bytes, max strokes. Returns the log's length, -1 full, -2 no room. */
const BOARD_APPEND = `${LUA_PRELUDE}
local room, update = ARGV[2], ARGV[3]
if redis.call('EXISTS', roomKey(room, 'info')) == 0 then return -2 end
local meta = redis.call('HMGET', roomKey(room, 'boardmeta'), 'bytes', 'strokes')
local bytes = (tonumber(meta[1]) or 0) + string.len(update)
local strokes = (tonumber(meta[2]) or 0) + tonumber(ARGV[4])
if bytes > tonumber(ARGV[5]) or strokes > tonumber(ARGV[6]) then return -1 end
redis.call('HSET', roomKey(room, 'boardmeta'), 'bytes', bytes, 'strokes', strokes)
return redis.call('RPUSH', roomKey(room, 'board'), update)
`

/** ARGV: prefix, room. Returns false for no room, else bytes, strokes, version, then the updates. */
const BOARD_READ = `${LUA_PRELUDE}
local room = ARGV[2]
if redis.call('EXISTS', roomKey(room, 'info')) == 0 then return false end
local meta = redis.call('HMGET', roomKey(room, 'boardmeta'), 'bytes', 'strokes', 'version')
local out = { meta[1] or '0', meta[2] or '0', meta[3] or '0' }
push(out, redis.call('LRANGE', roomKey(room, 'board'), 0, -1))
return out
`

/** ARGV: prefix, room, version, count, strokes at the read, merged, live strokes. Returns 1 if compacted. */
const BOARD_COMPACT = `${LUA_PRELUDE}
local room = ARGV[2]
local meta = redis.call('HMGET', roomKey(room, 'boardmeta'), 'bytes', 'strokes', 'version')
if redis.call('EXISTS', roomKey(room, 'info')) == 0 or (tonumber(meta[3]) or 0) ~= tonumber(ARGV[3]) then
  return 0
end
local count = tonumber(ARGV[4])
local bytes = tonumber(meta[1]) or 0
for _, update in ipairs(redis.call('LRANGE', roomKey(room, 'board'), 0, count - 1)) do
  bytes = bytes - string.len(update)
end
redis.call('LTRIM', roomKey(room, 'board'), count, -1)
redis.call('LPUSH', roomKey(room, 'board'), ARGV[6])
local strokes = tonumber(ARGV[7]) + (tonumber(meta[2]) or 0) - tonumber(ARGV[5])
redis.call('HSET', roomKey(room, 'boardmeta'), 'bytes', bytes + string.len(ARGV[6]), 'strokes', strokes,
  'version', (tonumber(meta[3]) or 0) + 1)
return 1
`

type Reply = (string | null)[] | null

interface Scripts {
  moimJoin(...args: string[]): Promise<Reply>
  moimLeave(...args: string[]): Promise<Reply>
  moimHold(...args: string[]): Promise<Reply>
  moimResume(...args: string[]): Promise<Reply>
  moimList(...args: string[]): Promise<Reply>
  moimRooms(...args: string[]): Promise<Reply>
  moimPeer(...args: string[]): Promise<Reply>
  moimUpdate(...args: string[]): Promise<Reply>
  moimAppend(...args: string[]): Promise<number>
  moimSetFeature(...args: string[]): Promise<number>
  moimBoardAppend(...args: string[]): Promise<number>
  moimBoardRead(...args: string[]): Promise<Reply>
  moimBoardCompact(...args: string[]): Promise<number>
}

/** A Peer with the protocol's field order, from the JSON a script stored (Lua tables keep no key order). */
function peerFrom(json: string | null): Peer {
  const stored = JSON.parse(json ?? '{}') as Peer
  const peer: Peer = {
    id: stored.id,
    name: stored.name,
    audio: stored.audio,
    video: stored.video,
    screen: stored.screen
  }
  if (stored.reconnecting === true) peer.reconnecting = true
  if (typeof stored.hand === 'number') peer.hand = stored.hand
  return peer
}

/** Four reply entries (room, count, capacity, locked) from `at`, as RoomInfo. */
function infoFrom(reply: (string | null)[], at: number): RoomInfo {
  return {
    name: reply[at] ?? '',
    count: Number(reply[at + 1]),
    capacity: Number(reply[at + 2]),
    locked: reply[at + 3] === '1'
  }
}

function infos(reply: (string | null)[], from: number): RoomInfo[] {
  const out: RoomInfo[] = []
  for (let at = from; at + 3 < reply.length; at += 4) out.push(infoFrom(reply, at))
  return out
}

export class RedisRoomStore implements RoomStore {
  readonly nodeId: string
  private readonly redis: Redis & Scripts
  private readonly prefix: string
  private readonly heartbeatTtlMs: number
  private heartbeat: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly options: RedisRoomStoreOptions,
    redisOptions: RedisOptions = {}
  ) {
    this.nodeId = options.nodeId ?? randomUUID()
    // One hash tag for every key: a Redis Cluster keeps them in one slot, where the scripts may reach them all.
    this.prefix = `${options.prefix ?? 'moim'}:{rooms}`
    this.heartbeatTtlMs = options.heartbeatTtlMs ?? 10_000
    this.redis = new Redis(options.url, {
      // Fail a command at once while Redis is unreachable instead of queueing it: the server answers
      // `unavailable` and nothing waits for minutes. ioredis keeps reconnecting by itself.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      ...redisOptions
    }) as Redis & Scripts
    const scripts: [keyof Scripts, string][] = [
      ['moimJoin', JOIN],
      ['moimLeave', LEAVE],
      ['moimHold', HOLD],
      ['moimResume', RESUME],
      ['moimList', LIST],
      ['moimRooms', ROOMS],
      ['moimPeer', PEER],
      ['moimUpdate', UPDATE],
      ['moimAppend', APPEND],
      ['moimSetFeature', SET_FEATURE],
      ['moimBoardAppend', BOARD_APPEND],
      ['moimBoardRead', BOARD_READ],
      ['moimBoardCompact', BOARD_COMPACT]
    ]
    for (const [name, lua] of scripts) this.redis.defineCommand(name, { numberOfKeys: 0, lua })
    // ioredis reconnects by itself; say once that Redis went away and once that it is back, not every retry.
    let lost = false
    this.redis.on('error', (error: Error) => {
      if (lost) return
      lost = true
      log.warn('lost Redis; requests answer unavailable until it is back', { error: error.message })
    })
    this.redis.on('ready', () => {
      if (lost) log.info('Redis is back')
      lost = false
    })
  }

  /** The underlying client, for the Socket.IO adapter's own connection settings and for tests. */
  get client(): Redis {
    return this.redis
  }

  /** Connects (rejecting when Redis cannot be reached) and starts this node's heartbeat. */
  async connect(): Promise<void> {
    try {
      await this.redis.connect()
    } catch (error) {
      // Stop ioredis's own retries: the caller decides what a node without Redis does (the CLI exits).
      this.redis.disconnect()
      const reason = error instanceof Error ? error.message : String(error)
      throw new StoreUnavailableError(`cannot reach Redis at ${this.options.url} (${reason})`)
    }
    await this.beat()
    this.heartbeat = setInterval(() => void this.beat().catch(() => undefined), this.heartbeatTtlMs / 3)
    this.heartbeat.unref?.()
  }

  private async beat(): Promise<void> {
    await this.redis
      .multi()
      .set(`${this.prefix}:node:${this.nodeId}`, '1', 'PX', this.heartbeatTtlMs)
      .sadd(`${this.prefix}:nodes`, this.nodeId)
      .exec()
  }

  /**
   * Takes the peers of every node whose heartbeat has expired out of their rooms, and forgets those nodes.
   * Returns what each leave did, so the caller can tell the rooms. Safe to run on every node at once: a peer is
   * left once (the leave script finds it gone the second time).
   */
  async reapDeadNodes(): Promise<LeaveOutcome[]> {
    const outcomes: LeaveOutcome[] = []
    for (const node of await this.redis.smembers(`${this.prefix}:nodes`)) {
      if (node === this.nodeId || (await this.redis.exists(`${this.prefix}:node:${node}`)) === 1) continue
      for (const peerId of await this.redis.smembers(`${this.prefix}:node:${node}:peers`)) {
        // Only while it is still that node's: it may have resumed through a live node meanwhile.
        const outcome = await this.leaveIf(peerId, 'node', node)
        if (outcome !== undefined) outcomes.push(outcome)
      }
      await this.redis.srem(`${this.prefix}:nodes`, node)
      await this.redis.del(`${this.prefix}:node:${node}:peers`)
    }
    return outcomes
  }

  async join(input: JoinInput): Promise<JoinOutcome> {
    const preset = this.options.presetPasswords?.[input.room] ?? ''
    // The script picks the first free one; capacity choices always hold one (see nameChoices).
    const names = nameChoices(input.name, this.options.capacity).flatMap((choice) => [
      choice.name,
      choice.key
    ])
    const reply = await this.call(
      this.redis.moimJoin(
        this.prefix,
        input.room,
        input.peer.id,
        JSON.stringify(input.peer),
        input.passwordDigest ?? '',
        preset,
        String(this.options.capacity),
        String(this.options.maxRooms),
        this.nodeId,
        input.tokenDigest,
        input.connection,
        ...names
      )
    )
    if (reply === null || reply[0] !== 'ok') return { ok: false, code: (reply?.[0] ?? 'full') as JoinRefusal }
    const name = reply[1] ?? ''
    const room = infoFrom(reply, 3)
    const others = Number(reply[7])
    const peers = reply.slice(8, 8 + others).map(peerFrom)
    const history = reply.slice(8 + others).map((json) => JSON.parse(json ?? 'null') as ChatMessage)
    const self: Peer = { ...input.peer, name }
    return { ok: true, self: peerFrom(JSON.stringify(self)), peers, room, history, created: reply[2] === '1' }
  }

  leave(peerId: string, connection?: string): Promise<LeaveOutcome | undefined> {
    return connection === undefined ? this.leaveIf(peerId) : this.leaveIf(peerId, 'conn', connection)
  }

  private async leaveIf(
    peerId: string,
    ...condition: [] | ['held' | 'node' | 'conn', string]
  ): Promise<LeaveOutcome | undefined> {
    const reply = await this.call(this.redis.moimLeave(this.prefix, peerId, ...condition))
    if (reply === null) return undefined
    return { room: infoFrom(reply, 0), peer: peerFrom(reply[4]), removed: reply[5] === '1' }
  }

  async hold(
    peerId: string,
    connection: string,
    until: number
  ): Promise<{ room: string; peer: Peer } | undefined> {
    const reply = await this.call(this.redis.moimHold(this.prefix, peerId, connection, String(until)))
    return reply === null ? undefined : { room: reply[0] ?? '', peer: peerFrom(reply[1]) }
  }

  async resume(input: ResumeInput): Promise<ResumeOutcome> {
    const reply = await this.call(
      this.redis.moimResume(this.prefix, input.tokenDigest, input.connection, this.nodeId)
    )
    if (reply === null || reply[0] !== 'ok') return { ok: false, code: 'resume-failed' }
    const others = Number(reply[8])
    return {
      ok: true,
      previousConnection: reply[1] ?? '',
      wasHeld: reply[2] === '1',
      self: peerFrom(reply[3]),
      room: infoFrom(reply, 4),
      peers: reply.slice(9, 9 + others).map(peerFrom),
      history: reply.slice(9 + others).map((json) => JSON.parse(json ?? 'null') as ChatMessage)
    }
  }

  expire(peerId: string, until: number): Promise<LeaveOutcome | undefined> {
    return this.leaveIf(peerId, 'held', String(until))
  }

  async list(): Promise<RoomList> {
    const reply = (await this.call(this.redis.moimList(this.prefix, String(LIMITS.listedRooms)))) ?? ['0']
    return { total: Number(reply[0]), rooms: infos(reply, 1) }
  }

  async rooms(): Promise<RoomInfo[]> {
    return infos((await this.call(this.redis.moimRooms(this.prefix))) ?? [], 0)
  }

  async peer(peerId: string): Promise<{ room: string; peer: Peer } | undefined> {
    const reply = await this.call(this.redis.moimPeer(this.prefix, peerId))
    return reply === null ? undefined : { room: reply[0] ?? '', peer: peerFrom(reply[1]) }
  }

  async updatePeer(peerId: string, change: PeerChange): Promise<{ room: string; peer: Peer } | undefined> {
    const { name, ...flags } = change
    const names = name === undefined ? [] : nameChoices(name, this.options.capacity)
    const reply = await this.call(
      this.redis.moimUpdate(
        this.prefix,
        peerId,
        JSON.stringify(flags),
        ...names.flatMap((choice) => [choice.name, choice.key])
      )
    )
    return reply === null ? undefined : { room: reply[0] ?? '', peer: peerFrom(reply[1]) }
  }

  async appendHistory(room: string, message: ChatMessage): Promise<boolean> {
    const added = await this.call(
      this.redis.moimAppend(
        this.prefix,
        room,
        JSON.stringify(message),
        String(LIMITS.history),
        String(LIMITS.historyBytes)
      )
    )
    return added === 1
  }

  async history(room: string): Promise<ChatMessage[]> {
    const entries = await this.call(this.redis.lrange(`${this.prefix}:r:${room}:history`, 0, -1))
    return entries.map((json) => JSON.parse(json) as ChatMessage)
  }

  async getFeature<K extends keyof RoomFeatures>(room: string, key: K): Promise<RoomFeatures[K] | undefined> {
    const json = await this.call(this.redis.hget(`${this.prefix}:r:${room}:features`, String(key)))
    return json === null ? undefined : (JSON.parse(json) as RoomFeatures[K])
  }

  async setFeature<K extends keyof RoomFeatures>(
    room: string,
    key: K,
    value: RoomFeatures[K]
  ): Promise<boolean> {
    const set = await this.call(
      this.redis.moimSetFeature(this.prefix, room, String(key), JSON.stringify(value))
    )
    return set === 1
  }

  async appendBoard(
    room: string,
    update: string,
    strokes: number,
    bounds: BoardBounds
  ): Promise<BoardAppendOutcome> {
    const length = await this.call(
      this.redis.moimBoardAppend(
        this.prefix,
        room,
        update,
        String(strokes),
        String(bounds.maxBytes),
        String(bounds.maxStrokes)
      )
    )
    if (length === -2) return { ok: false, code: 'no-room' }
    if (length === -1) return { ok: false, code: 'board-full' }
    return { ok: true, updates: length }
  }

  async readBoard(room: string): Promise<BoardLog | undefined> {
    const reply = await this.call(this.redis.moimBoardRead(this.prefix, room))
    if (reply === null) return undefined
    return {
      bytes: Number(reply[0]),
      strokes: Number(reply[1]),
      version: Number(reply[2]),
      updates: reply.slice(3).map((update) => update ?? '')
    }
  }

  async compactBoard(room: string, compaction: BoardCompaction): Promise<boolean> {
    const done = await this.call(
      this.redis.moimBoardCompact(
        this.prefix,
        room,
        String(compaction.version),
        String(compaction.count),
        String(compaction.strokes),
        compaction.merged,
        String(compaction.liveStrokes)
      )
    )
    return done === 1
  }

  /** A command's answer; a failure to reach Redis (down, cut off) becomes StoreUnavailableError. */
  private call<T>(command: Promise<T>): Promise<T> {
    return command.catch((error: unknown) => {
      throw new StoreUnavailableError(`Redis: ${error instanceof Error ? error.message : String(error)}`)
    })
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat)
    // Its own peers are gone with it; its heartbeat key ends by itself, so the other nodes reap nothing.
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}
