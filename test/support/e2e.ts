/**
 * End-to-end helpers: the BUILT web client (out/renderer) served by the real signaling server on 127.0.0.1 port 0,
 * and Debian's Chromium (playwright-core) with fake devices opening it in several pages.
 *
 * Tests read WebRTC from the outside: an init script wraps `window.RTCPeerConnection` before the app loads, so a
 * test can find every connection, call getStats and count offers without any test hook in the app's code. The
 * same script gives each fake camera its own resolution, so a camera switch is visible in what peers decode.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { createSignalingServer } from '../../src/server/server'
import type { SignalingServer, SignalingServerOptions } from '../../src/server/server'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../vitest.config'

const run = promisify(execFile)

export const ROOT = resolve(import.meta.dirname, '../..')
export const RENDERER_DIR = join(ROOT, 'out/renderer')

/**
 * Resolution each fake camera sends (the fakes all default to 640x480; small keeps 3-4 pages affordable). The
 * shapes differ (4:3 and 16:9) so a switch shows in what peers decode even while the encoder scales the picture
 * down (bandwidth ramp-up, CPU adaptation), which keeps the aspect ratio.
 */
export const CAMERA_SIZES: Record<string, { width: number; height: number }> = {
  fake_device_0: { width: 320, height: 240 },
  fake_device_2: { width: 480, height: 270 }
}

/** The aspect ratio of a camera in CAMERA_SIZES. */
export function aspectOf(label: string): number {
  const size = CAMERA_SIZES[label]!
  return size.width / size.height
}

function newestMtime(path: string): number {
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/**
 * Builds the app (`electron-vite build`) when out/renderer/index.html is missing or older than the renderer's or
 * the shared sources. A lock keeps two test runs (or engineers) from building into out/ at the same time.
 */
export async function ensureBuilt(): Promise<string> {
  const index = join(RENDERER_DIR, 'index.html')
  const sources = Math.max(
    newestMtime(join(ROOT, 'src/renderer')),
    newestMtime(join(ROOT, 'src/shared')),
    newestMtime(join(ROOT, 'electron.vite.config.ts'))
  )
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return RENDERER_DIR
  await run('flock', ['/tmp/moim-build.lock', 'npx', 'electron-vite', 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    timeout: 180_000,
    maxBuffer: 16 * 1024 * 1024
  })
  if (!existsSync(index)) throw new Error(`electron-vite build did not produce ${index}`)
  return RENDERER_DIR
}

export interface E2eServer {
  server: SignalingServer
  /** `http://127.0.0.1:PORT` */
  url: string
  close(): Promise<void>
}

/** The real signaling server serving the built client, on 127.0.0.1 and a free port. */
export async function startServer(options: SignalingServerOptions = {}): Promise<E2eServer> {
  const server = createSignalingServer({ staticDir: RENDERER_DIR, ...options })
  const { port } = await server.listen(0, '127.0.0.1')
  return { server, url: `http://127.0.0.1:${port}`, close: () => server.close('shutdown') }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
}

/** Runs in every page before the app: records RTCPeerConnections and negotiation counts, sizes the cameras. */
function instrumentPage(sizes: Record<string, { width: number; height: number }>): void {
  type Counted = RTCPeerConnection & { __offersMade: number; __offersReceived: number; __answers: number }
  const Native = window.RTCPeerConnection
  const connections: Counted[] = []
  class Instrumented extends Native {
    __offersMade = 0
    __offersReceived = 0
    __answers = 0
    __events: string[] = []
    constructor(configuration?: RTCConfiguration) {
      super(configuration)
      connections.push(this as unknown as Counted)
      this.addEventListener('icecandidate', (e) =>
        this.__events.push(
          `gathered ${e.candidate?.candidate.slice(0, 40) ?? 'null'} ${e.candidate?.usernameFragment ?? ''}`
        )
      )
      this.addEventListener('signalingstatechange', () =>
        this.__events.push(`signaling ${this.signalingState}`)
      )
      this.addEventListener('iceconnectionstatechange', () =>
        this.__events.push(`ice ${this.iceConnectionState}`)
      )
    }
    override async setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      await (description === undefined ? super.setLocalDescription() : super.setLocalDescription(description))
      if (this.localDescription?.type === 'offer') this.__offersMade += 1
      if (this.localDescription?.type === 'answer') this.__answers += 1
    }
    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      if (description.type === 'offer') this.__offersReceived += 1
      await super.setRemoteDescription(description)
    }
  }
  window.RTCPeerConnection = Instrumented as typeof RTCPeerConnection
  ;(window as unknown as { __moimTest: unknown }).__moimTest = { connections }

  const devices = navigator.mediaDevices
  const getUserMedia = devices.getUserMedia.bind(devices)
  devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    if (constraints?.video) {
      const video = typeof constraints.video === 'object' ? constraints.video : {}
      const wanted = video.deviceId
      const id =
        typeof wanted === 'string'
          ? wanted
          : Array.isArray(wanted)
            ? wanted[0]
            : typeof wanted === 'object'
              ? ([wanted.exact, wanted.ideal].flat().find((v) => typeof v === 'string') as string | undefined)
              : undefined
      const list = await devices.enumerateDevices()
      const label = list.find((d) => d.kind === 'videoinput' && d.deviceId === id)?.label ?? 'fake_device_0'
      const size = sizes[label] ?? sizes.fake_device_0
      if (size === undefined) return getUserMedia(constraints)
      constraints = {
        ...constraints,
        video: {
          ...video,
          width: { exact: size.width },
          height: { exact: size.height },
          frameRate: { ideal: 15 }
        }
      }
    }
    return getUserMedia(constraints)
  }
}

