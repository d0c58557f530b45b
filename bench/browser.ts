/**
 * Benches 4 and 5 in Debian's Chromium with fake devices: call setup through Moim (the built web client served by
 * the real server in a child process) next to the in-page loopback floor, and the load of a 2-4 page mesh.
 *
 * Nothing in the app is changed for this: an init script wraps `WebSocket.prototype.send` (to see when the page
 * sends `room:join`) and `RTCPeerConnection` (to time each connection's first decoded video frame through a
 * MediaStreamTrackProcessor on a clone of the received track, and to read getStats).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../vitest.config'
import { ensureBuilt } from '../test/support/e2e'
import { sleep } from './lib/proc'
import type { CallSetupResult, MeshRow } from './lib/report'
import { median } from './lib/stats'
import { startServer } from './relay'
import { CAMERA_CAPTURE, sentVideoSize } from '../src/renderer/src/core/video-ladder'

/** Camera constraints of a floor page: the frame size Moim sends in a room of that size, at Moim's frame rate. */
function floorCamera(remotePeers: number): MediaTrackConstraints {
  const { width, height } = sentVideoSize(remotePeers)
  return {
    width: { ideal: width },
    height: { ideal: height },
    frameRate: { ideal: CAMERA_CAPTURE.frameRate }
  }
}

export interface BenchState {
  joinAt: number | null
  /** Milestones of call setup, in page time (ms since the epoch): see PHASES. */
  events: { name: string; at: number }[]
  frames: { pc: number; at: number }[]
  pcs: RTCPeerConnection[]
}

export type BenchWindow = Window & { __bench: BenchState }

/** Installed before the app's code in every page of the call benches. */
export function instrument(): void {
  const now = (): number => performance.timeOrigin + performance.now()
  const state: BenchState = { joinAt: null, events: [], frames: [], pcs: [] }
  const mark = (name: string): void => void state.events.push({ name, at: now() })
  const watchedSockets = new WeakSet<WebSocket>()
  ;(window as unknown as BenchWindow).__bench = state
  const send = WebSocket.prototype.send
  WebSocket.prototype.send = function (
    this: WebSocket,
    data: string | ArrayBufferLike | Blob | ArrayBufferView
  ) {
    // socket.io frames an event as `42["room:join",{...}]` (with an ack id between 42 and the bracket).
    if (state.joinAt === null && typeof data === 'string' && data.includes('["room:join"')) {
      state.joinAt = now()
      mark('join sent')
    }
    if (!watchedSockets.has(this)) {
      watchedSockets.add(this)
      // The join's ack is the only incoming frame carrying both `self` and `peers`.
      this.addEventListener('message', (event: MessageEvent) => {
        const text = event.data
        if (typeof text === 'string' && text.startsWith('43') && text.includes('"peers":'))
          mark('join answered')
      })
    }
    return send.call(this, data)
  }
  type Processor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<{ close(): void }> }
  const TrackProcessor = (window as unknown as { MediaStreamTrackProcessor: Processor })
    .MediaStreamTrackProcessor
  async function firstFrame(track: MediaStreamTrack): Promise<number> {
    // A clone, so reading (and then stopping) it never touches the track the app renders.
    const clone = track.clone()
    const reader = new TrackProcessor({ track: clone }).readable.getReader()
    const { value } = await reader.read()
    const at = now()
    value?.close()
    void reader.cancel()
    clone.stop()
    return at
  }
  const devices = navigator.mediaDevices
  const getUserMedia = devices.getUserMedia.bind(devices)
  devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    const stream = await getUserMedia(constraints)
    mark('media open')
    return stream
  }
  const Native = window.RTCPeerConnection
  class Watched extends Native {
    override async setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      await (description === undefined ? super.setLocalDescription() : super.setLocalDescription(description))
      mark(`local ${this.localDescription?.type}`)
    }
    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      await super.setRemoteDescription(description)
      mark(`remote ${description.type}`)
    }
    constructor(configuration?: RTCConfiguration) {
      super(configuration)
      mark('connection created')
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected') mark('ICE connected')
      })
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') mark('DTLS connected')
      })
      const index = state.pcs.push(this) - 1
      this.addEventListener('track', (event) => {
        if (event.track.kind !== 'video') return
        void firstFrame(event.track).then((at) => {
          state.frames.push({ pc: index, at })
          state.events.push({ name: 'first frame', at })
        })
      })
    }
  }
  window.RTCPeerConnection = Watched as typeof RTCPeerConnection
}

