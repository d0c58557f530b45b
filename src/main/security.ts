/**
 * Navigation and content rules for the app's window: the Content-Security-Policy, which URLs may be opened outside
 * (http(s) only, in the system browser), and guards that keep every web contents on the app's own page.
 */
import { shell } from 'electron'
import type { WebContents } from 'electron'
import { createLogger } from '../shared/logger'
import { isAppUrl } from './permissions'

const log = createLogger('security')

/**
 * The app page's CSP. Scripts only from the app itself; no plugins, frames, forms or base changes. `connect-src`
 * must reach whatever signaling server the user types (any LAN address and port, http or https, ws or wss), which
 * a fixed list cannot name. Styles only from the app: Lit's styles are constructed stylesheets, and nothing may set
 * a style attribute (Lit's `styleMap` writes one on its first render, which this refuses): code that positions
 * things writes `element.style` through the CSSOM, which style-src does not govern. The page's own meta policy
 * (index.html) says the same, and a page obeys both. Images: QR codes and screen thumbnails arrive as data: URLs. Media: camera and remote streams
 * are MediaStreams (blob:/mediastream:).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "font-src 'self' data:",
  "connect-src 'self' http: https: ws: wss:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "worker-src 'self' blob:"
].join('; ')

/** True for an absolute http(s) URL: the only kind the app hands to the system browser. */
export function isExternalWebUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length > 2_048) return false
  try {
    const parsed = new URL(url)
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== ''
  } catch {
    return false
  }
}

export type NavigationAction = 'allow' | 'open-externally' | 'block'

/** What to do when a page tries to go to `url`: stay on the app page, hand web links out, refuse the rest. */
export function navigationAction(url: string, appUrl: string): NavigationAction {
  if (isAppUrl(url, appUrl)) return 'allow'
  return isExternalWebUrl(url) ? 'open-externally' : 'block'
}

/** Opens an http(s) URL in the system browser; anything else is refused and logged. */
export async function openExternally(url: unknown): Promise<boolean> {
  if (!isExternalWebUrl(url)) {
    log.warn('refused to open a non-web link', { url: String(url).slice(0, 200) })
    return false
  }
  await shell.openExternal(url)
  return true
}

/**
 * Keeps `contents` on the app: page navigations elsewhere are prevented (web links go to the system browser), new
 * windows are denied the same way, and <webview> cannot be attached.
 */
export function guardWebContents(contents: WebContents, appUrl: () => string): void {
  contents.on('will-navigate', (event, url) => {
    const action = navigationAction(url, appUrl())
    if (action === 'allow') return
    event.preventDefault()
    log.warn(`navigation prevented (${action})`, { url: url.slice(0, 200) })
    // A link the user followed goes to their browser instead.
    if (action === 'open-externally') void openExternally(url)
  })
  contents.on('will-redirect', (event, url) => {
    if (navigationAction(url, appUrl()) === 'allow') return
    // A redirect is the server's doing, not the user's: stop it without opening anything.
    event.preventDefault()
    log.warn('redirect prevented', { url: url.slice(0, 200) })
  })
  contents.setWindowOpenHandler(({ url }) => {
    log.warn('new window denied', { url: url.slice(0, 200) })
    if (isExternalWebUrl(url)) void openExternally(url)
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    log.warn('webview denied')
  })
}
