/**
 * Serves the built renderer from `app://moim/` instead of file://: the page gets a real origin (so permissions and
 * IPC senders are checked against one origin, not "any file"), a secure context (camera and screen capture need
 * one), and a Content-Security-Policy header on every response, which file:// cannot carry.
 */
import { extname, join, normalize, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { net, protocol } from 'electron'
import type { Session } from 'electron'
import { createLogger } from '../shared/logger'
import { CONTENT_SECURITY_POLICY } from './security'
import { CONTENT_TYPES } from '../server/static-files'

const log = createLogger('app-protocol')

export const APP_SCHEME = 'app'
export const APP_HOST = 'moim'
/** The app page's URL in a packaged or previewed build. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/**
 * The origin a page at `url` sends in its `Origin` header: `app://moim` for the app page (the URL standard calls a
 * custom scheme's origin opaque, but Chromium gives standard schemes a real one), `http://localhost:5173` in dev.
 */
export function pageOrigin(url: string): string {
  const parsed = new URL(url)
  return `${parsed.protocol}//${parsed.host}`
}

/** Must run before `app.ready`: makes `app:` a standard, secure scheme that fetch and media can use. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }
  ])
}

/**
 * The file under `root` that `requestUrl` names, or null for another host, a path outside `root`, or a malformed
 * URL. `/` serves index.html.
 */
export function resolveAppFile(root: string, requestUrl: string): string | null {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null
  let pathname: string
  try {
    pathname = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  if (pathname.includes('\0')) return null
  const base = resolve(root)
  const file = resolve(join(base, normalize(pathname === '/' ? '/index.html' : pathname)))
  if (!file.startsWith(base + sep)) return null
  return file
}

/** Answers `app://moim/...` from `root` (out/renderer) on `session`, with the CSP on every response. */
export function serveAppProtocol(session: Session, root: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(root, request.url)
    if (file === null) {
      log.warn('refused', { url: request.url.slice(0, 200) })
      return new Response('Not found', { status: 404 })
    }
    const response = await net.fetch(pathToFileURL(file).href).catch(() => null)
    if (response === null || !response.ok) return new Response('Not found', { status: 404 })
    const headers = new Headers(response.headers)
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    headers.set('X-Content-Type-Options', 'nosniff')
    // ES modules must come with a JavaScript type; set it from the extension rather than trust a guess.
    const type = CONTENT_TYPES[extname(file)]
    if (type) headers.set('Content-Type', type)
    return new Response(response.body, { status: response.status, headers })
  })
}