/**
 * The floor: two RTCPeerConnections in one page, camera and microphone on both, candidates handed over directly,
 * no signaling server. From creating the connections (media already open) to the first decoded video frame at
 * both ends.
 */
async function loopbackInPage(video: MediaTrackConstraints): Promise<number> {
  const now = (): number => performance.timeOrigin + performance.now()
  type Processor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<{ close(): void }> }
  const TrackProcessor = (window as unknown as { MediaStreamTrackProcessor: Processor })
    .MediaStreamTrackProcessor
  const constraints = { audio: true, video }
  const streams = [
    await navigator.mediaDevices.getUserMedia(constraints),
    await navigator.mediaDevices.getUserMedia(constraints)
  ]
  const t0 = now()
  const pcs = [new RTCPeerConnection(), new RTCPeerConnection()]
  const frames = pcs.map(
    (pc) =>
      new Promise<number>((resolve) => {
        pc.addEventListener('track', (event) => {
          if (event.track.kind !== 'video') return
          const reader = new TrackProcessor({ track: event.track }).readable.getReader()
          void reader.read().then(({ value }) => {
            resolve(now())
            value?.close()
            void reader.cancel()
          })
        })
      })
  )
  pcs.forEach((pc, i) => {
    const other = pcs[1 - i]
    pc.addEventListener('icecandidate', (event) => {
      if (event.candidate) void other.addIceCandidate(event.candidate)
    })
    for (const track of streams[i].getTracks()) pc.addTrack(track, streams[i])
  })
  await pcs[0].setLocalDescription()
  await pcs[1].setRemoteDescription(pcs[0].localDescription!)
  await pcs[1].setLocalDescription()
  await pcs[0].setRemoteDescription(pcs[1].localDescription!)
  const timeout = new Promise<number>((_, reject) =>
    setTimeout(() => reject(new Error('no frame in 20 s')), 20_000)
  )
  const t1 = Math.max(...(await Promise.race([Promise.all(frames), timeout.then(() => [])])))
  pcs.forEach((pc) => pc.close())
  streams.flatMap((s) => s.getTracks()).forEach((t) => t.stop())
  return t1 - t0
}

interface FloorState {
  joinAt: number | null
  frames: { pc: number; at: number }[]
}

type FloorWindow = Window & { __floor: FloorState; __floorJoin: (room: string) => void }

/**
 * A mesh floor page: camera and microphone open, a WebSocket to the bench's raw `ws` relay, and nothing else. On
 * `__floorJoin(room)` it joins; the joiner sends its offer to every peer the moment it learns of them, the others
 * create their connection on `joined` and answer, candidates trickle through the relay as they come. The least
 * work an N-person mesh needs, for the call-setup benchmark to compare Moim against.
 */
