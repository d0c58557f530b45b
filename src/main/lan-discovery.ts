/**
 * Rooms on your network, the finding half: browses DNS-SD `_moim._tcp` over multicast DNS, checks each
 * advertisement (docs/PROTOCOL.md, "Finding servers on the network"), keeps only addresses on one of this
 * machine's networks, and lists a server only while its address answers `/moim.json` as a Moim server. The list is
 * what the lobby shows under "On your network" (IPC `lan:list`, `lan:changed`).
 *
 * Browsing uses multicast-dns directly rather than bonjour-service's browser: bonjour-service leaves the socket's
 * `error` event (EADDRINUSE, EACCES when port 5353 cannot be shared) without a listener, which would throw in the
 * main process, and it decodes TXT strings loosely (no UTF-8 check, values cut at a line break). Advertising is
 * lan-advertiser.ts (ciao).
 *
 * Plain Node (no electron import), so it runs in the main process, in tests and in their network namespaces alike.
 */
import { BlockList, isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import type { NetworkInterfaceInfo } from 'node:os'
import multicastDns from 'multicast-dns'
import type { MdnsPacket, MdnsRecord } from 'multicast-dns'
import type { LanServer } from '../shared/ipc'
import { checkDisplayName, checkRoomName } from '../shared/input-rules'
import { displayAddress } from '../shared/join-address'
import { createLogger } from '../shared/logger'
import { PROTOCOL_VERSION } from '../shared/protocol'

const log = createLogger('lan')

/** The DNS-SD service type, `_moim._tcp`, as ciao takes it. */
export const LAN_SERVICE_TYPE = 'moim'
/** The name browsed for (the PTR records' owner). */
export const LAN_SERVICE_NAME = `_${LAN_SERVICE_TYPE}._tcp.local`

export const LAN_LIMITS = {
  /** Servers listed at once: a LAN has a handful; a flood of fake ones must not grow the lobby (or memory). */
  servers: 32,
  /** Advertisements tracked (listed or being verified). */
  candidates: 64,
  /** TXT bytes one advertisement may carry: ours need under 120; anything near a packet is not ours. */
  txtBytes: 400,
  /** Addresses tried per advertisement. */
  addresses: 8,
  /** Bytes of a `/moim.json` answer read: the real one is about 60. */
  identityBytes: 1_024
} as const

/** One advertised service instance, as assembled from a response packet (what a source reports). */
export interface ServiceRecord {
  /** The instance's full name (`Minsu._moim._tcp.local`): the key while it is announced. */
  instance: string
  port: number
  /** A and AAAA records of the SRV target, as received. */
  addresses: string[]
  /** The TXT record's strings, as received. */
  txt: Uint8Array[]
}

/** Where advertisements come from: multicast DNS in the app; the browser test feeds records itself. */
export interface ServiceSource {
  /** Starts receiving; `up` for every (re)announcement, `down` for a goodbye. */
  start(listener: { up(record: ServiceRecord): void; down(instance: string): void }): void
  /** Asks the network for every instance again (a PTR query). */
  query(): void
  stop(): Promise<void>
}

/** What an advertisement says, once checked. */
export interface Advertisement {
  name: string
  room?: string
  locked: boolean
  port: number
}

export type AdvertisementResult = { ok: true; value: Advertisement } | { ok: false; reason: string }

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Reads the TXT strings of an advertisement (`v=1`, `name=…`, optional `room=…`, `locked=0|1`) and checks them with
 * the rules people's input gets: `name` a display name, `room` a room name. Anything else (control characters,
 * invalid UTF-8, oversized records, another protocol version) is refused, never repaired: a record that needs
 * repairing was not written by Moim.
 */