/** A machine with no camera and no microphone: none listed, and getUserMedia finds nothing. */
function hideCameraAndMicrophone(): void {
  const devices = navigator.mediaDevices
  const enumerate = devices.enumerateDevices.bind(devices)
  devices.enumerateDevices = async () => (await enumerate()).filter((d) => d.kind === 'audiooutput')
  devices.getUserMedia = async () => {
    throw new DOMException('Requested device not found', 'NotFoundError')
  }
}

export interface CallPage {
  context: BrowserContext
  page: Page
  name: string
}

/**
 * Opens the client in a new context (own storage, own devices) with the instrumentation installed. `query` is the
 * page's query string, e.g. `?room=standup&name=Ann` to join at once.
 */
export async function openPage(
  browser: Browser,
  url: string,
  name: string,
  query: string,
  options: { withoutDevices?: boolean; nativeCameraSize?: boolean } = {}
): Promise<CallPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  // No sizes: the cameras give what the app asks for (the fake camera goes up to 1920×1080).
  await context.addInitScript(instrumentPage, options.nativeCameraSize ? {} : CAMERA_SIZES)
  if (options.withoutDevices) await context.addInitScript(hideCameraAndMicrophone)
  const page = await context.newPage()
  await page.goto(`${url}/${query}`)
  return { context, page, name }
}

/** What one page receives from one remote person, read from getStats of the connection carrying their tile's tracks. */
export interface RemoteStats {
  /** Index of the connection in the page's list (to check it later, e.g. closed after a leave). */
  index: number
  connectionState: RTCPeerConnectionState
  framesDecoded: number
  frameWidth: number
  frameHeight: number
  /** frameWidth / frameHeight, 0 before the first decoded frame. */
  aspect: number
  audioPacketsReceived: number
  totalSamplesReceived: number
  /** Offers made and received on that connection so far. */
  offersMade: number
  offersReceived: number
}

/**
 * Stats of the connection that carries `remoteName`'s tile in `page`, or null while there is no such tile or
 * connection yet. The tile is found by its accessible name, its tracks by the <video>'s srcObject.
 */
