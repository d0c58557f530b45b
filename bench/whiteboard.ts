/**
 * Bench 10: the whiteboard, side by side in one run. The built web client on the real server, Chromium pages
 * drawing with the real mouse (Playwright), and Node clients running the renderer's own BoardModel to fill boards:
 * - stroke propagation: pointer-up on page A to the stroke rendered on page B (the frame after B's board has it);
 * - late join: opening the board in a fresh page on a 5,000-stroke board vs an empty one (click to drawn);
 * - bytes on the wire per stroke at 500 strokes, vs sending the whole board as JSON per change (MiroTalk's way);
 * - server heap per 1,000 strokes: with the room vs once the room and its board are deleted (forced collections);
 * - frame intervals on a page drawing on a 5,000-stroke board.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Page } from 'playwright-core'
import { io as connectSocket } from 'socket.io-client'
import type { BoardModel } from '../src/renderer/src/core/board-model'
import { setLogLevel } from '../src/shared/logger'
import { MemoryRoomStore } from '../src/server/memory-room-store'
import { createSignalingServer } from '../src/server/server'
import { boardOf, draw, until } from '../test/support/board'
import type { ClientSocket } from '../test/support/signaling'
import { ensureBuilt, launchChromium, startServer } from '../test/support/e2e'
import { summarize } from './lib/stats'
import type { Summary } from './lib/stats'

export interface WhiteboardOptions {
  /** Strokes drawn on page A for the propagation figure. */
  strokes: number
  /** Strokes on the big board (late join, frame time). */
  bigBoard: number
  /** Late joins measured per board. */
  joins: number
}

export interface WhiteboardResult {
  options: WhiteboardOptions
  propagationMs: Summary
  lateJoinMs: { empty: Summary; big: Summary }
  /** Characters of the `board:update` frames per stroke, strokes 451-500, vs the whole board's JSON at 500. */
  wire: { perStroke: number; wholeBoard: number; strokes: number }
  /** Server heap per 1,000 strokes, and the stored characters per 1,000 strokes. */
  memory: { heapPer1000: number; storedPer1000: number; strokes: number }
  frameMs: Summary
  /** Points in one bench stroke (a random walk, like a short handwritten word). */
  pointsPerStroke: number
}

const POINTS = 40

/**
 * The board bucket raised for the Node clients that fill boards (thousands of strokes in seconds, where a person
 * draws a few a second); the pages' own traffic stays far below the default either way.
 */
const FILL_RATE = { burst: 100_000, perSecond: 100_000 }
/** ...and the bytes one connection may send, for the same reason (a 5,000-stroke board is ~2.5 MB of updates). */
const FILL_LIMITS = { inboundBytes: { burst: 1e9, perSecond: 1e9 } }

/** A stroke's points as a person's hand makes them: a random walk from a random start. */
function walk(seed: number): [number, number][] {
  let x = 200 + ((seed * 7919) % 2800)
  let y = 150 + ((seed * 104_729) % 1500)
  const points: [number, number][] = []
  for (let i = 0; i < POINTS; i++) {
    x = Math.min(3_150, Math.max(50, x + Math.round(Math.sin(seed + i) * 14)))
    y = Math.min(1_750, Math.max(50, y + Math.round(Math.cos(seed * 3 + i) * 9)))
    points.push([x, y])
  }
  return points
}