export function parseAdvertisement(port: number, txt: readonly Uint8Array[]): AdvertisementResult {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return { ok: false, reason: 'bad port' }
  const bytes = txt.reduce((sum, entry) => sum + entry.length, 0)
  if (bytes > LAN_LIMITS.txtBytes) return { ok: false, reason: `TXT of ${bytes} bytes` }
  const fields = new Map<string, string>()
  for (const entry of txt) {
    let text: string
    try {
      text = utf8.decode(entry)
    } catch {
      return { ok: false, reason: 'TXT is not UTF-8' }
    }
    const equals = text.indexOf('=')
    const key = (equals === -1 ? text : text.slice(0, equals)).toLowerCase()
    // RFC 6763 6.4: a key that appears again is ignored.
    if (key !== '' && !fields.has(key)) fields.set(key, equals === -1 ? '' : text.slice(equals + 1))
  }
  if (fields.get('v') !== String(PROTOCOL_VERSION)) return { ok: false, reason: 'another protocol version' }
  const name = checkDisplayName(fields.get('name') ?? '')
  if (!name.ok) return { ok: false, reason: `name: ${name.reason}` }
  const roomText = fields.get('room')
  const room = roomText === undefined ? undefined : checkRoomName(roomText)
  if (room && !room.ok) return { ok: false, reason: `room: ${room.reason}` }
  const locked = fields.get('locked')
  if (locked !== undefined && locked !== '0' && locked !== '1') return { ok: false, reason: 'bad locked' }
  return {
    ok: true,
    value: { name: name.value, ...(room ? { room: room.value } : {}), locked: locked === '1', port }
  }
}

/** The TXT an advertiser publishes: the same keys parseAdvertisement reads. */
export function advertisementTxt(ad: Omit<Advertisement, 'port'>): Record<string, string> {
  return {
    v: String(PROTOCOL_VERSION),
    name: ad.name,
    ...(ad.room === undefined ? {} : { room: ad.room }),
    locked: ad.locked ? '1' : '0'
  }
}

/**
 * The networks this machine is on: the subnet of every non-internal interface address (IPv4, and IPv6 other than
 * link-local, which an address without its zone cannot use). An advertised address outside them is not a
 * neighbour's, whatever the advertisement says, and is never contacted.
 */
export function localNetworks(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): BlockList {
  const networks = new BlockList()
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal || info.cidr === null) continue
      const [address, prefix] = info.cidr.split('/')
      const family = info.family === 'IPv4' ? 'ipv4' : 'ipv6'
      if (family === 'ipv6' && /^fe[89ab]/i.test(address)) continue
      networks.addSubnet(address, Number(prefix), family)
    }
  }
  return networks
}

/** True when `address` answers GET /moim.json as a Moim server of our protocol within `timeoutMs`. */
export async function isMoimServer(address: string, port: number, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(`http://${displayAddress(address, port)}/moim.json`, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error'
    })
    if (!response.ok || response.body === null) return false
    // Read a bounded prefix: whatever answers on that port may send without end.
    const reader = response.body.getReader()
    const chunks: Uint8Array[] = []
    let size = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.length
      if (size > LAN_LIMITS.identityBytes) {
        void reader.cancel()
        return false
      }
      chunks.push(value)
    }
    const identity: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    const { app, protocol } = (identity ?? {}) as { app?: unknown; protocol?: unknown }
    return app === 'moim' && protocol === PROTOCOL_VERSION
  } catch {
    return false
  }
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/**
 * Service instances announced in one response packet: each PTR of `_moim._tcp.local` with its SRV, TXT and the
 * target's addresses from the same packet (responders send them together, RFC 6763 12.1), and the instances said
 * goodbye to (TTL 0). Records of any other shape are skipped.
 */
