/**
 * Bench 6: gzipped size of the renderer's JS and CSS (the electron-vite build in out/renderer), next to the floor:
 * a one-component page importing only Lit and socket.io-client, built by Vite with the same minifier.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import { ensureBuilt, ROOT } from '../test/support/e2e'
import type { BundleResult } from './lib/report'

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

/** Raw and gzip (zlib level 9) bytes of every .js and .css under `dir`. */
function measure(dir: string) {
  return files(dir)
    .filter((file) => /\.(js|mjs|css)$/.test(file))
    .map((file) => {
      const bytes = readFileSync(file)
      return {
        file: file.slice(dir.length + 1),
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length
      }
    })
}

const FLOOR_ENTRY = `
import { LitElement, css, html } from 'lit'
import { io } from 'socket.io-client'

class FloorApp extends LitElement {
  static styles = css\`:host { display: block }\`
  static properties = { state: {} }
  constructor() {
    super()
    this.state = 'idle'
    const socket = io({ transports: ['websocket'], autoConnect: false })
    socket.on('connect', () => (this.state = 'connected'))
    this.socket = socket
  }
  render() {
    return html\`<p>\${this.state}</p><button @click=\${() => this.socket.connect()}>Connect</button>\`
  }
}
customElements.define('floor-app', FloorApp)
`

/** Builds the floor in a scratch folder under node_modules/.cache (so `lit` and `socket.io-client` resolve). */
async function buildFloor(): Promise<{ raw: number; gzip: number }> {
  const dir = join(ROOT, 'node_modules/.cache/moim-bench-floor')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  try {
    writeFileSync(join(dir, 'main.js'), FLOOR_ENTRY)
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><floor-app></floor-app><script type="module" src="./main.js"></script>'
    )
    await build({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      base: './',
      build: { outDir: join(dir, 'dist') }
    })
    const js = measure(join(dir, 'dist')).filter((f) => f.file.endsWith('.js'))
    return { raw: js.reduce((s, f) => s + f.raw, 0), gzip: js.reduce((s, f) => s + f.gzip, 0) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Files index.html loads at startup (module scripts, modulepreloads, stylesheets), relative to `dir`. */
function entryFiles(dir: string): Set<string> {
  const html = readFileSync(join(dir, 'index.html'), 'utf8')
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)]
  return new Set(refs.map((match) => match[1]))
}

export async function bundleSizes(): Promise<BundleResult> {
  const dir = await ensureBuilt()
  const measured = measure(dir)
  const entry = entryFiles(dir)
  const entryJs = measured.filter((f) => entry.has(f.file) && f.file.endsWith('.js'))
  const sum = (ext: string, key: 'raw' | 'gzip') =>
    measured.filter((f) => f.file.endsWith(ext)).reduce((s, f) => s + f[key], 0)
  const floor = await buildFloor()
  return {
    jsRaw: sum('.js', 'raw'),
    jsGzip: sum('.js', 'gzip'),
    cssRaw: sum('.css', 'raw'),
    cssGzip: sum('.css', 'gzip'),
    entryJsGzip: entryJs.reduce((sum, f) => sum + f.gzip, 0),
    entryJsRaw: entryJs.reduce((sum, f) => sum + f.raw, 0),
    floorJsRaw: floor.raw,
    floorJsGzip: floor.gzip,
    files: measured
  }
}
