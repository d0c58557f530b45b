/**
 * Host mode: starts the embedded signaling server (the same one `npm run host` runs) on the LAN, on DEFAULT_PORT or
 * the next free port, serving the built web client so browsers can join; lists the addresses others can use, with
 * invite links and QR codes; shows who is in the room (from the server's membership events); and stops it, telling
 * every guest why.
 *
 * Plain Node (no electron import), so it is tested as the main process uses it.
 */
import type { NetworkInterfaceInfo } from 'node:os'
import QRCode from 'qrcode'
import * as v from 'valibot'
import type { HostAddress, HostStartRequest, HostStatus, IpcResult } from '../shared/ipc'
import { appInviteLink, browserInviteLink, displayAddress } from '../shared/join-address'
import { createLogger } from '../shared/logger'
import { DEFAULT_PORT, LIMITS } from '../shared/protocol'
import type { ClosingReason, Peer, RoomInfo } from '../shared/protocol'
import { displayNameSchema, roomNameSchema, validate } from '../shared/schemas'
import type { LanAdvertiser } from './lan-advertiser'
import { usefulNetworkAddresses } from './network-addresses'
import type { NetworkAddress } from './network-addresses'
import { createSignalingServer } from '../server/server'
import type { SignalingServer } from '../server/server'

const log = createLogger('hosting')

export const hostStartRequestSchema = v.strictObject({
  name: displayNameSchema,
  room: roomNameSchema,
  password: v.optional(
    v.pipe(
      v.string('password must be a string'),
      v.minLength(1, 'password must not be empty (leave it out for an open room)'),
      v.maxLength(LIMITS.password, `password must be at most ${LIMITS.password} characters`)
    )
  ),
  capacity: v.optional(
    v.pipe(
      v.number('capacity must be a number'),
      v.integer('capacity must be a whole number'),
      v.minValue(2, 'capacity must be at least 2'),
      v.maxValue(LIMITS.maxCapacity, `capacity must be at most ${LIMITS.maxCapacity}`)
    )
  )
})

type StartRequest = v.InferOutput<typeof hostStartRequestSchema>
// Compile-time proof that the schema produces exactly the IPC request type.
const schemaMatchesIpc: [StartRequest, HostStartRequest] extends [HostStartRequest, StartRequest]
  ? true
  : false = true
void schemaMatchesIpc

export interface HostingOptions {
  /** The built web client to serve to browser guests (out/renderer); nothing is served when absent. */
  staticDir?: string
  /** First port tried (default DEFAULT_PORT); the next ones are tried while taken. 0 picks any free port. */
  port?: number
  /** How many consecutive ports to try before giving up (default 10). */
  portAttempts?: number
  /** Address to listen on (default: every interface, IPv4 and IPv6). */
  listenHost?: string
  /** The machine's interfaces (tests pass a fixed table). */
  interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>
  /**
   * Web origins whose pages may connect (`Origin` header), besides pages the server serves itself, the desktop
   * app and native clients (no Origin); see server/origin-policy.ts. The desktop app passes its own page's
   * origin (which matters in dev, where it is the Vite server's). Default none, as `npm run host`, so a website
   * someone on the LAN happens to open cannot join the host's rooms from their browser.
   */
  allowedOrigins?: readonly string[] | '*'
  /** How often to look for changed addresses while hosting (a laptop moving between networks); default 10 s. */
  addressRefreshMs?: number
  /** Advertises the hosted room on the local network while hosting (the desktop app); default none. */
  advertiser?: Pick<LanAdvertiser, 'start' | 'stop'>
}

type Running = Extract<HostStatus, { running: true }>