async function floorPage({
  relayUrl,
  video
}: {
  relayUrl: string
  video: MediaTrackConstraints
}): Promise<void> {
  const now = (): number => performance.timeOrigin + performance.now()
  type Processor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<{ close(): void }> }
  const TrackProcessor = (window as unknown as { MediaStreamTrackProcessor: Processor })
    .MediaStreamTrackProcessor
  const state: FloorState = { joinAt: null, frames: [] }
  const floorWindow = window as unknown as FloorWindow
  floorWindow.__floor = state
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video })
  const ws = new WebSocket(relayUrl)
  await new Promise((resolve, reject) => {
    ws.onopen = resolve
    ws.onerror = reject
  })
  const send = (message: unknown): void => ws.send(JSON.stringify(message))
  const pcs = new Map<string, RTCPeerConnection>()
  // One queue per remote peer: its messages in order (no candidate before its description), peers in parallel.
  const queues = new Map<string, Promise<void>>()
  const enqueue = (id: string, work: () => Promise<void>): void => {
    queues.set(id, (queues.get(id) ?? Promise.resolve()).then(work, work))
  }
  const connect = (id: string): RTCPeerConnection => {
    const pc = new RTCPeerConnection()
    const index = pcs.size
    pcs.set(id, pc)
    pc.onicecandidate = (event) =>
      send({ type: 'signal', to: id, candidate: event.candidate?.toJSON() ?? null })
    pc.ontrack = (event) => {
      if (event.track.kind !== 'video') return
      const reader = new TrackProcessor({ track: event.track }).readable.getReader()
      void reader.read().then(({ value }) => {
        state.frames.push({ pc: index, at: now() })
        value?.close()
        void reader.cancel()
      })
    }
    for (const track of stream.getTracks()) pc.addTrack(track, stream)
    return pc
  }
  ws.onmessage = (event: MessageEvent<string>) => {
    const message = JSON.parse(event.data) as {
      type: string
      id?: string
      peers?: string[]
      from?: string
      description?: RTCSessionDescriptionInit
      candidate?: RTCIceCandidateInit | null
    }
    if (message.type === 'peers') {
      for (const id of message.peers ?? []) {
        const pc = connect(id)
        enqueue(id, async () => {
          await pc.setLocalDescription()
          send({ type: 'signal', to: id, description: pc.localDescription })
        })
      }
    } else if (message.type === 'joined' && message.id !== undefined) {
      connect(message.id)
    } else if (message.type === 'signal' && message.from !== undefined) {
      const from = message.from
      const pc = pcs.get(from) ?? connect(from)
      enqueue(from, async () => {
        if (message.description) {
          await pc.setRemoteDescription(message.description)
          if (message.description.type === 'offer') {
            await pc.setLocalDescription()
            send({ type: 'signal', to: from, description: pc.localDescription })
          }
        } else if (message.candidate) {
          await pc.addIceCandidate(message.candidate)
        }
      })
    }
  }
  floorWindow.__floorJoin = (room: string) => {
    state.joinAt = now()
    send({ type: 'join', room })
  }
}

/**
 * tsx compiles this file with esbuild's keepNames, which wraps inner named functions in a `__name(fn, name)`
 * helper; functions sent to the page need that helper there too.
 */
export const KEEP_NAMES_SHIM = { content: 'globalThis.__name = (fn) => fn' }

async function newBenchContext(browser: Browser, instrumented: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 960, height: 540 } })
  await context.addInitScript(KEEP_NAMES_SHIM)
  if (instrumented) await context.addInitScript(instrument)
  return context
}

export interface Opened {
  context: BrowserContext
  page: Page
}

async function openCallPage(browser: Browser, url: string, room: string, name: string): Promise<Opened> {
  const context = await newBenchContext(browser, true)
  try {
    const page = await context.newPage()
    await page.goto(`${url}/?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}`)
    return { context, page }
  } catch (error) {
    await context.close()
    throw error
  }
}

/** Called just before the last page joins and once the full mesh is seen (call-trace's CPU accounting). */
export interface SetupHooks {
  beforeJoin?: () => void
  /** Awaited before the pages close. */
  meshed?: () => void | Promise<void>
}

/** How the joiner of a call setup joins: see `setupOnce`. */
export type JoinFrom = 'lobby' | 'link'

/**
 * The joiner's page as someone who checked their camera in the lobby: opened on the room (`?room=`), its camera
 * and microphone open and the lobby connected to the server, then the name typed and Join pressed.
 */
async function joinFromLobby(
  browser: Browser,
  url: string,
  room: string,
  name: string,
  hooks: SetupHooks = {}
): Promise<Opened> {
  const context = await newBenchContext(browser, true)
  try {
    const page = await context.newPage()
    await page.goto(`${url}/?room=${encodeURIComponent(room)}`)
    await joinThroughLobby(page, name, async () => hooks.beforeJoin?.())
    return { context, page }
  } catch (error) {
    await context.close()
    throw error
  }
}

