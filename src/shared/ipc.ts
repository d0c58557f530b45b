/**
 * The IPC contract between the renderer (through the preload bridge `window.moim`) and the main process: every
 * channel name in one map, the request and response types of each, and the result type every handler answers
 * with. Main validates every argument (ipc-schemas in src/main/ipc.ts) and checks every sender; the renderer never
 * sees a thrown error, only `{ ok: false, code, message }`.
 *
 * Types only (plus the channel names), so the preload (sandboxed CommonJS) and the renderer can import it freely.
 */
import type { RoomInfo } from './protocol'

/** Renderer -> main requests (`ipcRenderer.invoke` / `ipcMain.handle`), and main -> renderer events (`send`/`on`). */
export const IpcChannels = {
  /** Start hosting: HostStartRequest -> HostStatus. */
  hostStart: 'host:start',
  /** Stop hosting (guests are told `server:closing` with reason `host-stopped`): -> HostStatus. */
  hostStop: 'host:stop',
  /** Current hosting state: -> HostStatus. */
  hostStatus: 'host:status',
  /** Event, main -> renderer: HostStatus whenever it changes (started, stopped, someone joined or left). */
  hostChanged: 'host:changed',
  /** Recently joined hosts, newest first: -> RecentHost[]. */
  recentList: 'recent:list',
  /** Remember a host that was joined: RecentHostInput -> RecentHost[]. */
  recentAdd: 'recent:add',
  /** Forget one recent host by its address: string -> RecentHost[]. */
  recentRemove: 'recent:remove',
  /**
   * Event, main -> renderer: the page asked for a screen (getDisplayMedia); show these sources. An empty `sources`
   * list withdraws that request (it timed out, or a newer one replaced it): close the picker if it shows it.
   */
  screenPick: 'screen:pick',
  /** The user's answer to a `screen:pick`: ScreenChoice -> null. */
  screenChoose: 'screen:choose',
  /** Open an http(s) link in the system browser: string -> null. */
  shellOpenExternal: 'shell:open-external',
  /** Invite link the app was started with (or null), consumed once: -> string | null. */
  invitePending: 'invite:pending',
  /** Event, main -> renderer: a `moim://` invite was opened while the app runs (second instance, open-url). */
  inviteOpened: 'invite:opened',
  /** Moim servers advertised on the local network and verified, by name: -> LanServer[]. */
  lanList: 'lan:list',
  /** Event, main -> renderer: LanServer[] whenever a server appears on the network or goes away. */
  lanChanged: 'lan:changed'
} as const

export type IpcChannel = (typeof IpcChannels)[keyof typeof IpcChannels]

/** Why an IPC call failed. */
export type IpcErrorCode =
  | 'invalid' // an argument did not validate
  | 'forbidden' // the sender is not the app's own window/page
  | 'already-hosting'
  | 'not-hosting'
  | 'port-unavailable' // no free port in the range tried
  | 'not-found' // e.g. a screen request that already ended
  | 'failed' // anything else; the message says what

export type IpcResult<T> = { ok: true; value: T } | { ok: false; code: IpcErrorCode; message: string }

export interface HostStartRequest {
  /** The host's display name (validated like a join name). */
  name: string
  /** The room the host opens and invites to. */
  room: string
  /** Optional room password; the host's own join creates the room with it. */
  password?: string
  /** People per room, 2..LIMITS.maxCapacity; default LIMITS.capacity. */
  capacity?: number
}

/** One way others can reach the host. */
export interface HostAddress {
  /** OS interface name (`eth0`, `wlan0`, `Wi-Fi`), or `loopback` for this machine only. */
  interface: string
  /** The address itself, IPv6 without brackets. */
  address: string
  family: 'IPv4' | 'IPv6'
  /** What to type in "Join by IP": `192.168.1.20:47100`. */
  display: string
  /** `moim://192.168.1.20:47100/ROOM`, for another copy of the app. */
  appLink: string
  /** `http://192.168.1.20:47100/?room=ROOM`, for a browser. */
  browserLink: string
  /** QR code of `browserLink` as an `image/svg+xml` data URL (phones open it in their browser). */
  qrDataUrl: string
}

