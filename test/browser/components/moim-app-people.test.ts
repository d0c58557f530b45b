/**
 * People, state and words in the whole app, against a real signaling server: the app (as the desktop app renders
 * it, so its lobby has a server field) joins through its lobby form, and the other people are call-core Sessions in
 * the same page with their own sockets and fake cameras. Everything asserted is what the user sees or hears from a
 * screen reader: the people list, hands in order, reactions over tiles, connection quality and stats, and the
 * sentences (and focus) of every refusal.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { page, userEvent } from 'vitest/browser'
import { LocalMedia } from '../../../src/renderer/src/core/local-media'
import { Session } from '../../../src/renderer/src/core/session'
import { SignalingClient } from '../../../src/renderer/src/core/signaling-client'
import { displayAddress } from '../../../src/shared/join-address'
import { startServer } from '../core/server'
import type { TestServer } from '../core/server'
import { installDesktopBridge, mount } from './fixture'

const POLL = { timeout: 15_000, interval: 100 }
const SMALL = { width: { ideal: 160 }, height: { ideal: 120 } }

beforeAll(async () => {
  installDesktopBridge()
  await import('../../../src/renderer/src/components/moim-app')
})

let server: TestServer | null = null
const sessions: Session[] = []

beforeEach(() => localStorage.clear())

afterEach(async () => {
  for (const session of sessions.splice(0)) session.dispose()
  await server?.close()
  server = null
})

/** Someone else in the room: a call-core Session with its own socket and fake camera. */
async function other(name: string, room = 'den', password?: string): Promise<Session> {
  const session = new Session({
    call: {
      signaling: new SignalingClient({ requestTimeoutMs: 3_000, connectTimeoutMs: 3_000 }),
      media: new LocalMedia({ video: SMALL, persist: false })
    },
    persist: false
  })
  sessions.push(session)
  const joined = await session.join({
    name,
    room,
    server: server!.address,
    ...(password ? { password } : {})
  })
  expect(joined.ok).toBe(true)
  return session
}

function address(): string {
  return displayAddress(server!.address.host, server!.address.port)
}

/** Fills the lobby and presses Join. */
async function join(fields: { name: string; room: string; server?: string; password?: string }) {
  await page.getByLabelText('Your name').fill(fields.name)
  await page.getByLabelText('Server address').fill(fields.server ?? address())
  await page.getByLabelText('Room', { exact: true }).fill(fields.room)
  if (fields.password !== undefined) await page.getByLabelText('Password').fill(fields.password)
  await page.getByRole('button', { name: 'Join', exact: true }).click()
}

/** The element focused inside the app's shadow roots. */
function focused(): Element | null {
  let active: Element | null = document.activeElement
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement
  return active
}

describe('people in the call', { timeout: 60_000 }, () => {
  it('lists everyone with their state, and raised hands in the order they went up, on tiles and in the list', async () => {
    server = await startServer()
    const bo = await other('Bo')
    await mount('moim-app')
    await join({ name: 'Ann', room: 'den' })
    await expect.element(page.getByRole('heading', { name: 'den' }), { timeout: 15_000 }).toBeVisible()

    await page.getByRole('button', { name: 'People' }).click()
    await expect.element(page.getByRole('heading', { name: 'People (2)' })).toBeVisible()
    const everyone = page.getByRole('list', { name: 'In the call' })
    await expect.element(everyone.getByRole('listitem').first()).toHaveTextContent(/Ann \(you\)/)
    await expect.element(everyone.getByRole('listitem').nth(1)).toHaveTextContent(/Bo/)
    await expect.element(everyone.getByRole('listitem').nth(1)).toHaveTextContent(/Microphone on/)

    // Bo mutes and raises a hand, then Ann raises hers with the button: Bo is first.
    await bo.call.setMuted(true)
    expect((await bo.call.setHand(true)).ok).toBe(true)
    await expect.element(everyone.getByRole('listitem').nth(1)).toHaveTextContent(/Microphone off/)
    await page.getByRole('button', { name: 'Raise hand' }).click()
    await expect
      .element(page.getByRole('button', { name: 'Raise hand' }))
      .toHaveAttribute('aria-pressed', 'true')
    const hands = page.getByRole('list', { name: 'Raised hands' })
    await expect
      .poll(
        () =>
          hands
            .getByRole('listitem')
            .elements()
            .map((li) => li.textContent?.trim()),
        POLL
      )
      .toEqual([expect.stringMatching(/^1\s*Bo/), expect.stringMatching(/^2\s*Ann \(you\)/)])
    // The tiles say it too, with the place in the queue.
    await expect.element(page.getByRole('group', { name: /^Bo, .*Hand raised, first/ })).toBeVisible()
    await expect
      .element(page.getByRole('group', { name: /^Ann \(you\), Hand raised, number 2/ }))
      .toBeVisible()

    // Lowered by the person: Bo's goes, Ann moves up.
    expect((await bo.call.setHand(false)).ok).toBe(true)
    await expect.poll(() => hands.getByRole('listitem').elements().length, POLL).toBe(1)
    await expect.element(page.getByRole('group', { name: /^Ann \(you\), Hand raised, first/ })).toBeVisible()
  })

  it('shows reactions over the sender’s tile for a few seconds, sent from the reaction menu by keyboard', async () => {
    server = await startServer()
    const bo = await other('Bo')
    await mount('moim-app')
    await join({ name: 'Ann', room: 'den' })
    await expect.element(page.getByRole('heading', { name: 'den' }), { timeout: 15_000 }).toBeVisible()

    expect((await bo.call.sendReaction('👏')).ok).toBe(true)
    const boTile = page.getByRole('group', { name: /^Bo/ })
    await expect.element(boTile.getByRole('img', { name: 'Reaction 👏' })).toBeVisible()

    await page.getByRole('button', { name: 'Reactions' }).click()
    // The menu takes focus; arrows move, Enter sends, focus goes back to the button.
    await expect.poll(() => focused()?.getAttribute('aria-label')).toBe('Thumbs up')
    await userEvent.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}{ArrowRight}{Enter}')
    const annTile = page.getByRole('group', { name: /^Ann \(you\)/ })
    await expect.element(annTile.getByRole('img', { name: 'Reaction 🎉' })).toBeVisible()
    await expect.poll(() => bo.call.state.reactions.map((r) => r.emoji), POLL).toContain('🎉')
    await expect.poll(() => focused()?.id).toBe('react')
    // Gone after a few seconds.
    await expect
      .element(boTile.getByRole('img', { name: 'Reaction 👏' }), { timeout: 8_000 })
      .not.toBeInTheDocument()
  })

  it('rates the connection on the tile and shows codec, resolution, fps, bitrate, RTT and loss in the stats panel', async () => {
    server = await startServer()
    await other('Bo')
    await mount('moim-app')
    await join({ name: 'Ann', room: 'den' })
    const boTile = page.getByRole('group', { name: /^Bo/ })
    await expect.element(boTile.getByText('Connection: good'), { timeout: 20_000 }).toBeInTheDocument()

    await page.getByRole('button', { name: 'People' }).click()
    await page.getByRole('button', { name: 'Connection stats' }).click()
    const bo = page.getByRole('region', { name: 'Bo' })
    await expect.element(bo).toHaveTextContent(/Video codec\s*(VP8|VP9|H264|AV1)/)
    await expect
      .element(bo, { timeout: 10_000 })
      .toHaveTextContent(/Receiving\s*\d+×\d+ · \d+ fps · [\d.,]+ (k|M)bit\/s/)
    await expect.element(bo).toHaveTextContent(/Round trip\s*\d+ ms/)
    await expect.element(bo).toHaveTextContent(/Packet loss\s*\d+\.\d%/)
    // And back.
    await page.getByRole('button', { name: 'Back to people' }).click()
    await expect.element(page.getByRole('heading', { name: 'People (2)' })).toBeVisible()
    // Closed from inside, focus goes back to the People button.
    await page.getByRole('button', { name: 'Close people' }).click()
    await expect.element(page.getByRole('heading', { name: 'People (2)' })).not.toBeInTheDocument()
    await expect.poll(() => focused()?.id).toBe('people')
    await expect
      .element(page.getByRole('button', { name: 'People' }))
      .toHaveAttribute('aria-pressed', 'false')
  })
})