/** On a page showing the lobby (instrumented): waits for its camera and the room list, then joins as `name`. */
export async function joinThroughLobby(
  page: Page,
  name: string,
  beforeJoin: () => Promise<void> = async () => undefined
): Promise<void> {
  for (let i = 0; ; i++) {
    const { events } = await readState(page)
    if (events.some((e) => e.name === 'media open')) break
    if (i > 400) throw new Error('the joiner’s camera never opened in the lobby')
    await sleep(50)
  }
  await page.getByRole('textbox', { name: 'Your name' }).fill(name)
  // The lobby has listed the server's rooms: connected, nothing left of its own start-up.
  await page.getByText(/Looking for open rooms/).waitFor({ state: 'detached' })
  await sleep(300)
  await beforeJoin()
  await page.getByRole('button', { name: 'Join', exact: true }).click()
}

export const readState = (page: Page) =>
  page.evaluate(() => {
    const state = (window as unknown as BenchWindow).__bench
    return { joinAt: state.joinAt, frames: state.frames, events: state.events }
  })

/** Waits (at most `timeoutMs`) until every page has a first frame on `remotes` distinct connections. */
export async function waitForMesh(pages: Opened[], remotes: number, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs
  // Polled with as little work in the pages as the mesh floor's poll, which reads only its frames: the pages'
  // main threads are what is being measured. The milestones are read once, at the end.
  const remoteCount = (page: Page) =>
    page.evaluate(() => new Set((window as unknown as BenchWindow).__bench.frames.map((f) => f.pc)).size)
  for (;;) {
    const counts = await Promise.all(pages.map((p) => remoteCount(p.page)))
    if (counts.every((count) => count >= remotes)) return Promise.all(pages.map((p) => readState(p.page)))
    if (performance.now() > deadline) {
      const seen = counts.join(', ')
      throw new Error(
        `mesh of ${pages.length} incomplete after ${timeoutMs} ms (remote frames per page: ${seen})`
      )
    }
    await sleep(50)
  }
}

export interface BrowserOptions {
  runs: number
  peers: number[]
  meshSeconds: number
  /** Seconds between the mesh being up and the measured window, for bandwidth estimation to ramp up. */
  rampSeconds: number
}

export async function withServerAndBrowser<T>(
  work: (url: string, browser: Browser) => Promise<T>
): Promise<T> {
  const staticDir = await ensureBuilt()
  const { server, port } = await startServer('browser bench server', { kind: 'moim', staticDir })
  let browser: Browser | undefined
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
    return await work(`http://127.0.0.1:${port}`, browser)
  } finally {
    await browser?.close().catch(() => undefined)
    await server.stop()
  }
}

/**
 * The mesh floor for `peers` pages: as `setupOnce`, with floor pages on the raw relay instead of the app: the
 * others already meshed, ms from the last page's join until every page decoded a frame from every other page.
 */
export async function floorOnce(
  browser: Browser,
  url: string,
  relayUrl: string,
  room: string,
  peers: number,
  hooks: SetupHooks = {}
): Promise<number> {
  const pages: Opened[] = []
  const read = (page: Page) => page.evaluate(() => (window as unknown as FloorWindow).__floor)
  const meshed = async (remotes: number): Promise<FloorState[]> => {
    const deadline = performance.now() + 20_000
    for (;;) {
      const states = await Promise.all(pages.map((p) => read(p.page)))
      if (states.every((s) => new Set(s.frames.map((f) => f.pc)).size >= remotes)) return states
      if (performance.now() > deadline) throw new Error(`floor mesh of ${pages.length} incomplete after 20 s`)
      await sleep(50)
    }
  }
  try {
    for (let i = 0; i < peers; i++) {
      const context = await newBenchContext(browser, false)
      const page = await context.newPage()
      pages.push({ context, page })
      // A page of the Moim server's origin: a secure context (127.0.0.1) for getUserMedia, without the app.
      await page.goto(`${url}/moim.json`)
      await page.evaluate(floorPage, { relayUrl, video: floorCamera(peers - 1) })
      if (i === peers - 1) hooks.beforeJoin?.()
      await page.evaluate((name) => (window as unknown as FloorWindow).__floorJoin(name), room)
      await meshed(i)
    }
    const states = await meshed(peers - 1)
    await hooks.meshed?.()
    const t0 = states.at(-1)!.joinAt!
    return Math.max(...states.flatMap((s) => s.frames.map((f) => f.at))) - t0
  } finally {
    await Promise.all(pages.map((p) => p.context.close().catch(() => undefined)))
  }
}