export function readPacket(packet: MdnsPacket): { up: ServiceRecord[]; down: string[] } {
  const records: MdnsRecord[] = [...(packet.answers ?? []), ...(packet.additionals ?? [])]
  const up: ServiceRecord[] = []
  const down: string[] = []
  for (const ptr of records) {
    if (ptr.type !== 'PTR' || !sameName(ptr.name, LAN_SERVICE_NAME) || typeof ptr.data !== 'string') continue
    const instance = ptr.data
    if (ptr.ttl === 0) {
      down.push(instance)
      continue
    }
    const srv = records.find((r) => r.type === 'SRV' && sameName(r.name, instance))
    const target = srv?.data as { port?: unknown; target?: unknown } | undefined
    if (typeof target?.port !== 'number' || typeof target.target !== 'string') continue
    if (srv?.ttl === 0) {
      down.push(instance)
      continue
    }
    const txtData = records.find((r) => r.type === 'TXT' && sameName(r.name, instance))?.data
    const txt = (Array.isArray(txtData) ? txtData : txtData instanceof Uint8Array ? [txtData] : []).filter(
      (entry): entry is Uint8Array => entry instanceof Uint8Array
    )
    const addresses = records
      .filter((r) => (r.type === 'A' || r.type === 'AAAA') && sameName(r.name, target.target as string))
      .map((r) => r.data)
      .filter((data): data is string => typeof data === 'string')
    up.push({ instance, port: target.port, addresses, txt })
  }
  return { up, down }
}

/** The multicast DNS source: one socket on port 5353, shared with the system's responder (SO_REUSEADDR). */
export function multicastDnsSource(): ServiceSource {
  const mdns = multicastDns({ reuseAddr: true })
  // Without an `error` listener an EventEmitter throws: port 5353 refused is a warning, not a crash.
  mdns.on('error', (error) => log.warn('multicast DNS unavailable', { error: String(error) }))
  mdns.on('warning', (error) => log.debug('multicast DNS warning', { error: String(error) }))
  const ask = (): void =>
    mdns.query({ questions: [{ name: LAN_SERVICE_NAME, type: 'PTR' }] }, (error) => {
      if (error) log.debug('query not sent', { error: String(error) })
    })
  return {
    start(listener) {
      mdns.on('response', (packet) => {
        const { up, down } = readPacket(packet)
        for (const instance of down) listener.down(instance)
        for (const record of up) listener.up(record)
      })
      ask()
    },
    query: ask,
    stop: () => new Promise((resolve) => mdns.destroy(() => resolve()))
  }
}

export interface LanDiscoveryOptions {
  /** Where advertisements come from (default: multicast DNS). */
  source?: () => ServiceSource
  /** The machine's interfaces, read at every check (tests pass a fixed table). */
  interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>
  /** How often every server is checked again (default 3 s), so one that dies unannounced goes within seconds. */
  recheckMs?: number
  /** How long a `/moim.json` check may take (default 2 s). */
  probeTimeoutMs?: number
  /** Re-ask the network every this many checks (default 10), for answers a lost packet kept from us. */
  queryEvery?: number
  /** True for this app's own hosted server, which its own lobby leaves out (default: none). */
  isOwn?: (server: LanServer) => boolean
}

interface Candidate {
  ad: Advertisement
  addresses: string[]
  /** Set once an address answered as a Moim server; cleared when it stops answering. */
  server?: LanServer
  checking: boolean
}

/** Keeps the verified list of Moim servers on the local network; one per app. */
export class LanDiscovery {
  private readonly candidates = new Map<string, Candidate>()
  private readonly listeners = new Set<(servers: LanServer[]) => void>()
  private source: ServiceSource | undefined
  private timer: ReturnType<typeof setInterval> | undefined
  private ticks = 0
  private lastKey = ''

  constructor(private readonly options: LanDiscoveryOptions = {}) {}

  /** Starts browsing (again a no-op while running). */
  start(): void {
    if (this.source) return
    const source = (this.options.source ?? multicastDnsSource)()
    this.source = source
    source.start({
      up: (record) => this.onUp(record),
      down: (instance) => this.onDown(instance)
    })
    this.timer = setInterval(() => this.tick(), this.options.recheckMs ?? 3_000)
    this.timer.unref?.()
    log.info('looking for Moim servers on the network')
  }

  async stop(): Promise<void> {
    const source = this.source
    this.source = undefined
    clearInterval(this.timer)
    this.candidates.clear()
    this.emitIfChanged()
    await source?.stop()
  }

