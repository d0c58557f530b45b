/**
 * One person's use of the app, from start to finish: connect to a server and list its rooms (the lobby), join,
 * the call itself (a Call), leave or reconnect, and what is remembered between runs (the name, recent hosts).
 * Components render `state`, `call.state` and `media.state` and call methods here; they hold UI state only.
 *
 * Addresses arrive parsed (a JoinAddress from `parseJoinAddress`): the lobby or the invite handler parses what
 * the user typed once, and nothing downstream parses it again.
 */
import { displayAddress, parseJoinAddress } from '../../../shared/join-address'
import type { JoinAddress } from '../../../shared/join-address'
import type { IpcResult, RecentHost } from '../../../shared/ipc'
import { createLogger } from '../../../shared/logger'
import { Call } from './call'
import type { CallOptions } from './call'
import { Emitter } from './emitter'
import type { LocalMedia } from './local-media'
import { CALL_LAYOUTS, DEFAULT_PREFERENCES, loadPreferences, savePreferences } from './preferences'
import type { CallLayout } from './preferences'
import { ok } from './result'
import type { Result } from './result'
import type { CallError } from './types'

const log = createLogger('session')

/** What the page's URL asks for: `?room=ROOM` fills the lobby, `?room=ROOM&name=NAME` joins at once. */
export interface UrlIntent {
  room: string | null
  name: string | null
}

/** Reads `?room=` and `?name=` from a query string; blank values count as absent. */
export function readUrlIntent(search: string): UrlIntent {
  const params = new URLSearchParams(search)
  const value = (key: string) => params.get(key)?.trim() || null
  return { room: value('room'), name: value('name') }
}

/** Where recent hosts are kept: main's file in the desktop app, localStorage in a browser (see platform.ts). */
export interface RecentHostsStore {
  list(): Promise<IpcResult<RecentHost[]>>
  add(address: JoinAddress, room: string): Promise<IpcResult<RecentHost[]>>
}

/** What the Session needs from the platform bridge. */
export interface SessionPlatform {
  recent: RecentHostsStore
  invite: {
    /** The invite link the app was opened with, if any. */
    pending(): Promise<IpcResult<string | null>>
    onOpened(listener: (link: string) => void): () => void
  }
}

/** A join as the lobby (or the host panel) asks for it, already validated. */
export interface JoinIntent {
  name: string
  room: string
  password?: string
  /** The server; null means the one the page was served by. */
  server: JoinAddress | null
  /** The room is the one this app hosts, so its end is the user's own doing. */
  ownRoom?: boolean
}

/** What the lobby's fields start with. */
export interface LobbyFields {
  name: string
  room: string
  /** `HOST:PORT` as a person types it. */
  server: string
}

export interface SessionState {
  /** Where the lobby's fields start: remembered name and invite first, then the last join attempt. */
  lobby: LobbyFields
  /** Servers joined before (`HOST:PORT`), newest first, suggested in the server field. */
  recentServers: string[]
  /** A join is under way (connecting to the server and joining the room). */
  joining: boolean
  /** Why the last join failed; null once a join starts or succeeds. */
  joinError: CallError | null
  /** The current (or last) call was in the room this app hosts. */
  ownRoom: boolean
  /** The call's layout the user chose, remembered between runs. */
  layout: CallLayout
}

export interface SessionOptions {
  /** The Call to drive (tests), or options for the one the Session creates. */
  call?: Call | CallOptions
  /** Recent hosts and invites; none in tests that do not need them. */
  platform?: SessionPlatform
  /** The server the page was served by (a browser guest), or null (the desktop app: the user types one). */
  pageServer?: JoinAddress | null
  /** `?room=` and `?name=` of the page. */
  intent?: UrlIntent
  /** Remember the name and the layout in the preferences (default true). */
  persist?: boolean
}

export class Session {
  readonly call: Call
  private readonly emitter = new Emitter<{ change: (state: SessionState) => void }>()
  private readonly platform: SessionPlatform | null
  private readonly pageServer: JoinAddress | null
  private readonly intent: UrlIntent
  private readonly persist: boolean
  private current: SessionState
  /** The server the Call is connected (or connecting) to, and that attempt, so a join reuses it. */
  private connectedTo: string | null = null
  private connecting: Promise<Result<void>> | null = null
  /** True while `connecting` has not settled. */
  private connectingPending = false
  private readonly unsubscribers: (() => void)[] = []

  constructor(options: SessionOptions = {}) {
    this.call = options.call instanceof Call ? options.call : new Call(options.call)
    this.platform = options.platform ?? null
    this.pageServer = options.pageServer ?? null
    this.intent = options.intent ?? { room: null, name: null }
    this.persist = options.persist ?? true
    this.current = Object.freeze({
      lobby: {
        name: this.intent.name ?? (this.persist ? loadPreferences().name : ''),
        room: this.intent.room ?? '',
        server: ''
      },
      recentServers: [],
      joining: false,
      joinError: null,
      ownRoom: false,
      layout: (this.persist ? loadPreferences() : DEFAULT_PREFERENCES).layout
    })
  }

  get state(): SessionState {
    return this.current
  }

  get media(): LocalMedia {
    return this.call.media
  }

  /** True when the page was served by a Moim server, which is then the only one used. */
  get hasPageServer(): boolean {
    return this.pageServer !== null
  }

  subscribe(listener: (state: SessionState) => void): () => void {
    return this.emitter.on('change', listener)
  }

