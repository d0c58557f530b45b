import { afterEach, describe, expect, it } from 'vitest'
import { page, userEvent } from 'vitest/browser'
import type { MoimCallView } from '../../../src/renderer/src/components/moim-call-view'
import '../../../src/renderer/src/components/moim-call-view'
import type { Participant } from '../../../src/renderer/src/core/types'
import { callState, mediaState, message, mount, peer, settle, systemLine } from './fixture'

async function view(width: number, props: Partial<MoimCallView> = {}): Promise<MoimCallView> {
  await page.viewport(width, 800)
  return mount('moim-call-view', { state: callState(), media: mediaState(), ...props })
}

function chatButton() {
  return page.getByRole('button', { name: 'Chat', exact: true })
}

describe('moim-call-view', () => {
  afterEach(async () => {
    await page.viewport(1280, 800)
  })

  it('opens the chat by default on a window at least 1200 px wide', async () => {
    const element = await view(1280)
    expect(element.shadowRoot!.querySelector('moim-chat-panel')).not.toBeNull()
    await expect.element(chatButton()).toHaveAttribute('aria-expanded', 'true')
  })

  it('keeps the chat closed by default on a narrower window', async () => {
    const element = await view(1000)
    expect(element.shadowRoot!.querySelector('moim-chat-panel')).toBeNull()
    await expect.element(chatButton()).toHaveAttribute('aria-expanded', 'false')
  })

  it('counts messages from others that arrive while the chat is closed, and clears on opening', async () => {
    const history = [message('Bob', 'earlier')]
    const element = await view(1000, { state: callState({ chat: history }) })
    expect(element.unread).toBe(0) // history on join is not "unread"

    element.state = callState({ chat: [...history, systemLine('Cleo joined.'), message('Cleo', 'hi')] })
    await element.updateComplete
    expect(element.unread).toBe(1)
    await expect.element(chatButton()).toHaveAccessibleDescription('1 unread message')

    element.state = callState({
      chat: [...element.state.chat, message('Ann', 'mine', true), message('Bob', 'yo')]
    })
    await element.updateComplete
    expect(element.unread).toBe(2)
    await expect.element(chatButton()).toHaveAccessibleDescription('2 unread messages')

    await chatButton().click()
    await expect.element(chatButton()).toHaveAttribute('aria-expanded', 'true')
    expect(element.unread).toBe(0)
    await expect.element(chatButton()).not.toHaveAccessibleDescription('2 unread messages')
  })

  it('does not toggle the microphone when M is typed in the chat box', async () => {
    const element = await view(1280)
    let toggles = 0
    element.addEventListener('moim-toggle-mute', () => toggles++)
    const input = page.getByRole('textbox', { name: 'Message' })
    await input.click()
    await userEvent.keyboard('mm')
    await expect.element(input).toHaveValue('mm')
    expect(toggles).toBe(0)
  })

  it('shows the room name and the number of people', async () => {
    const element = await view(1280, {
      state: callState({
        participants: [
          {
            peer: { id: 'b', name: 'Bob', audio: true, video: true, screen: false },
            stream: null,
            connection: 'connected'
          }
        ]
      })
    })
    expect(element.shadowRoot!.querySelector('h1')!.textContent).toBe('standup')
    expect(element.shadowRoot!.querySelector('.people')!.textContent).toBe('2 people')
  })

  it('shows media notices and call errors where they can be seen', async () => {
    await view(1280, {
      state: callState({
        server: 'reconnecting',
        error: { code: 'rate-limited', message: 'Too many requests; slow down.' }
      }),
      media: mediaState({ notice: 'No camera found: others will hear you but not see you.' })
    })
    await expect.element(page.getByRole('alert')).toHaveTextContent('Too many requests; slow down.')
    await expect.element(page.getByText('Reconnecting…', { exact: false }).first()).toBeVisible()
    await expect.element(page.getByText('No camera found', { exact: false })).toBeVisible()
  })

  it('says so when it had to join again because its place could not be kept', async () => {
    await view(1280, { state: callState({ notice: 'rejoined-afresh' }) })
    await expect
      .element(page.getByRole('status').filter({ hasText: 'you joined the room again' }))
      .toBeVisible()
  })

  it('lands focus on the room name when the call starts, where M still toggles the microphone', async () => {
    const element = await view(1280)
    expect(element.shadowRoot!.activeElement?.tagName).toBe('H1')
    let toggles = 0
    element.addEventListener('moim-toggle-mute', () => toggles++)
    await userEvent.keyboard('m')
    expect(toggles).toBe(1)
  })
})