  /** The verified servers, by name then address. */
  list(): LanServer[] {
    const seen = new Set<string>()
    const servers: LanServer[] = []
    for (const candidate of this.candidates.values()) {
      const server = candidate.server
      // Two advertisements of one address and port: the first one stays (a copy may not rename a server).
      if (server === undefined || seen.has(server.id) || this.options.isOwn?.(server) === true) continue
      seen.add(server.id)
      servers.push(server)
    }
    servers.sort((a, b) => a.name.localeCompare(b.name) || a.display.localeCompare(b.display))
    return servers.slice(0, LAN_LIMITS.servers)
  }

  /** Calls `listener` with the new list after every change; returns an unsubscribe function. */
  onChange(listener: (servers: LanServer[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private onUp(record: ServiceRecord): void {
    const parsed = parseAdvertisement(record.port, record.txt)
    if (!parsed.ok) {
      log.debug('ignored an advertisement', { reason: parsed.reason })
      // An update that is no longer valid withdraws what the instance said before.
      if (this.candidates.delete(record.instance)) this.emitIfChanged()
      return
    }
    const networks = localNetworks((this.options.interfaces ?? networkInterfaces)())
    const addresses = [...new Set(record.addresses)]
      .filter((address) => {
        const family = isIP(address)
        return family !== 0 && networks.check(address, family === 4 ? 'ipv4' : 'ipv6')
      })
      // IPv4 first: it is what people read and type.
      .sort((a, b) => isIP(a) - isIP(b))
      .slice(0, LAN_LIMITS.addresses)
    if (addresses.length === 0) {
      log.debug('ignored an advertisement with no address on our networks', {
        addresses: record.addresses.slice(0, 4)
      })
      if (this.candidates.delete(record.instance)) this.emitIfChanged()
      return
    }
    const known = this.candidates.get(record.instance)
    if (known === undefined && this.candidates.size >= LAN_LIMITS.candidates) return
    const same =
      known !== undefined &&
      JSON.stringify([known.ad, known.addresses]) === JSON.stringify([parsed.value, addresses])
    if (same) return
    // What was listed stays listed until the check of the new advertisement says otherwise.
    const candidate: Candidate = { ad: parsed.value, addresses, server: known?.server, checking: false }
    this.candidates.set(record.instance, candidate)
    void this.check(record.instance, candidate)
  }

  private onDown(instance: string): void {
    if (this.candidates.delete(instance)) this.emitIfChanged()
  }

  private tick(): void {
    this.ticks++
    if (this.ticks % (this.options.queryEvery ?? 10) === 0) this.source?.query()
    for (const [instance, candidate] of this.candidates) void this.check(instance, candidate)
  }

  /** Asks each address of `candidate` for /moim.json; the first that answers is the one listed. */
  private async check(instance: string, candidate: Candidate): Promise<void> {
    if (candidate.checking) return
    candidate.checking = true
    let answered: string | undefined
    try {
      for (const address of candidate.addresses) {
        if (await isMoimServer(address, candidate.ad.port, this.options.probeTimeoutMs ?? 2_000)) {
          answered = address
          break
        }
      }
    } finally {
      candidate.checking = false
    }
    // Replaced or withdrawn while we asked: the newer state decides.
    if (this.candidates.get(instance) !== candidate) return
    const { ad } = candidate
    candidate.server =
      answered === undefined
        ? undefined
        : {
            id: displayAddress(answered, ad.port),
            name: ad.name,
            ...(ad.room === undefined ? {} : { room: ad.room }),
            locked: ad.locked,
            address: answered,
            port: ad.port,
            display: displayAddress(answered, ad.port)
          }
    this.emitIfChanged()
  }

  private emitIfChanged(): void {
    const servers = this.list()
    const key = JSON.stringify(servers)
    if (key === this.lastKey) return
    this.lastKey = key
    for (const listener of this.listeners) {
      try {
        listener(servers)
      } catch (error) {
        log.error('list listener failed', { error: String(error) })
      }
    }
  }
}
