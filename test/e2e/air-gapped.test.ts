/**
 * Moim must work on a network with no Internet: everything the web client needs comes from the host that served
 * it (no CDN script, font or stylesheet, no analytics), and its only socket goes back to that host.
 */
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, launchChromium, startServer } from '../support/e2e'
import type { E2eServer } from '../support/e2e'

describe('air-gapped use', () => {
  let server: E2eServer
  let browser: Browser
  let context: BrowserContext | undefined

  beforeAll(async () => {
    await ensureBuilt()
    server = await startServer()
    browser = await launchChromium()
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await server?.close()
  })

  it('loads and joins a call with requests to its own host only', async () => {
    context = await browser.newContext()
    const requested: string[] = []
    context.on('request', (request) => requested.push(request.url()))
    const page = await context.newPage()
    page.on('websocket', (socket) => requested.push(socket.url()))
    await page.goto(`${server.url}/?room=offline&name=Ann`)
    await page.getByRole('button', { name: 'Leave call' }).waitFor({ timeout: 30_000 })

    const host = new URL(server.url).host
    const elsewhere = requested.filter((url) => {
      const parsed = new URL(url)
      return parsed.host !== host && parsed.protocol !== 'data:' && parsed.protocol !== 'blob:'
    })
    expect(requested.length).toBeGreaterThan(2)
    expect(requested.some((url) => url.startsWith(`ws://${host}/socket.io/`))).toBe(true)
    expect(elsewhere).toEqual([])
  })
})
