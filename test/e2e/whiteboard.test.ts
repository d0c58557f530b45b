/**
 * The whiteboard end to end: the built web client served by the real server, Chromium pages drawing with real
 * pointer input (Playwright's mouse and CDP pen events, i.e. the browser's own input pipeline), checked through
 * each page's board state and a hash of its rendered pixels. The tests share one room and run in order.
 */
import type { Page } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closePages, ensureBuilt, launchChromium, openPage, startServer } from '../support/e2e'
import type { CallPage, E2eServer } from '../support/e2e'

const POLL = { timeout: 30_000, interval: 200 }
const ROOM = 'sketch'

/**
 * A page's board, read from outside: stroke ids and points in drawing order, a hash of the drawn pixels and the
 * canvas's size in device pixels (a page showing a notice above the board has a smaller one, hence other pixels).
 */
export interface BoardView {
  ids: string[]
  points: number[][]
  pixels: string
  size: string
  status: string
}

/** Finds the whiteboard element through the app's shadow roots (none of it is a test hook in the app). */
export async function readBoard(page: Page): Promise<BoardView | null> {
  return page.evaluate(async () => {
    const view = document.querySelector('moim-app')?.shadowRoot?.querySelector('moim-call-view')
    const board = view?.shadowRoot?.querySelector('moim-whiteboard') as
      | (HTMLElement & {
          model: { state: { status: string; strokes: { id: string; points: number[] }[] } } | null
        })
      | null
    const state = board?.model?.state
    const canvas = board?.shadowRoot?.querySelector<HTMLCanvasElement>('canvas.base')
    if (state === undefined || canvas == null) return null
    const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data
    const digest = pixels === undefined ? new ArrayBuffer(0) : await crypto.subtle.digest('SHA-256', pixels)
    return {
      ids: state.strokes.map((stroke) => stroke.id),
      points: state.strokes.map((stroke) => stroke.points),
      pixels: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
      size: `${canvas.width}x${canvas.height}`,
      status: state.status
    }
  })
}

/** The board's drawing surface (the canvas announced as an image). */
export function sheet(page: Page) {
  return page.getByRole('img', { name: /Shared whiteboard/ })
}

/** Draws a line with the real mouse from (x0, y0) to (x1, y1), fractions of the sheet, in `steps` moves. */
export async function drawLine(page: Page, from: [number, number], to: [number, number], steps = 12) {
  const box = await sheet(page).boundingBox()
  if (box === null) throw new Error('no whiteboard on the page')
  const at = (f: [number, number]): [number, number] => [box.x + f[0] * box.width, box.y + f[1] * box.height]
  const [x0, y0] = at(from)
  const [x1, y1] = at(to)
  await page.mouse.move(x0, y0)
  await page.mouse.down()
  await page.mouse.move(x1, y1, { steps })
  await page.mouse.up()
}

export async function openBoard(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Whiteboard' }).click()
  await expect.poll(async () => (await readBoard(page))?.status, POLL).toBe('ready')
}