/** Bench 4: call setup for each room size, `runs` times, interleaved with the loopback and mesh floors. */
export function callSetup(options: BrowserOptions): Promise<CallSetupResult> {
  return withServerAndBrowser(async (url, browser) => {
    const { server: relay, port } = await startServer('mesh floor relay', { kind: 'ws' })
    try {
      return await measureCallSetup(options, browser, url, `ws://127.0.0.1:${port}`)
    } finally {
      await relay.stop()
    }
  })
}

async function measureCallSetup(
  options: BrowserOptions,
  browser: Browser,
  url: string,
  relayUrl: string
): Promise<CallSetupResult> {
  const loopback: number[] = []
  const floorBySize = new Map<number, number[]>(options.peers.map((n) => [n, []]))
  const failures: string[] = []
  const bySize = new Map<number, number[]>(options.peers.map((n) => [n, []]))
  const phasesBySize = new Map<number, Record<string, number>[]>(options.peers.map((n) => [n, []]))
  for (let run = 0; run < options.runs; run++) {
    // The floor in a page of the same origin (a secure context for getUserMedia), without the app.
    const context = await newBenchContext(browser, false)
    try {
      const page = await context.newPage()
      await page.goto(`${url}/moim.json`)
      loopback.push(await page.evaluate(loopbackInPage, floorCamera(1)))
    } finally {
      await context.close()
    }
    for (const peers of options.peers) {
      try {
        floorBySize.get(peers)!.push(await floorOnce(browser, url, relayUrl, `floor-${peers}-${run}`, peers))
      } catch (error) {
        failures.push(`mesh floor, ${peers} peers, run ${run + 1}: ${String(error)}`)
      }
      // A setup that never completes is retried (at most twice) and counted: the report shows failures.
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const result = await setupOnce(browser, url, `setup-${peers}-${run}-${attempt}`, peers)
          bySize.get(peers)!.push(result.total)
          phasesBySize.get(peers)!.push(result.phases)
          break
        } catch (error) {
          const message = `${peers} peers, run ${run + 1}: ${error instanceof Error ? error.message : String(error)}`
          console.error(`[bench] call setup failed: ${message}`)
          failures.push(message)
        }
      }
    }
  }
  const stat = (runs: number[]) =>
    runs.length === 0
      ? { runs, median: Number.NaN, max: Number.NaN }
      : { runs, median: median(runs), max: Math.max(...runs) }
  return {
    definition:
      "Moim: from the moment the last joiner's page sends `room:join` (its WebSocket frame, when Join is pressed " +
      'in the lobby with its camera open; the others are already in a call) until every page has decoded its ' +
      'first video frame from every other page ' +
      '(MediaStreamTrackProcessor on a clone of each received track), i.e. the full mesh is up. Floor: two ' +
      'RTCPeerConnections in one page with camera and microphone (opened beforehand), candidates passed directly, ' +
      'from creating the connections to the first decoded frame at both ends. Mesh floor: the same N pages ' +
      "(own contexts, camera and microphone open before the join) on the bench's raw `ws` relay with no app " +
      'logic, the others already meshed; the joiner offers to every peer the moment the relay names them, ' +
      'candidates trickle; measured like Moim, from the join to the full mesh. Both floors capture the frame size ' +
      'Moim sends in a room of that size (1280×720 up to 2 remote peers, 640×360 for 3: `sentVideoSize`), at ' +
      "Moim's frame rate. Same browser, same run, interleaved.",
    loopback: stat(loopback),
    rows: options.peers.map((peers) => ({
      peers,
      ...stat(bySize.get(peers)!),
      floor: stat(floorBySize.get(peers)!),
      phases: medianPhases(phasesBySize.get(peers)!)
    })),
    failures
  }
}