describe('refusals in words, on the field at fault', { timeout: 60_000 }, () => {
  it('says which characters a room name cannot have, emoji and “/” alike', async () => {
    server = await startServer()
    await mount('moim-app')
    await join({ name: 'Ann', room: 'team/standup' })
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(
        'A room name cannot contain “/”. Room names can use letters, digits, spaces, “.”, “-” and “_”, and start and end with a letter or digit.'
      )
    expect(focused()?.id).toBe('room')
    await join({ name: 'Ann', room: 'party 🎉' })
    await expect.element(page.getByRole('alert')).toHaveTextContent(/^A room name cannot contain “🎉”\./)
    expect(focused()?.id).toBe('room')
  })

  it('says a name or room is too long, with its length, instead of cutting it', async () => {
    server = await startServer()
    await mount('moim-app')
    const longName = 'N'.repeat(40)
    await join({ name: longName, room: 'den' })
    // Nothing was cut as it was typed.
    await expect.element(page.getByLabelText('Your name')).toHaveValue(longName)
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Names can be at most 32 characters. This one has 40.')
    expect(focused()?.id).toBe('name')
    await join({ name: 'Ann', room: 'r'.repeat(70) })
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Room names can be at most 64 characters. This one has 70.')
    expect(focused()?.id).toBe('room')
  })

  it('words an invite link whose room is 80 characters long, on the address field', async () => {
    server = await startServer()
    await mount('moim-app')
    const link = `http://${address()}/?room=${'r'.repeat(80)}`
    await join({ name: 'Ann', room: '', server: link })
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(
        'The room in this link cannot be used. Room names can be at most 64 characters. This one has 80.'
      )
    expect(focused()?.id).toBe('server')
  })

  it('asks for the password of a locked room joined without one, on the password field', async () => {
    server = await startServer()
    await other('Bo', 'vault', 'tea')
    await mount('moim-app')
    await join({ name: 'Ann', room: 'vault' })
    await expect
      .element(page.getByRole('alert'), { timeout: 10_000 })
      .toHaveTextContent('This room needs a password. Enter it, then press Join.')
    expect(focused()?.id).toBe('password')
    await page.getByLabelText('Password').fill('coffee')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect.element(page.getByRole('alert')).toHaveTextContent('The password is wrong.')
    expect(focused()?.id).toBe('password')
  })

  it('keeps someone who was only in the lobby, refused as full, in the lobby when the host stops', async () => {
    server = await startServer({ capacity: 2 })
    await other('Bo')
    await other('Cy')
    await mount('moim-app')
    await join({ name: 'Ann', room: 'den' })
    await expect.element(page.getByRole('alert'), { timeout: 10_000 }).toHaveTextContent('The room is full.')
    await server.close()
    server = null
    await expect
      .element(page.getByRole('alert'), { timeout: 10_000 })
      .toHaveTextContent('The host stopped this server. Try again when it is back, or join another one.')
    await expect
      .element(page.getByRole('heading', { name: 'The host ended the room' }))
      .not.toBeInTheDocument()
    await expect.element(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible()
  })
})
