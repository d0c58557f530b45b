/**
 * The platform bridge: one API for the renderer whether it runs in the desktop app (Electron, with `window.moim`
 * from the preload) or in a plain browser that loaded the web client from a Moim server. Components and the core
 * use `platform` and never touch `window.moim` directly, so the same build works in both.
 *
 * In a browser there is no host mode, screen picking is the browser's own, recent hosts live in localStorage and
 * the server is the page's own origin.
 */
import type { IpcResult, MoimBridge, RecentHost } from '../../shared/ipc'
import { addRecentHost, displayAddress, parseJoinAddress } from '../../shared/join-address'
import type { JoinAddress } from '../../shared/join-address'
import type { RecentHostsStore } from './core/session'

function bridge(): MoimBridge | undefined {
  const candidate = (globalThis as { moim?: MoimBridge }).moim
  return candidate?.isMoimApp === true ? candidate : undefined
}

/** True in the desktop app (the preload bridge is there). */
export function isDesktopApp(): boolean {
  return bridge() !== undefined
}

/** True when this page was served over http(s) by a Moim server (a browser guest): that server is the one to use. */
export function isServedByMoim(): boolean {
  if (isDesktopApp()) return false
  const protocol = globalThis.location?.protocol
  return protocol === 'http:' || protocol === 'https:'
}

/** True when this renderer can host a room (only the desktop app can). */
export function canHost(): boolean {
  return isDesktopApp()
}

/** The server to connect to when served by one (the page's origin), else null. */
export function pageServer(): JoinAddress | null {
  if (!isServedByMoim()) return null
  const parsed = parseJoinAddress(globalThis.location.origin)
  return parsed.ok ? parsed.value : null
}

const RECENT_KEY = 'moim.recentHosts'

function unavailable<T>(what: string): IpcResult<T> {
  return { ok: false, code: 'failed', message: `${what} needs the Moim desktop app.` }
}

function readRecent(): RecentHost[] {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(RECENT_KEY) ?? '[]')
    if (!Array.isArray(parsed)) return []
    return parsed.filter(
      (entry): entry is RecentHost =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof entry.address === 'string' &&
        typeof entry.lastJoined === 'number' &&
        (entry.room === undefined || typeof entry.room === 'string')
    )
  } catch {
    return []
  }
}

function writeRecent(entries: RecentHost[]): void {
  try {
    globalThis.localStorage?.setItem(RECENT_KEY, JSON.stringify(entries))
  } catch {
    // Storage full or disabled (private mode): recent hosts are a convenience, the join itself worked.
  }
}

const noop = (): void => {}

/**
 * What the renderer may do on this platform: the preload bridge's methods (src/shared/ipc.ts, where each is
 * documented), with the shell's one method at the top level, recent hosts taking an address already parsed,
 * and whether this is the desktop app.
 */
export type Platform = Pick<MoimBridge, 'host' | 'screen' | 'invite'> & {
  recent: RecentHostsStore
  /** True in the desktop app. */
  readonly isDesktopApp: boolean
  /** Opens an http(s) link in the system browser (desktop) or a new tab (browser). */
  openExternal: MoimBridge['shell']['openExternal']
  /** Moim servers on the local network: the desktop app only (a browser cannot browse multicast DNS). */
  lan?: MoimBridge['lan']
}

function desktopPlatform(moim: MoimBridge): Platform {
  return {
    isDesktopApp: true,
    host: moim.host,
    recent: {
      list: () => moim.recent.list(),
      // Main parses the address again: it checks everything that crosses the IPC boundary.
      add: (address, room) => moim.recent.add({ address: displayAddress(address.host, address.port), room })
    },
    screen: moim.screen,
    invite: moim.invite,
    openExternal: (url) => moim.shell.openExternal(url),
    lan: moim.lan
  }
}

function browserPlatform(): Platform {
  return {
    isDesktopApp: false,
    host: {
      start: async () => unavailable('Hosting a room'),
      stop: async () => unavailable('Hosting a room'),
      status: async () => ({ ok: true, value: { running: false } }),
      onChanged: () => noop
    },
    recent: {
      list: async () => ({ ok: true, value: readRecent() }),
      add: async (address, room) => {
        const entries = addRecentHost(readRecent(), address, room, Date.now())
        writeRecent(entries)
        return { ok: true, value: entries }
      }
    },
    screen: {
      onPick: () => noop,
      choose: async () => unavailable('Picking a screen')
    },
    invite: {
      pending: async () => ({ ok: true, value: null }),
      onOpened: () => noop
    },
    openExternal: async (url) => {
      if (!/^https?:\/\//i.test(url))
        return { ok: false, code: 'invalid', message: 'Only http(s) links open.' }
      globalThis.open?.(url, '_blank', 'noopener,noreferrer')
      return { ok: true, value: null }
    }
  }
}

/** Picks the implementation at call time, so tests can install a fake `window.moim` before first use. */
export function createPlatform(): Platform {
  const moim = bridge()
  return moim ? desktopPlatform(moim) : browserPlatform()
}

/** The platform this renderer runs on. */
export const platform: Platform = createPlatform()