  /**
   * Starts the session: the camera and microphone for the lobby's preview, then either the page's server (joining
   * at once when the invite link named both room and name) or, in the desktop app, recent hosts and invites.
   */
  async start(): Promise<void> {
    void this.media.start()
    if (this.pageServer !== null) {
      const { room, name } = this.intent
      if (room && name) await this.join({ room, name, server: null })
      else await this.selectServer(this.pageServer)
      return
    }
    const platform = this.platform
    if (platform === null) return
    const recent = await platform.recent.list()
    if (recent.ok) this.update({ recentServers: recent.value.map((entry) => entry.address) })
    const pending = await platform.invite.pending()
    if (pending.ok && pending.value) this.openInvite(pending.value)
    this.unsubscribers.push(platform.invite.onOpened((link) => this.openInvite(link)))
  }

  /**
   * An invite link (`moim://…`): fills the lobby and lists that server's rooms. An invite opened during a call
   * must not pull the user out of it; it only fills the lobby for later.
   */
  openInvite(link: string): void {
    const parsed = parseJoinAddress(link)
    if (!parsed.ok) {
      log.warn('an invite that does not parse', { message: parsed.message })
      // Shown in the lobby's address field with what is wrong with it, rather than dropped without a word.
      const error: CallError = { code: 'bad-invite', message: parsed.message }
      if (parsed.room) Object.assign(error, { field: 'room', reason: parsed.room.reason })
      this.update({ lobby: { ...this.current.lobby, server: link.trim() }, joinError: error })
      return
    }
    const { host, port, room } = parsed.value
    const lobby = this.current.lobby
    this.update({ lobby: { ...lobby, server: displayAddress(host, port), room: room ?? lobby.room } })
    if (this.call.state.phase === 'lobby') void this.connect(parsed.value)
  }

  /** The user named a server (the lobby's address field): list its rooms, unless already connected there. */
  selectServer(address: JoinAddress): Promise<Result<void>> {
    if (address.url === this.connectedTo && this.connecting !== null) return this.connecting
    return this.connect(address)
  }

  /**
   * Joins a room: connects to the server first if needed (reusing a connection or an attempt under way), then
   * joins, remembers the name and the host. `state.joining` and `state.joinError` follow it.
   */
  async join(intent: JoinIntent): Promise<Result<void>> {
    const server = intent.server ?? this.pageServer
    this.update({
      joining: true,
      joinError: null,
      ownRoom: intent.ownRoom ?? false,
      lobby: {
        name: intent.name,
        room: intent.room,
        server: intent.server
          ? displayAddress(intent.server.host, intent.server.port)
          : this.current.lobby.server
      }
    })
    let result: Result<void>
    try {
      result =
        server === null
          ? { ok: false, error: { code: 'invalid', message: 'Enter the host’s address.' } }
          : await this.joinAt(server, intent)
    } catch (error) {
      // The core answers with Results; a throw is a bug, but the user still deserves a message, not a dead button.
      result = {
        ok: false,
        error: { code: 'invalid', message: `Joining failed unexpectedly: ${String(error)}` }
      }
    }
    this.update({ joining: false, joinError: result.ok ? null : result.error })
    return result
  }

  /** Switches the call's layout and remembers it; anything but a known layout is ignored. */
  setLayout(layout: CallLayout): void {
    if (!CALL_LAYOUTS.includes(layout) || layout === this.current.layout) return
    if (this.persist) savePreferences({ layout })
    this.update({ layout })
  }

  /** Leaves the room, back to the lobby of the same server. */
  async leave(): Promise<void> {
    await this.call.leave()
  }

  /** After a call ended: back to the lobby, reconnecting to the page's server so it lists its rooms again. */
  async backToLobby(): Promise<void> {
    this.update({ joinError: null })
    if (this.pageServer !== null) await this.connect(this.pageServer)
  }

  /** Ends everything: the call, the devices, the listeners. */
  dispose(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe()
    this.call.dispose()
    this.emitter.clear()
  }

  private async joinAt(server: JoinAddress, intent: JoinIntent): Promise<Result<void>> {
    const connected = await this.ensureConnected(server)
    if (!connected.ok) return connected
    const joined = await this.call.join({
      room: intent.room,
      name: intent.name,
      ...(intent.password ? { password: intent.password } : {})
    })
    if (!joined.ok) return joined
    if (this.persist) savePreferences({ name: intent.name })
    // The page's own server is not a host the user chose; it is not worth suggesting.
    if (intent.server !== null && this.platform !== null) void this.remember(intent.server, intent.room)
    return ok()
  }

  private async remember(address: JoinAddress, room: string): Promise<void> {
    const result = await this.platform?.recent.add(address, room)
    if (result?.ok) this.update({ recentServers: result.value.map((entry) => entry.address) })
  }

  private connect(address: JoinAddress): Promise<Result<void>> {
    this.connectedTo = address.url
    this.connectingPending = true
    const attempt = this.call.connect(address).then((result) => {
      if (attempt === this.connecting) this.connectingPending = false
      if (!result.ok) log.warn('could not connect', { url: address.url, code: result.error.code })
      return result
    })
    this.connecting = attempt
    return attempt
  }

  /**
   * Reuses the connection (or the attempt under way) to `address`. An attempt that was still under way when the
   * user pressed Join answers the join too, even when it fails: trying again would make them wait twice for the
   * same timeout. A failure from before (the server may have been started since) or a dropped connection is
   * retried.
   */
  private async ensureConnected(address: JoinAddress): Promise<Result<void>> {
    if (this.connectedTo === address.url && this.connecting !== null) {
      const wasUnderWay = this.connectingPending
      const previous = await this.connecting
      if (previous.ok && this.call.state.server === 'connected') return previous
      if (!previous.ok && wasUnderWay) return previous
    }
    return this.connect(address)
  }

  private update(changes: Partial<SessionState>): void {
    this.current = Object.freeze({ ...this.current, ...changes })
    this.emitter.emit('change', this.current)
  }
}