export async function remoteStats(page: Page, remoteName: string): Promise<RemoteStats | null> {
  return page.evaluate(async (name) => {
    type Counted = RTCPeerConnection & { __offersMade: number; __offersReceived: number }
    const connections = (window as unknown as { __moimTest: { connections: Counted[] } }).__moimTest
      .connections
    const tiles: Element[] = []
    const walk = (root: Document | ShadowRoot): void => {
      for (const element of root.querySelectorAll('*')) {
        if (element.hasAttribute('data-peer-id')) tiles.push(element)
        if (element.shadowRoot) walk(element.shadowRoot)
      }
    }
    walk(document)
    const tile = tiles.find((t) => (t.getAttribute('aria-label') ?? '').split(',')[0] === name)
    const video = tile?.shadowRoot?.querySelector('video')
    const stream = video?.srcObject
    if (!(stream instanceof MediaStream)) return null
    const trackIds = new Set(stream.getTracks().map((t) => t.id))
    const index = connections.findIndex((pc) => pc.getReceivers().some((r) => trackIds.has(r.track.id)))
    const pc = connections[index]
    if (pc === undefined) return null
    const result = {
      index,
      connectionState: pc.connectionState,
      framesDecoded: 0,
      frameWidth: 0,
      frameHeight: 0,
      aspect: 0,
      audioPacketsReceived: 0,
      totalSamplesReceived: 0,
      offersMade: pc.__offersMade,
      offersReceived: pc.__offersReceived
    }
    for (const report of (await pc.getStats()).values()) {
      if (report.type !== 'inbound-rtp') continue
      if (report.kind === 'video') {
        result.framesDecoded = report.framesDecoded ?? 0
        result.frameWidth = report.frameWidth ?? 0
        result.frameHeight = report.frameHeight ?? 0
        result.aspect = result.frameHeight > 0 ? result.frameWidth / result.frameHeight : 0
      } else if (report.kind === 'audio') {
        result.audioPacketsReceived = report.packetsReceived ?? 0
        result.totalSamplesReceived = report.totalSamplesReceived ?? 0
      }
    }
    return result
  }, remoteName)
}

/** Offers made and received on every connection the page ever opened. */
export async function negotiationCounts(page: Page): Promise<{ offersMade: number; offersReceived: number }> {
  return page.evaluate(() => {
    type Counted = RTCPeerConnection & { __offersMade: number; __offersReceived: number }
    const connections = (window as unknown as { __moimTest: { connections: Counted[] } }).__moimTest
      .connections
    return {
      offersMade: connections.reduce((sum, pc) => sum + pc.__offersMade, 0),
      offersReceived: connections.reduce((sum, pc) => sum + pc.__offersReceived, 0)
    }
  })
}

/** The state of the page's `index`-th RTCPeerConnection. */
export async function connectionState(page: Page, index: number): Promise<RTCPeerConnectionState | null> {
  return page.evaluate((i) => {
    const connections = (window as unknown as { __moimTest: { connections: RTCPeerConnection[] } }).__moimTest
      .connections
    return connections[i]?.connectionState ?? null
  }, index)
}

/** Closes pages' contexts, ignoring ones already closed. */
export async function closePages(pages: Iterable<CallPage>): Promise<void> {
  await Promise.all([...pages].map((p) => p.context.close().catch(() => undefined)))
}

/** Every connection the page opened, for diagnosing a failed test. */
export async function describeConnections(page: Page): Promise<unknown[]> {
  return page.evaluate(async () => {
    type Counted = RTCPeerConnection & { __offersMade: number; __offersReceived: number; __answers: number }
    const connections = (window as unknown as { __moimTest: { connections: Counted[] } }).__moimTest
      .connections
    const stats = await Promise.all(connections.map((pc) => pc.getStats()))
    return connections.map((pc, i) => ({
      gathering: pc.iceGatheringState,
      localCandidates: [...stats[i]!.values()].filter((r) => r.type === 'local-candidate').length,
      remoteCandidates: [...stats[i]!.values()].filter((r) => r.type === 'remote-candidate').length,
      sdpCandidates: (pc.localDescription?.sdp.match(/a=candidate/g) ?? []).length,
      remoteSdpCandidates: (pc.remoteDescription?.sdp.match(/a=candidate/g) ?? []).length,
      connection: pc.connectionState,
      ice: pc.iceConnectionState,
      signaling: pc.signalingState,
      offersMade: pc.__offersMade,
      offersReceived: pc.__offersReceived,
      answers: pc.__answers,
      events: (pc as unknown as { __events: string[] }).__events,
      transceivers: pc.getTransceivers().map((t) => `${t.mid}:${t.receiver.track.kind}:${t.currentDirection}`)
    }))
  })
}

/** The maxBitrate of every open connection's video sender (undefined where none is set). */
export async function videoSenderBitrates(page: Page): Promise<(number | undefined)[]> {
  return page.evaluate(() => {
    const connections = (window as unknown as { __moimTest: { connections: RTCPeerConnection[] } }).__moimTest
      .connections
    return connections
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getSenders().filter((s) => s.track?.kind === 'video'))
      .map((sender) => sender.getParameters().encodings[0]?.maxBitrate)
  })
}