async function joinedSocket(url: string, room: string, name: string): Promise<ClientSocket> {
  const socket: ClientSocket = connectSocket(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  const ack = await socket.timeout(10_000).emitWithAck('room:join', { room, name })
  if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`)
  return socket
}

/** Draws `count` strokes through a Node BoardModel and waits until the server has acknowledged all of them. */
async function fill(model: BoardModel, count: number, from = 0): Promise<void> {
  const target = model.state.strokes.length + count
  for (let i = 0; i < count; i++) {
    draw(model, walk(from + i))
    // In batches, so the ack queue stays short.
    if (i % 200 === 199) await until(model, (m) => m.state.strokes.length >= target - count + i + 1)
  }
  await until(model, (m) => m.state.strokes.length === target)
  await model.settled()
}

/** What the pages' scripts see of the whiteboard element (found through the app's shadow roots). */
type BoardElement = HTMLElement & {
  model: { state: { status: string; strokes: unknown[] }; subscribe(f: () => void): () => void } | null
}

async function openBoardIn(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Whiteboard' }).click()
}

async function waitReady(page: Page, strokes: number): Promise<void> {
  await page.waitForFunction(
    (count) => {
      const view = document.querySelector('moim-app')?.shadowRoot?.querySelector('moim-call-view')
      const board = view?.shadowRoot?.querySelector('moim-whiteboard') as BoardElement | null | undefined
      return board?.model?.state.status === 'ready' && board.model.state.strokes.length === count
    },
    strokes,
    { timeout: 120_000, polling: 'raf' }
  )
}

async function newPage(
  browser: Awaited<ReturnType<typeof launchChromium>>,
  url: string,
  room: string,
  name: string
) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  await page.goto(`${url}/?room=${room}&name=${name}`)
  await page.getByRole('button', { name: 'Whiteboard' }).waitFor({ timeout: 60_000 })
  return page
}

/** Stroke propagation and frame times in Chromium, and late-join time. */
async function browserPart(options: WhiteboardOptions, log: (line: string) => void) {
  await ensureBuilt()
  const server = await startServer({ rateLimits: { board: FILL_RATE }, limits: FILL_LIMITS })
  const browser = await launchChromium()
  const sockets: ClientSocket[] = []
  try {
    const a = await newPage(browser, server.url, 'prop', 'Ann')
    const b = await newPage(browser, server.url, 'prop', 'Bo')
    for (const page of [a, b]) {
      await openBoardIn(page)
      await waitReady(page, 0)
    }
    // B notes the time of the frame after each new stroke reached its board.
    await b.evaluate(() => {
      const view = document.querySelector('moim-app')?.shadowRoot?.querySelector('moim-call-view')
      const board = view?.shadowRoot?.querySelector('moim-whiteboard') as BoardElement
      const times: number[] = []
      ;(window as unknown as { __rendered: number[] }).__rendered = times
      let count = 0
      board.model!.subscribe(() => {
        const now = board.model!.state.strokes.length
        if (now === count) return
        count = now
        requestAnimationFrame(() => times.push(performance.timeOrigin + performance.now()))
      })
    })
    await a.evaluate(() => {
      const ups: number[] = []
      ;(window as unknown as { __ups: number[] }).__ups = ups
      window.addEventListener('pointerup', () => ups.push(performance.timeOrigin + performance.now()), true)
    })
    const box = (await a.getByRole('img', { name: /Shared whiteboard/ }).boundingBox())!
    log(`whiteboard: ${options.strokes} strokes from page A to page B`)
    for (let i = 0; i < options.strokes; i++) {
      const points = walk(i).filter((_, n) => n % 4 === 0)
      const at = ([x, y]: [number, number]) =>
        [box.x + (x / 3_200) * box.width, box.y + (y / 1_800) * box.height] as const
      await a.mouse.move(...at(points[0]))
      await a.mouse.down()
      for (const point of points.slice(1)) await a.mouse.move(...at(point))
      await a.mouse.up()
      await b.waitForFunction(
        (n) => (window as unknown as { __rendered: number[] }).__rendered.length >= n,
        i + 1
      )
    }
    const ups = await a.evaluate(() => (window as unknown as { __ups: number[] }).__ups)
    const rendered = await b.evaluate(() => (window as unknown as { __rendered: number[] }).__rendered)
    const propagation = rendered.map((t, i) => t - ups[i])
    // Their call (two fake cameras, rendered and encoded) would otherwise keep running under the late joins.
    for (const page of [a, b]) await page.context().close()

    // A big board, filled by a Node client that stays in the room, and an empty one.
    log(`whiteboard: filling a ${options.bigBoard}-stroke board`)
    const filler = await joinedSocket(server.url, 'big', 'Filler')
    sockets.push(filler)
    const fillerBoard = await boardOf(filler)
    await fill(fillerBoard, options.bigBoard)
    fillerBoard.dispose()
    const keeper = await joinedSocket(server.url, 'empty', 'Keeper')
    sockets.push(keeper)

    const joins = { empty: [] as number[], big: [] as number[] }
    for (let round = 0; round < options.joins; round++) {
      for (const [room, count] of [
        ['empty', 0],
        ['big', options.bigBoard]
      ] as const) {
        const page = await newPage(browser, server.url, room, `Late${round}`)
        const started = Date.now()
        await openBoardIn(page)
        await waitReady(page, count)
        // Drawn: the frame after the board had all its strokes.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))))
        joins[room].push(Date.now() - started)
        log(`whiteboard: late join on the ${room} board: ${joins[room].at(-1)} ms`)
        if (room === 'big' && round === options.joins - 1) {
          // Frame intervals while this page draws a long stroke on the big board.
          const frames = await drawAndTimeFrames(page)
          await page.context().close()
          return { propagation, joins, frames }
        }
        await page.context().close()
      }
    }
    throw new Error('unreachable')
  } finally {
    for (const socket of sockets) socket.disconnect()
    await browser.close()
    await server.close()
  }
}

/** rAF intervals on `page` while its mouse draws a 3-second stroke. */
async function drawAndTimeFrames(page: Page): Promise<number[]> {
  // A string, not a function: tsx would wrap the inner function in a helper the page does not have.
  await page.evaluate(`(() => {
    const intervals = []
    window.__frames = intervals
    let last = performance.now()
    const tick = (now) => {
      intervals.push(now - last)
      last = now
      if (!window.__stop) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })()`)
  const box = (await page.getByRole('img', { name: /Shared whiteboard/ }).boundingBox())!
  await page.mouse.move(box.x + 20, box.y + box.height / 2)
  await page.mouse.down()
  const started = Date.now()
  let i = 0
  while (Date.now() - started < 3_000) {
    i++
    await page.mouse.move(box.x + 20 + (i % 400) * 1.5, box.y + box.height / 2 + Math.sin(i / 10) * 80)
  }
  await page.mouse.up()
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean }
    w.__stop = true
    // The first interval ran from before the stroke began.
    return w.__frames.slice(1)
  })
}

/** Wire characters per stroke at 500 strokes, vs the whole board as JSON per change. */
async function wirePart(): Promise<WhiteboardResult['wire']> {
  const server = createSignalingServer({
    rateLimits: { board: FILL_RATE },
    limits: FILL_LIMITS
  })
  const { port } = await server.listen(0, '127.0.0.1')
  const url = `http://127.0.0.1:${port}`
  const drawer = await joinedSocket(url, 'wire', 'Drawer')
  const watcher = await joinedSocket(url, 'wire', 'Watcher')
  try {
    const board = await boardOf(drawer)
    await fill(board, 450)
    let chars = 0
    let received = 0
    watcher.on('board:update', (payload) => {
      // The frame as it travels: 42["board:update",{...}]
      chars += `42${JSON.stringify(['board:update', payload])}`.length
      received++
    })
    await fill(board, 50, 450)
    const deadline = Date.now() + 10_000
    while (received < 50 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    const whole = `42${JSON.stringify(['whiteboard', board.state.strokes])}`.length
    board.dispose()
    return { perStroke: chars / received, wholeBoard: whole, strokes: 500 }
  } finally {
    drawer.disconnect()
    watcher.disconnect()
    await server.close()
  }
}

/** Heap the server holds for 1,000 strokes (its log compacted), after forced collections. */
async function memoryPart(strokes: number): Promise<WhiteboardResult['memory']> {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const collect = async () => {
    for (let i = 0; i < 4; i++) {
      gc()
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  let store: MemoryRoomStore | undefined
  const server = createSignalingServer({
    rateLimits: { board: FILL_RATE },
    limits: FILL_LIMITS,
    roomStore: (made) => (store = new MemoryRoomStore(made))
  })
  const { port } = await server.listen(0, '127.0.0.1')
  const url = `http://127.0.0.1:${port}`
  const drawer = await joinedSocket(url, 'memory', 'Drawer')
  // A second member keeps the room (and its board) when the drawer leaves; its leaving deletes both.
  const keeper = await joinedSocket(url, 'memory', 'Keeper')
  try {
    // Warm-up in another room, so compiled code and the server's first allocations are not counted.
    const warm = await joinedSocket(url, 'warm-up', 'Warm')
    const warmBoard = await boardOf(warm)
    await fill(warmBoard, 300)
    warmBoard.dispose()
    warm.disconnect()
    const board = await boardOf(drawer)
    await fill(board, strokes)
    // The client's own document is not the server's memory: drop it, and the drawer, before measuring.
    board.dispose()
    drawer.disconnect()
    await new Promise((resolve) => setTimeout(resolve, 500))
    await collect()
    const withBoard = process.memoryUsage().heapUsed
    const stored = (await store?.readBoard('memory'))?.bytes ?? Number.NaN
    // Heap held by the board = heap with the room minus heap once the room (and its board) is deleted: other
    // growth in this process (sockets, compiled code) is in both.
    keeper.disconnect()
    await new Promise((resolve) => setTimeout(resolve, 500))
    await collect()
    const without = process.memoryUsage().heapUsed
    return {
      heapPer1000: ((withBoard - without) / strokes) * 1_000,
      storedPer1000: (stored / strokes) * 1_000,
      strokes
    }
  } finally {
    drawer.disconnect()
    keeper.disconnect()
    await server.close()
  }
}

export async function whiteboardBench(
  options: WhiteboardOptions,
  log: (line: string) => void
): Promise<WhiteboardResult> {
  // The servers and board models here log every join and refusal; the bench prints its own lines.
  setLogLevel('error')
  log('whiteboard: wire bytes per stroke')
  const wire = await wirePart()
  log('whiteboard: server memory per 1,000 strokes')
  const memory = await memoryPart(2_000)
  const { propagation, joins, frames } = await browserPart(options, log)
  return {
    options,
    propagationMs: summarize(propagation),
    lateJoinMs: { empty: summarize(joins.empty), big: summarize(joins.big) },
    wire,
    memory,
    frameMs: summarize(frames),
    pointsPerStroke: POINTS
  }
}
