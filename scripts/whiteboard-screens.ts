/**
 * Screenshots of the whiteboard in a call (1280×800 and 390×844, English and Korean) into the directory given, or
 * test-results/screens/whiteboard: three people draw with the real mouse, one page per size and language is
 * captured. `npx tsx scripts/whiteboard-screens.ts [DIR]`
 */
import { mkdir } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { ensureBuilt, launchChromium, startServer } from '../test/support/e2e'

const OUT = process.argv[2] ?? 'test-results/screens/whiteboard'

async function open(
  browser: Browser,
  url: string,
  name: string,
  locale: string,
  size: { width: number; height: number }
) {
  const context = await browser.newContext({
    viewport: size,
    locale,
    deviceScaleFactor: size.width < 500 ? 2 : 1
  })
  const page = await context.newPage()
  await page.goto(`${url}/?room=design&name=${encodeURIComponent(name)}`)
  await page.locator('moim-call-controls').waitFor({ timeout: 60_000 })
  return page
}

async function line(page: Page, points: [number, number][]) {
  const box = (await page.getByRole('img', { name: /whiteboard|화이트보드/i }).boundingBox())!
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const
  await page.mouse.move(...at(points[0]))
  await page.mouse.down()
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 6 })
  await page.mouse.up()
}

const main = async () => {
  await ensureBuilt()
  await mkdir(OUT, { recursive: true })
  const server = await startServer()
  const browser = await launchChromium()
  try {
    const bo = await open(browser, server.url, 'Bo', 'en-US', { width: 1280, height: 800 })
    await bo.locator('moim-call-controls').locator('button[aria-keyshortcuts="B"]').click()
    await bo.waitForTimeout(800)
    // A little diagram: a box, an arrow, a highlight.
    await line(bo, [
      [0.1, 0.2],
      [0.35, 0.2],
      [0.35, 0.45],
      [0.1, 0.45],
      [0.1, 0.2]
    ])
    await line(bo, [
      [0.38, 0.33],
      [0.58, 0.33]
    ])
    await line(bo, [
      [0.54, 0.29],
      [0.58, 0.33],
      [0.54, 0.37]
    ])
    await bo.keyboard.press('Digit2')
    await line(bo, [
      [0.62, 0.2],
      [0.85, 0.2],
      [0.85, 0.45],
      [0.62, 0.45],
      [0.62, 0.2]
    ])
    await bo.keyboard.press('KeyH')
    await bo.keyboard.press('Digit5')
    await line(bo, [
      [0.12, 0.62],
      [0.5, 0.62]
    ])
    await bo.keyboard.press('KeyP')
    await bo.keyboard.press('Digit3')
    await line(bo, [
      [0.12, 0.7],
      [0.2, 0.6],
      [0.28, 0.72],
      [0.36, 0.6],
      [0.44, 0.7]
    ])
    for (const [locale, tag] of [
      ['en-US', 'en'],
      ['ko-KR', 'ko']
    ] as const) {
      for (const size of [
        { width: 1280, height: 800 },
        { width: 390, height: 844 }
      ]) {
        // A name per page: a closed page's seat is held for a resume, and its name with it ("Ann (2)" otherwise).
        const names = { en: ['Ann', 'Cy'], ko: ['지민', '서연'] }[tag]
        const page = await open(browser, server.url, names[size.width < 500 ? 1 : 0], locale, size)
        await page.locator('moim-call-controls').locator('button[aria-keyshortcuts="B"]').click()
        await page.waitForTimeout(1_000)
        // Bo's pointer over the board, so the named cursor shows.
        const box = (await bo.getByRole('img', { name: /whiteboard/i }).boundingBox())!
        await bo.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.7, { steps: 3 })
        await page.waitForTimeout(600)
        await page.screenshot({ path: `${OUT}/board-${tag}-${size.width}x${size.height}.png` })
        await page.context().close()
      }
    }
    // Bo's own view, with the others gone: who has it open, full board.
    await bo.screenshot({ path: `${OUT}/board-en-1280x800-drawer.png` })
  } finally {
    await browser.close()
    await server.close()
  }
}

await main()
