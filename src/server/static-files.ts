import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { checkRoomName } from '../shared/input-rules'

/** Content types of the files a web client build contains, by extension (shared with the app:// protocol). */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8'
}

/**
 * Sent with every response of the web client: the page asks for the camera and microphone, so no other site may
 * frame it (clickjacking a permission prompt). `frame-ancestors` only works as an HTTP header, not in the page's
 * `<meta>` CSP, which stays as it is; this policy adds no other restriction. X-Frame-Options covers old browsers.
 */
export const FRAMING_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Frame-Options': 'DENY'
}

/**
 * Where a page path that is not a file sends the browser: `/standup/` or `/team/standup` (a room typed as a path)
 * to `/?room=standup` (the last segment, when it is a room name), anything else to `/`, keeping the query. The
 * page itself cannot be served there: its files are referenced relative to `/` and would 404 under the path.
 */
export function pageRedirect(pathname: string, search: string): string {
  const last = pathname
    .split('/')
    .filter((segment) => segment !== '')
    .at(-1)
  const room = last === undefined ? undefined : checkRoomName(last)
  const query = new URLSearchParams(search)
  if (room?.ok && !query.has('room')) query.set('room', room.value)
  const rest = query.toString()
  return rest === '' ? '/' : `/?${rest}`
}

/**
 * Serves the files under `root` (the built web client) for GET and HEAD. Paths are resolved inside `root` only;
 * `/` serves `index.html` so invite links like `/?room=x` open the app, and other extension-less paths that are
 * not files redirect there (see pageRedirect), so no link shows a blank page.
 */
export function createStaticHandler(
  root: string
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const base = resolve(root)
  return async (request, response) => {
    // Set before any status is chosen, so error pages (which a frame could show too) carry them as well.
    for (const [name, value] of Object.entries(FRAMING_HEADERS)) response.setHeader(name, value)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    let pathname: string
    let search: string
    try {
      const url = new URL(request.url ?? '/', 'http://localhost')
      pathname = decodeURIComponent(url.pathname)
      search = url.search
    } catch {
      response.writeHead(400).end('Bad request')
      return
    }
    if (pathname.includes('\0')) {
      response.writeHead(400).end('Bad request')
      return
    }
    let file = resolve(join(base, normalize(pathname)))
    if (file !== base && !file.startsWith(base + sep)) {
      response.writeHead(403).end('Forbidden')
      return
    }
    let info = await stat(file).catch(() => undefined)
    if (file !== base && (info?.isDirectory() || (info === undefined && extname(file) === ''))) {
      response.writeHead(302, { Location: pageRedirect(pathname, search) }).end()
      return
    }
    if (info?.isDirectory()) {
      file = join(base, 'index.html')
      info = await stat(file).catch(() => undefined)
    }
    if (info === undefined || !info.isFile()) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found')
      return
    }
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'X-Content-Type-Options': 'nosniff',
      // Hashed assets never change; the page itself must be revalidated so a new build is picked up.
      'Cache-Control': file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'
    })
    if (request.method === 'HEAD') {
      response.end()
      return
    }
    createReadStream(file)
      .on('error', () => response.destroy())
      .pipe(response)
  }
}