describe('a whiteboard shared by four pages', () => {
  let server: E2eServer
  let browser: Browser
  const pages: CallPage[] = []
  const page = (name: string): Page => pages.find((p) => p.name === name)!.page
  /** The pixel hash of an empty board, so a test can tell that strokes were really drawn. */
  let emptyPixels = ''
  /** Content Security Policy violations any page reported (the board must work under the app's CSP). */
  const violations: string[] = []
  /** How many times each page has asked the server for the whole board (`board:sync` frames it sent). */
  const syncsAsked = new Map<string, number>()

  async function join(name: string): Promise<void> {
    const opened = await openPage(browser, server.url, name, `?room=${ROOM}&name=${name}`)
    opened.page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) violations.push(`${name}: ${message.text()}`)
    })
    opened.page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        if (typeof payload === 'string' && payload.includes('"board:sync"'))
          syncsAsked.set(name, (syncsAsked.get(name) ?? 0) + 1)
      })
    )
    pages.push(opened)
    await opened.page.getByRole('button', { name: 'Whiteboard' }).waitFor({ timeout: 60_000 })
  }

  /** Every page's board once they all agree (same strokes, same pixels), and how many strokes that is. */
  async function converged(names: string[], strokes: number): Promise<BoardView> {
    await expect
      .poll(async () => {
        const views = await Promise.all(names.map((name) => readBoard(page(name))))
        const first = views[0]
        if (first == null || first.ids.length !== strokes) return `${first?.ids.length} strokes`
        // Pixels are compared between canvases of one size: the same strokes drawn on a smaller sheet differ.
        const same = views.every(
          (view) =>
            view !== null &&
            JSON.stringify(view.ids) === JSON.stringify(first.ids) &&
            JSON.stringify(view.points) === JSON.stringify(first.points) &&
            views.every((other) => other?.size !== view.size || other.pixels === view.pixels)
        )
        return same ? 'converged' : 'different'
      }, POLL)
      .toBe('converged')
    return (await readBoard(page(names[0])))!
  }

  beforeAll(async () => {
    await ensureBuilt()
    server = await startServer()
    browser = await launchChromium()
    for (const name of ['Ann', 'Bo', 'Cy']) await join(name)
  }, 240_000)

  afterAll(async () => {
    await closePages(pages)
    await browser?.close()
    await server?.close()
  })

  it('shows the others who has the board open', async () => {
    await openBoard(page('Ann'))
    emptyPixels = (await readBoard(page('Ann')))!.pixels
    const button = page('Bo').getByRole('button', { name: 'Whiteboard' })
    await expect.poll(() => button.getAttribute('aria-describedby'), POLL).toBe('board-viewers')
    await expect
      .poll(() => page('Bo').locator('#board-viewers').textContent(), POLL)
      .toContain('On the whiteboard: Ann')
    await openBoard(page('Bo'))
    await openBoard(page('Cy'))
    expect(await page('Ann').getByRole('button', { name: 'Whiteboard' }).getAttribute('aria-pressed')).toBe(
      'true'
    )
  })

  it('converges when three pages draw at the same time: same strokes, same pixels', async () => {
    // Real mouse input on all three pages at once, each its own line.
    await Promise.all([
      drawLine(page('Ann'), [0.1, 0.2], [0.4, 0.25]),
      drawLine(page('Bo'), [0.1, 0.5], [0.4, 0.55]),
      drawLine(page('Cy'), [0.1, 0.8], [0.4, 0.85])
    ])
    await Promise.all([
      drawLine(page('Ann'), [0.6, 0.2], [0.9, 0.3]),
      drawLine(page('Bo'), [0.6, 0.5], [0.9, 0.6]),
      drawLine(page('Cy'), [0.6, 0.8], [0.9, 0.7])
    ])
    const board = await converged(['Ann', 'Bo', 'Cy'], 6)
    // Something was drawn: the pixels differ from an empty board's.
    expect(board.pixels).not.toBe(emptyPixels)
    expect(board.points.every((points) => points.length >= 6)).toBe(true)
  })

  it('shows each person’s cursor, named, where it is on everyone’s sheet', async () => {
    const box = (await sheet(page('Bo')).boundingBox())!
    await page('Bo').mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.25, { steps: 4 })
    const label = page('Ann').locator('moim-whiteboard .cursor').filter({ hasText: 'Bo' })
    await label.waitFor({ timeout: 10_000 })
    const annBox = (await sheet(page('Ann')).boundingBox())!
    await expect
      .poll(async () => {
        const at = (await label.boundingBox())!
        return [
          Math.round(((at.x - annBox.x) / annBox.width) * 20),
          Math.round(((at.y - annBox.y) / annBox.height) * 20)
        ]
      }, POLL)
      .toEqual([10, 5])
  })

  it('gives a fourth page that joins late the whole board at once', async () => {
    await join('Dee')
    await openBoard(page('Dee'))
    await converged(['Ann', 'Bo', 'Cy', 'Dee'], 6)
  })

  it('undoes only the asker’s own last stroke, everywhere', async () => {
    const before = (await readBoard(page('Ann')))!
    // Bo draws last; Ann's undo still takes back Ann's stroke, not Bo's.
    await drawLine(page('Bo'), [0.45, 0.1], [0.55, 0.1])
    await converged(['Ann', 'Bo', 'Cy', 'Dee'], 7)
    const withBo = (await readBoard(page('Ann')))!
    const bosStroke = withBo.ids.find((id) => !before.ids.includes(id))!
    await page('Ann').keyboard.press('Control+KeyZ')
    const after = await converged(['Ann', 'Bo', 'Cy', 'Dee'], 6)
    expect(after.ids).toContain(bosStroke)
    const removed = withBo.ids.filter((id) => !after.ids.includes(id))
    expect(removed).toHaveLength(1)
    // The removed stroke is Ann's second one (drawn at y ≈ 0.2..0.3 on the right).
    const index = withBo.ids.indexOf(removed[0])
    expect(withBo.points[index][0]).toBeGreaterThan(3_200 * 0.55)
    expect(withBo.points[index][1]).toBeLessThan(1_800 * 0.35)
  })

  it('erases a whole stroke of someone else with the eraser, everywhere', async () => {
    const before = (await readBoard(page('Bo')))!
    await page('Bo').keyboard.press('KeyE')
    // Across Cy's first line (y ≈ 0.8..0.85 at x 0.1..0.4).
    await drawLine(page('Bo'), [0.25, 0.75], [0.25, 0.9], 20)
    await page('Bo').keyboard.press('KeyP')
    const after = await converged(['Ann', 'Bo', 'Cy', 'Dee'], before.ids.length - 1)
    const gone = before.ids.find((id) => !after.ids.includes(id))!
    expect(before.points[before.ids.indexOf(gone)][1]).toBeGreaterThan(1_800 * 0.7)
  })

  it('takes a pen’s pressure from real pen input', async () => {
    const target = page('Cy')
    const box = (await sheet(target).boundingBox())!
    const cdp = await target.context().newCDPSession(target)
    const at = (fx: number, fy: number) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height })
    const pen = { pointerType: 'pen' as const, button: 'left' as const, buttons: 1, clickCount: 1 }
    await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...at(0.45, 0.4), ...pen, force: 0.2 })
    for (let i = 1; i <= 8; i++) {
      await cdp.send('Input.dispatchMouseEvent', {
        type: 'mouseMoved',
        ...at(0.45 + i * 0.01, 0.4),
        ...pen,
        force: 0.2 + i * 0.1
      })
    }
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...at(0.53, 0.4), ...pen, force: 0 })
    await cdp.detach()
    const board = await converged(['Ann', 'Bo', 'Cy', 'Dee'], 6)
    const stroke = board.points.at(-1)!
    const pressures = stroke.filter((_, i) => i % 3 === 2)
    expect(Math.min(...pressures)).toBeLessThanOrEqual(30)
    expect(Math.max(...pressures)).toBeGreaterThanOrEqual(80)
  })

  it('catches up a page whose connection drops and comes back', async () => {
    const io = server.server.io
    const dee = page('Dee')
    const before = (await readBoard(dee))!
    // Dee's socket is the one that joined last; cut its transport as a network drop would.
    const sockets = [...io.sockets.sockets.values()]
    const deeSocket = sockets.at(-1)!
    deeSocket.conn.close()
    await expect.poll(async () => (await readBoard(dee))?.status, POLL).not.toBe('ready')
    await drawLine(page('Ann'), [0.3, 0.05], [0.7, 0.08])
    await expect.poll(async () => (await readBoard(dee))?.status, { ...POLL, timeout: 40_000 }).toBe('ready')
    await converged(['Ann', 'Bo', 'Cy', 'Dee'], before.ids.length + 1)
    // And Dee draws again after coming back.
    await drawLine(dee, [0.3, 0.95], [0.6, 0.95])
    await converged(['Ann', 'Bo', 'Cy', 'Dee'], before.ids.length + 2)
  })

  it('clears the board for everyone after a confirmation, and the chat says who', async () => {
    const cy = page('Cy')
    await cy.getByRole('button', { name: 'Clear the board' }).click()
    await cy.getByRole('dialog', { name: 'Clear the board for everyone?' }).waitFor()
    await cy.getByRole('button', { name: 'Clear', exact: true }).click()
    expect((await converged(['Ann', 'Bo', 'Cy', 'Dee'], 0)).pixels).toBe(emptyPixels)
    for (const name of ['Ann', 'Dee']) {
      await expect
        .poll(() => page(name).getByRole('log', { name: 'Chat history' }).textContent(), POLL)
        .toContain('Cy cleared the whiteboard.')
    }
  })

  it('closes the board again, and the videos take the main area back', async () => {
    const ann = page('Ann')
    await ann.keyboard.press('KeyB')
    await expect.poll(() => sheet(ann).count(), POLL).toBe(0)
    expect(await ann.getByRole('button', { name: 'Whiteboard' }).getAttribute('aria-pressed')).toBe('false')
  })

  it('opens again with what was drawn while it was closed, without fetching the board again', async () => {
    const ann = page('Ann')
    const asked = syncsAsked.get('Ann') ?? 0
    expect(asked).toBeGreaterThan(0)
    await drawLine(page('Bo'), [0.2, 0.5], [0.8, 0.5])
    await expect.poll(async () => (await readBoard(page('Bo')))?.ids.length, POLL).toBe(1)
    await ann.getByRole('button', { name: 'Whiteboard' }).click()
    await converged(['Ann', 'Bo'], 1)
    expect(syncsAsked.get('Ann')).toBe(asked)
  })

  it('worked under the app’s Content Security Policy (no inline styles refused)', () => {
    expect(violations).toEqual([])
  })
})