/** Milestones reported for call setup, in the order they happen. */
export const PHASES = [
  'join answered',
  'media open',
  'connection created',
  'local offer',
  'remote offer',
  'local answer',
  'remote answer',
  'ICE connected',
  'DTLS connected',
  'first frame'
] as const

/**
 * One call setup of `peers` pages in `room`: ms from the last joiner's `room:join` to the full mesh, and for each
 * milestone the ms until every page that reached it after the join had done so (the mesh-wide completion). The
 * joiner joins from the lobby with its camera open (`lobby`, as the mesh floor's pages, which open theirs first),
 * or from an invite link that joins at once and opens the camera while the join is in flight (`link`).
 */
export async function setupOnce(
  browser: Browser,
  url: string,
  room: string,
  peers: number,
  joinFrom: JoinFrom = 'lobby',
  hooks: SetupHooks = {}
): Promise<{ total: number; phases: Record<string, number> }> {
  const pages: Opened[] = []
  try {
    // Everyone but the last is already in the call, as when someone joins a running meeting.
    for (let i = 0; i < peers - 1; i++) pages.push(await openCallPage(browser, url, room, `early ${i}`))
    await waitForMesh(pages, peers - 2, 30_000)
    if (peers === 2) await waitForJoin(pages[0].page)
    if (joinFrom === 'link') hooks.beforeJoin?.()
    pages.push(
      await (joinFrom === 'lobby'
        ? joinFromLobby(browser, url, room, 'joiner', hooks)
        : openCallPage(browser, url, room, 'joiner'))
    )
    const states = await waitForMesh(pages, peers - 1, 20_000)
    await hooks.meshed?.()
    const t0 = states.at(-1)!.joinAt!
    const t1 = Math.max(...states.flatMap((s) => s.frames.map((f) => f.at)))
    const phases: Record<string, number> = {}
    for (const name of PHASES) {
      const times = states.flatMap((s) =>
        s.events.filter((e) => e.name === name && e.at >= t0).map((e) => e.at)
      )
      if (times.length > 0) phases[name] = Math.max(...times) - t0
    }
    return { total: t1 - t0, phases }
  } finally {
    await Promise.all(pages.map((p) => p.context.close().catch(() => undefined)))
  }
}

/** The median of each milestone over the runs that reached it. */
export function medianPhases(runs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const name of PHASES) {
    const values = runs.map((r) => r[name]).filter((v): v is number => v !== undefined)
    if (values.length > 0) out[name] = median(values)
  }
  return out
}

export async function waitForJoin(page: Page): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await readState(page)).joinAt !== null) return
    await sleep(50)
  }
  throw new Error('the first page never sent room:join')
}

/** CPU time (ms) of every Chromium process descended from this one, from /proc. */
function chromiumCpuMs(): number {
  const parents = new Map<number, number>()
  const cpu = new Map<number, number>()
  const names = new Map<number, string>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const close = stat.lastIndexOf(')')
      const fields = stat.slice(close + 2).split(' ')
      const pid = Number(entry)
      names.set(pid, stat.slice(stat.indexOf('(') + 1, close))
      parents.set(pid, Number(fields[1]))
      // utime and stime are fields 14 and 15 of stat; `fields` starts at field 3.
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100)
    } catch {
      // The process exited while we were reading.
    }
  }
  let total = 0
  for (const [pid, ms] of cpu) {
    if (!/chrom/i.test(names.get(pid) ?? '')) continue
    for (let p = parents.get(pid), hops = 0; p !== undefined && hops < 20; p = parents.get(p), hops++) {
      if (p === process.pid) {
        total += ms
        break
      }
    }
  }
  return total
}

interface RtpSample {
  key: string
  kind: 'in' | 'out'
  timestamp: number
  framesDecoded: number
  bytesSent: number
  frameWidth: number
  frameHeight: number
  durations: Record<string, number>
}