describe('moim-call-view while hosting', () => {
  it('shows the host panel slot only after "Invite people" is pressed', async () => {
    await page.viewport(1280, 800)
    const element = await mount('moim-call-view', { state: callState(), media: mediaState(), hosting: true })
    const slotted = document.createElement('p')
    slotted.slot = 'host'
    slotted.textContent = 'Others join with 192.168.1.20:47100'
    element.append(slotted)
    await expect.element(page.getByText('Others join with')).not.toBeVisible()
    const invite = page.getByRole('button', { name: 'Invite people' })
    await invite.click()
    await expect.element(page.getByText('Others join with')).toBeVisible()
    await expect
      .element(page.getByRole('button', { name: 'Hide invite' }))
      .toHaveAttribute('aria-expanded', 'true')
  })

  it('offers no invite button when this app is not the host', async () => {
    const element = await mount('moim-call-view', { state: callState(), media: mediaState() })
    expect(element.shadowRoot!.querySelector('.invite')).toBeNull()
  })
})

describe('moim-call-view layouts', () => {
  const streams: MediaStream[] = []

  afterEach(async () => {
    for (const stream of streams.splice(0)) for (const track of stream.getTracks()) track.stop()
    await page.viewport(1280, 800)
  })

  /** A 16:9 camera-like video from a canvas. */
  function camera(): MediaStream {
    const canvas = document.createElement('canvas')
    canvas.width = 640
    canvas.height = 360
    canvas.getContext('2d')!.fillRect(0, 0, 640, 360)
    const stream = canvas.captureStream(5)
    streams.push(stream)
    return stream
  }

  function guests(count: number): Participant[] {
    return Array.from({ length: count }, (_, i) => ({
      peer: peer(`p${i}`, `Guest ${i}`),
      stream: camera(),
      connection: 'connected' as const
    }))
  }

  /** The call view filling a window of `width` × `height`, as the app shows it. */
  async function fullView(width: number, height: number, props: Partial<MoimCallView> = {}) {
    await page.viewport(width, height)
    document.body.style.margin = '0'
    const element = await mount('moim-call-view', {
      state: callState({ participants: guests(1) }),
      media: mediaState({ localStream: camera() }),
      ...props
    })
    element.style.height = '100vh'
    await settle(element)
    const grid = element.shadowRoot!.querySelector('moim-video-grid')!
    const tiles = () => [...grid.shadowRoot!.querySelectorAll('moim-video-tile')]
    // Every video has said its shape and the grid has placed the tiles for it.
    await expect
      .poll(() => tiles().every((t) => t.shadowRoot!.querySelector('video')!.videoWidth > 0))
      .toBe(true)
    for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve))
    return { element, grid, tiles }
  }

  it.each([
    [1280, 800],
    [390, 844]
  ])('gives two people at %i×%i uncropped 16:9 tiles, each larger than before', async (width, height) => {
    const { tiles } = await fullView(width, height)
    const boxes = tiles().map((t) => t.getBoundingClientRect())
    expect(boxes).toHaveLength(2)
    for (const box of boxes) {
      expect(box.width / box.height).toBeCloseTo(16 / 9, 1)
      expect(box.width).toBeGreaterThan(width === 1280 ? 437 : 300)
      expect(box.right).toBeLessThanOrEqual(width)
    }
  })

  it('switches between the grid and the speaker layout with a labelled switch that says which is on', async () => {
    const element = await view(1280, { layout: 'grid' })
    const group = page.getByRole('group', { name: 'Layout' })
    const grid = group.getByRole('button', { name: 'Grid' })
    const speaker = group.getByRole('button', { name: 'Speaker' })
    await expect.element(grid).toHaveAttribute('aria-pressed', 'true')
    await expect.element(speaker).toHaveAttribute('aria-pressed', 'false')
    const asked: string[] = []
    element.addEventListener('moim-layout-change', (event) => asked.push(event.detail.layout))
    await speaker.click()
    expect(asked).toEqual(['speaker'])
    // The view shows what it is given: the Session's layout.
    element.layout = 'speaker'
    await element.updateComplete
    await expect.element(speaker).toHaveAttribute('aria-pressed', 'true')
    expect(element.shadowRoot!.querySelector('moim-video-grid')!.layout).toBe('speaker')
  })

  it.each([
    [390, 844],
    [700, 800]
  ])('at %i×%i opens the chat under the grid, leaving people in sight', async (width, height) => {
    const { element, grid } = await fullView(width, height, { state: callState({ participants: guests(2) }) })
    await chatButton().click()
    const chat = element.shadowRoot!.querySelector('moim-chat-panel')!
    await expect.element(chat).toBeVisible()
    await new Promise((resolve) => requestAnimationFrame(resolve))
    const gridBox = grid.getBoundingClientRect()
    const chatBox = chat.getBoundingClientRect()
    expect(gridBox.bottom).toBeLessThanOrEqual(chatBox.top)
    expect(gridBox.height).toBeGreaterThan(height * 0.25)
    const tile = grid.shadowRoot!.querySelector('moim-video-tile')!.getBoundingClientRect()
    expect(tile.height).toBeGreaterThan(80)
    expect(tile.bottom).toBeLessThanOrEqual(chatBox.top)
  })
})