/** Starts and stops the embedded server; one at a time. */
export class HostingService {
  private server: SignalingServer | undefined
  private current: Running | undefined
  private starting = false
  private readonly listeners = new Set<(status: HostStatus) => void>()
  /**
   * Who is in the hosted room (by peer id, in join order) and every room of the server, as the server's membership
   * events last said: a view for the status, owned by the server's room store.
   */
  private readonly people = new Map<string, Peer>()
  private readonly rooms = new Map<string, RoomInfo>()
  private notifyPending = false
  private refreshTimer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly options: HostingOptions = {}) {}

  /** The current status (a snapshot). */
  status(): HostStatus {
    return this.current
      ? {
          ...this.current,
          people: [...this.people.values()].map((peer) => peer.name),
          rooms: [...this.rooms.values()]
        }
      : { running: false }
  }

  /** True when `address`:`port` is the server this app hosts now (its own lobby does not list it). */
  isOwnServer(address: string, port: number): boolean {
    const running = this.current
    return (
      running !== undefined && running.port === port && running.addresses.some((a) => a.address === address)
    )
  }

  /** The running signaling server, for tests and for the main process's shutdown. */
  get signalingServer(): SignalingServer | undefined {
    return this.server
  }

  /** Calls `listener` with the new status after every change; returns an unsubscribe function. */
  onChange(listener: (status: HostStatus) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Validates the request, starts the server and answers the status, or why it could not start. */
  async start(input: unknown): Promise<IpcResult<HostStatus>> {
    const checked = validate(hostStartRequestSchema, input)
    if (!checked.ok) return { ok: false, code: 'invalid', message: checked.message }
    if (this.server || this.starting) {
      return { ok: false, code: 'already-hosting', message: 'A room is already being hosted; stop it first.' }
    }
    this.starting = true
    try {
      return await this.listen(checked.value)
    } finally {
      this.starting = false
    }
  }

  /** Tells every guest `server:closing` (reason `host-stopped` unless given), disconnects them and frees the port. */
  async stop(reason: ClosingReason = 'host-stopped'): Promise<HostStatus> {
    const server = this.server
    if (!server) return { running: false }
    this.server = undefined
    this.current = undefined
    this.people.clear()
    this.rooms.clear()
    clearInterval(this.refreshTimer)
    // Goodbye on the network first, so other lobbies drop the room before its server stops answering.
    await this.options.advertiser?.stop()
    await server.close(reason)
    log.info('stopped hosting', { reason })
    this.emit()
    return { running: false }
  }

  private async listen(request: StartRequest): Promise<IpcResult<HostStatus>> {
    const first = this.options.port ?? DEFAULT_PORT
    const attempts = first === 0 ? 1 : Math.max(1, this.options.portAttempts ?? 10)
    const capacity = request.capacity ?? LIMITS.capacity
    for (let port = first; port < first + attempts && port <= 65_535; port++) {
      const server = createSignalingServer({
        capacity,
        staticDir: this.options.staticDir,
        allowedOrigins: this.options.allowedOrigins,
        // The server locks the hosted room from the first join, so a guest who arrives before the host's own
        // page cannot open it, and wrong guesses go through the server's one per-address limiter.
        roomPasswords: request.password === undefined ? undefined : { [request.room]: request.password }
      })
      try {
        const bound = await server.listen(port, this.options.listenHost)
        this.server = server
        this.watchMembership(server, request.room)
        const described = await this.describe(request, bound.host, bound.port, capacity)
        // stop() may have run while the QR codes were drawn: then this server is already closed.
        if (this.server !== server)
          return { ok: false, code: 'failed', message: 'Hosting was stopped while starting.' }
        this.current = described
        log.info('hosting', {
          room: request.room,
          port: bound.port,
          addresses: this.current.addresses.length
        })
        this.refreshTimer = setInterval(
          () => void this.refreshAddresses(),
          this.options.addressRefreshMs ?? 10_000
        )
        // Never keeps the process alive on its own (the CLI and tests exit when the server closes).
        this.refreshTimer.unref?.()
        // Not awaited: announcing takes about a second of probing, and hosting works without it.
        void this.options.advertiser?.start({
          name: request.name,
          room: request.room,
          locked: request.password !== undefined,
          port: bound.port
        })
        this.emit()
        return { ok: true, value: this.status() }
      } catch (error) {
        await server.close('shutdown')
        if (this.server === server) {
          this.server = undefined
          this.current = undefined
        }
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'EADDRINUSE') {
          log.info('port taken, trying the next one', { port })
          continue
        }
        log.error('could not start hosting', { port, error: String(error) })
        const message =
          code === 'EACCES'
            ? `Not allowed to listen on port ${port}.`
            : code === 'EADDRNOTAVAIL'
              ? `${this.options.listenHost} is not an address of this machine.`
              : `Could not start the server: ${(error as Error).message}`
        return { ok: false, code: 'failed', message }
      }
    }
    return {
      ok: false,
      code: 'port-unavailable',
      message: `Ports ${first} to ${first + attempts - 1} are all in use; close the program using them and try again.`
    }
  }

  private async describe(
    request: StartRequest,
    boundHost: string,
    port: number,
    capacity: number
  ): Promise<Running> {
    const wildcard = boundHost === '::' || boundHost === '0.0.0.0'
    const found = this.findAddresses(boundHost)
    const addresses = await Promise.all(found.map((entry) => hostAddress(entry, port, request.room)))
    const running: Running = {
      running: true,
      port,
      room: request.room,
      name: request.name,
      capacity,
      locked: request.password !== undefined,
      // Loopback reaches a wildcard listener on every OS; the host's own page needs nothing else.
      localUrl: `http://${displayAddress(wildcard ? '127.0.0.1' : boundHost, port)}`,
      addresses,
      people: [],
      rooms: [],
      startedAt: Date.now()
    }
    if (request.password !== undefined) running.password = request.password
    return running
  }

  /** Where others can reach a server bound to `boundHost`: every useful address for a wildcard, else that one. */
  private findAddresses(boundHost: string): NetworkAddress[] {
    if (boundHost === '::' || boundHost === '0.0.0.0') {
      return usefulNetworkAddresses(this.options.interfaces?.()).filter(
        (entry) => boundHost === '::' || entry.family === 'IPv4'
      )
    }
    return [
      {
        interface: 'listening address',
        address: boundHost,
        family: boundHost.includes(':') ? 'IPv6' : 'IPv4'
      }
    ]
  }

  /** Re-reads the interfaces; when the useful addresses changed, rebuilds links and QR codes and reports it. */
  private async refreshAddresses(): Promise<void> {
    const current = this.current
    const bound = this.server?.address()
    if (current === undefined || bound == null) return
    const found = this.findAddresses(bound.host)
    const key = (list: readonly { interface: string; address: string }[]): string =>
      list.map((entry) => `${entry.interface} ${entry.address}`).join('|')
    if (key(found) === key(current.addresses)) return
    const addresses = await Promise.all(found.map((entry) => hostAddress(entry, current.port, current.room)))
    if (this.current !== current) return
    this.current = { ...current, addresses }
    log.info('network addresses changed', { addresses: addresses.map((entry) => entry.display) })
    this.emit()
  }

  /** Keeps the status's people and rooms in step with the server's membership events. */
  private watchMembership(server: SignalingServer, hostedRoom: string): void {
    const { events } = server
    const current = (): boolean => this.server === server
    const setRoom = (room: RoomInfo): void => {
      if (!current()) return
      this.rooms.set(room.name, room)
      this.scheduleNotify()
    }
    events.on('room-created', setRoom)
    events.on('room-changed', setRoom)
    events.on('room-removed', (room) => {
      if (current() && this.rooms.delete(room.name)) this.scheduleNotify()
    })
    const setPeer = ({ room, peer }: { room: string; peer: Peer }): void => {
      if (!current() || room !== hostedRoom) return
      this.people.set(peer.id, peer)
      this.scheduleNotify()
    }
    events.on('peer-joined', setPeer)
    events.on('peer-updated', setPeer)
    events.on('peer-left', ({ room, peer }) => {
      if (current() && room === hostedRoom && this.people.delete(peer.id)) this.scheduleNotify()
    })
  }

  /** Coalesces a burst of joins into one status event. */
  private scheduleNotify(): void {
    if (this.notifyPending) return
    this.notifyPending = true
    setImmediate(() => {
      this.notifyPending = false
      if (this.current) this.emit()
    })
  }

  private emit(): void {
    const status = this.status()
    for (const listener of this.listeners) {
      try {
        listener(status)
      } catch (error) {
        log.error('status listener failed', { error: String(error) })
      }
    }
  }
}

async function hostAddress(entry: NetworkAddress, port: number, room: string): Promise<HostAddress> {
  const browserLink = browserInviteLink(entry.address, port, room)
  return {
    interface: entry.interface,
    address: entry.address,
    family: entry.family,
    display: displayAddress(entry.address, port),
    appLink: appInviteLink(entry.address, port, room),
    browserLink,
    qrDataUrl: await qrDataUrl(browserLink)
  }
}

/** A QR code as an SVG data URL: crisp at any size, a few KB, and made here so the renderer needs no QR library. */
export async function qrDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
}