const sampleRtp = (page: Page) =>
  page.evaluate(async () => {
    const samples: RtpSample[] = []
    const pcs = (window as unknown as BenchWindow).__bench.pcs
    for (let i = 0; i < pcs.length; i++) {
      if (pcs[i].connectionState !== 'connected') continue
      for (const r of (await pcs[i].getStats()).values()) {
        if (r.kind !== 'video' || (r.type !== 'inbound-rtp' && r.type !== 'outbound-rtp')) continue
        samples.push({
          key: `${i}:${r.id}`,
          kind: r.type === 'inbound-rtp' ? 'in' : 'out',
          timestamp: r.timestamp,
          framesDecoded: r.framesDecoded ?? 0,
          bytesSent: r.bytesSent ?? 0,
          frameWidth: r.frameWidth ?? 0,
          frameHeight: r.frameHeight ?? 0,
          durations: r.qualityLimitationDurations ?? {}
        })
      }
    }
    return samples
  })

/** Bench 5: `peers` pages in one room for `meshSeconds`: browser CPU, decoded fps, bitrate per sender. */
export function meshLoad(options: BrowserOptions): Promise<MeshRow[]> {
  return withServerAndBrowser(async (url, browser) => {
    const rows: MeshRow[] = []
    for (const peers of options.peers) {
      const pages: Opened[] = []
      try {
        for (let i = 0; i < peers; i++)
          pages.push(await openCallPage(browser, url, `mesh-${peers}`, `peer ${i}`))
        await waitForMesh(pages, peers - 1, 60_000)
        // Let bandwidth estimation ramp up before measuring the steady state.
        await sleep(options.rampSeconds * 1000)
        const before = await Promise.all(pages.map((p) => sampleRtp(p.page)))
        const cpuBefore = chromiumCpuMs()
        const wallBefore = performance.now()
        await sleep(options.meshSeconds * 1000)
        const after = await Promise.all(pages.map((p) => sampleRtp(p.page)))
        const cpuMs = chromiumCpuMs() - cpuBefore
        const wallMs = performance.now() - wallBefore
        rows.push(summarizeMesh(peers, before, after, cpuMs / wallMs, wallMs / 1000))
      } finally {
        await Promise.all(pages.map((p) => p.context.close().catch(() => undefined)))
      }
    }
    return rows
  })
}

function summarizeMesh(
  peers: number,
  before: RtpSample[][],
  after: RtpSample[][],
  browserCores: number,
  seconds: number
): MeshRow {
  const fps: number[] = []
  const senderKbps: number[] = []
  const sizes: string[] = []
  const limitation = new Map<string, number>()
  after.forEach((samples, page) => {
    const old = new Map(before[page].map((s) => [s.key, s]))
    let bits = 0
    for (const s of samples) {
      const prev = old.get(s.key)
      if (prev === undefined) continue
      const dt = (s.timestamp - prev.timestamp) / 1000
      if (s.kind === 'in') fps.push((s.framesDecoded - prev.framesDecoded) / dt)
      else {
        bits += ((s.bytesSent - prev.bytesSent) * 8) / dt
        sizes.push(`${s.frameWidth}×${s.frameHeight}`)
        for (const [reason, total] of Object.entries(s.durations)) {
          limitation.set(reason, (limitation.get(reason) ?? 0) + total - (prev.durations[reason] ?? 0))
        }
      }
    }
    senderKbps.push(bits / 1000)
  })
  const total = [...limitation.values()].reduce((a, b) => a + b, 0)
  const qualityLimitation: Record<string, number> = {}
  for (const [reason, time] of limitation) if (time > 0) qualityLimitation[reason] = time / total
  const commonSize = mostCommon(sizes) ?? '0×0'
  const [frameWidth, frameHeight] = commonSize.split('×').map(Number)
  return {
    peers,
    seconds,
    browserCores,
    fpsPerRemote: fps.length > 0 ? fps.reduce((a, b) => a + b, 0) / fps.length : Number.NaN,
    outboundKbpsPerSender: senderKbps.reduce((a, b) => a + b, 0) / senderKbps.length,
    frameWidth,
    frameHeight,
    qualityLimitation
  }
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]
}