export type HostStatus =
  | { running: false }
  | {
      running: true
      /** The port actually bound (DEFAULT_PORT unless it was taken). */
      port: number
      room: string
      /** The host's display name, which their own page joins with. */
      name: string
      capacity: number
      /** True when the room has a password. */
      locked: boolean
      /** The password, shown to the host so they can pass it on; absent when none. */
      password?: string
      /** Where the host's own page connects: `http://127.0.0.1:PORT`. */
      localUrl: string
      /** Useful addresses for others, LAN IPv4 first; loopback/virtual/link-local left out. */
      addresses: HostAddress[]
      /** The names of the people in the hosted room, in join order. */
      people: string[]
      /** Every room on the hosted server (usually just `room`). */
      rooms: RoomInfo[]
      /** When hosting started, ms since the Unix epoch. */
      startedAt: number
    }

export interface RecentHostInput {
  /** What the user typed or the invite, re-parsed by main with parseJoinAddress. */
  address: string
  room?: string
}

export interface RecentHost {
  /** `HOST:PORT`, the key: one entry per server. */
  address: string
  /** The last room joined there. */
  room?: string
  /** ms since the Unix epoch. */
  lastJoined: number
}

export interface ScreenSource {
  /** desktopCapturer source id (`screen:0:0`, `window:1234:0`). */
  id: string
  name: string
  kind: 'screen' | 'window'
  /** PNG data URL of a small thumbnail. */
  thumbnail: string
}

/** Main -> renderer: pick one of these for request `requestId`. */
export interface ScreenPickRequest {
  requestId: string
  sources: ScreenSource[]
}

/** Renderer -> main: `sourceId` null means the user cancelled (the page's getDisplayMedia rejects). */
export interface ScreenChoice {
  requestId: string
  sourceId: string | null
}

/**
 * A Moim server found on the local network (DNS-SD `_moim._tcp`, see docs/PROTOCOL.md), shown in the lobby only
 * once its address answered `/moim.json` as a Moim server. Every field has passed main's checks: `name` is a
 * display name, `room` a room name, `address` on one of this machine's networks.
 */
export interface LanServer {
  /** Stable key for the list: `display`. */
  id: string
  /** Who or what hosts it ("Minsu", or the name an operator gave `npm run host --advertise`). */
  name: string
  /** The room a host's app opened, to join with one click; absent for a server of many rooms. */
  room?: string
  /** True when that room has a password. */
  locked: boolean
  /** The IP address it answered on, IPv6 without brackets. */
  address: string
  port: number
  /** What to type in "Join by IP": `192.168.1.20:47100`. */
  display: string
}

/** The bridge the preload exposes as `window.moim`: one method per channel. */
export interface MoimBridge {
  /** Marks the bridge, so the renderer can tell the app from a plain browser. */
  readonly isMoimApp: true
  /** `process.platform` of the machine (`linux`, `darwin`, `win32`). */
  readonly os: string
  host: {
    start(request: HostStartRequest): Promise<IpcResult<HostStatus>>
    stop(): Promise<IpcResult<HostStatus>>
    status(): Promise<IpcResult<HostStatus>>
    /** Subscribes to host status changes; returns an unsubscribe function. */
    onChanged(listener: (status: HostStatus) => void): () => void
  }
  recent: {
    list(): Promise<IpcResult<RecentHost[]>>
    add(entry: RecentHostInput): Promise<IpcResult<RecentHost[]>>
    remove(address: string): Promise<IpcResult<RecentHost[]>>
  }
  screen: {
    /** Subscribes to screen-pick requests (sent when the page calls getDisplayMedia). */
    onPick(listener: (request: ScreenPickRequest) => void): () => void
    choose(choice: ScreenChoice): Promise<IpcResult<null>>
  }
  shell: {
    openExternal(url: string): Promise<IpcResult<null>>
  }
  invite: {
    pending(): Promise<IpcResult<string | null>>
    onOpened(listener: (link: string) => void): () => void
  }
  lan: {
    list(): Promise<IpcResult<LanServer[]>>
    /** Subscribes to changes of the list; returns an unsubscribe function. */
    onChanged(listener: (servers: LanServer[]) => void): () => void
  }
}
