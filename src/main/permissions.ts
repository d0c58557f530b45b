/**
 * Which web permissions the app grants, to whom: camera, microphone and display capture (plus writing the clipboard,
 * for the copy buttons, and picking the speaker) to the app's own page, nothing to anything else, and every
 * decision logged. The policy is a pure function; `installPermissionHandlers` plugs it into a session.
 *
 * Imports only types from electron, so the policy is tested in Node as is.
 */
import type { Session } from 'electron'
import { createLogger } from '../shared/logger'

const log = createLogger('permissions')

/** What the app's page may use. Everything else (geolocation, notifications, MIDI, HID, USB...) is denied. */
const ALLOWED = new Set([
  'media', // getUserMedia: camera and microphone (mediaTypes says which)
  'display-capture', // getDisplayMedia: screen share, answered by the in-app picker (screen-share.ts)
  'clipboard-sanitized-write', // navigator.clipboard.writeText for "Copy address"
  'speaker-selection', // HTMLMediaElement.setSinkId: choosing the speaker
  'fullscreen', // a video shown full screen
  // Chromium's Local Network Access: the whole point of Moim is reaching a signaling server on the LAN or this machine.
  'local-network-access',
  'local-network',
  'loopback-network'
])

/** Media types `media` may ask for; `unknown` is what Chromium sends for a bare check. */
const ALLOWED_MEDIA_TYPES = new Set(['audio', 'video', 'unknown'])

export interface PermissionQuery {
  permission: string
  /** The URL of the frame that asks (details.requestingUrl, or the checking origin). */
  requestingUrl: string | undefined
  /** For `media`: which devices ('audio', 'video'). */
  mediaTypes?: readonly string[]
  /** Whether the request comes from the top frame; permissions are for the page, not embedded frames. */
  isMainFrame?: boolean
}

export interface PermissionDecision {
  allow: boolean
  reason: string
}

/**
 * True when `url` is the app's own page: the same origin as `appUrl` for http(s) and standard custom schemes
 * (`app://moim`), or the same file for file: URLs (whose origin is opaque, so every file would otherwise match).
 */
export function isAppUrl(url: string | undefined, appUrl: string): boolean {
  if (!url) return false
  let candidate: URL
  let app: URL
  try {
    candidate = new URL(url)
    app = new URL(appUrl)
  } catch {
    return false
  }
  if (candidate.protocol !== app.protocol) return false
  if (app.protocol === 'file:') return candidate.pathname === app.pathname
  return candidate.host === app.host && candidate.host !== ''
}

/** The policy: deny by default; allow the listed permissions to the app's own top-level page only. */
export function decidePermission(query: PermissionQuery, appUrl: string): PermissionDecision {
  if (!ALLOWED.has(query.permission)) return { allow: false, reason: 'permission not used by Moim' }
  if (query.isMainFrame === false) return { allow: false, reason: 'asked from an embedded frame' }
  if (!isAppUrl(query.requestingUrl, appUrl)) return { allow: false, reason: 'not the app’s own page' }
  if (query.permission === 'media') {
    const types = query.mediaTypes ?? []
    const unexpected = types.find((type) => !ALLOWED_MEDIA_TYPES.has(type))
    if (unexpected !== undefined) return { allow: false, reason: `media type ${unexpected} not used by Moim` }
  }
  return { allow: true, reason: 'app page' }
}

/** Applies `decidePermission` to every permission request and check of `session`, logging each decision. */
export function installPermissionHandlers(session: Session, appUrl: () => string): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const query: PermissionQuery = {
      permission,
      requestingUrl: details.requestingUrl,
      isMainFrame: details.isMainFrame,
      mediaTypes: 'mediaTypes' in details ? details.mediaTypes : undefined
    }
    const decision = decidePermission(query, appUrl())
    log.info(`request ${permission}: ${decision.allow ? 'allowed' : 'denied'} (${decision.reason})`, {
      url: details.requestingUrl,
      mediaTypes: query.mediaTypes
    })
    callback(decision.allow)
  })
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) => {
    const query: PermissionQuery = {
      permission,
      // Checks carry the origin; the frame URL when Electron gives it is more precise (file: pages).
      requestingUrl: details.requestingUrl ?? requestingOrigin,
      isMainFrame: details.isMainFrame,
      mediaTypes: details.mediaType === undefined ? undefined : [details.mediaType]
    }
    const decision = decidePermission(query, appUrl())
    // Chromium checks often (every enumerateDevices); the allowed ones are routine, the denied ones are news.
    if (decision.allow)
      log.debug(`check ${permission}: allowed (${decision.reason})`, { origin: requestingOrigin })
    else log.info(`check ${permission}: denied (${decision.reason})`, { origin: requestingOrigin })
    return decision.allow
  })
}
