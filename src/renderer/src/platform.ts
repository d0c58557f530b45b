/**
 * The platform bridge: one API for the renderer whether it runs in the desktop app (Electron, with `window.moim`
 * from the preload) or in a plain browser that loaded the web client from a Moim server. Components and the core
 * use `platform` and never touch `window.moim` directly, so the same build works in both.
 *
 * In a browser there is no host mode, screen picking is the browser's own, recent hosts live in localStorage and
 * the server is the page's own origin.
 */
import type { IpcResult, MoimBridge, RecentHost, RecentHostInput } from '../../shared/ipc'
import { rememberHost } from '../../shared/join-address'

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

/** The server to connect to when served by one (`http://192.168.1.20:47100`), else null. */
export function pageServerUrl(): string | null {
  return isServedByMoim() ? globalThis.location.origin : null
}

/** The room named in the page's `?room=` (browser invite link), or null. */
export function pageRoom(): string | null {
  const search = globalThis.location?.search
  if (!search) return null
  const room = new URLSearchParams(search).get('room')?.trim()
  return room ? room : null
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

/** The same rules main applies (rememberHost), for the browser's localStorage copy. */
function addRecent(entries: RecentHost[], input: RecentHostInput): IpcResult<RecentHost[]> {
  const result = rememberHost(entries, input, Date.now())
  return result.ok ? result : { ok: false, code: 'invalid', message: result.message }
}

const noop = (): void => {}

/**
 * What the renderer may do on this platform: the preload bridge's methods (src/shared/ipc.ts, where each is
 * documented), with the shell's one method at the top level, and whether this is the desktop app.
 */
export type Platform = Pick<MoimBridge, 'host' | 'recent' | 'screen' | 'invite'> & {
  /** True in the desktop app. */
  readonly isDesktopApp: boolean
  /** Opens an http(s) link in the system browser (desktop) or a new tab (browser). */
  openExternal: MoimBridge['shell']['openExternal']
}

function desktopPlatform(moim: MoimBridge): Platform {
  return {
    isDesktopApp: true,
    host: moim.host,
    recent: moim.recent,
    screen: moim.screen,
    invite: moim.invite,
    openExternal: (url) => moim.shell.openExternal(url)
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
      add: async (input) => {
        const result = addRecent(readRecent(), input)
        if (result.ok) writeRecent(result.value)
        return result
      },
      remove: async (address) => {
        const kept = readRecent().filter((entry) => entry.address !== address)
        writeRecent(kept)
        return { ok: true, value: kept }
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
