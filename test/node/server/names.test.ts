/**
 * Names that cannot impersonate, against a real server: invisible characters, other Unicode forms and blank
 * names are refused or suffixed, the "(2)" suffix never cuts a character, and room names of every script work.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LIMITS } from '../../../src/shared/protocol'
import { closeAll, connect, joined, rawRequest, request, startServer } from '../../support/signaling'

afterEach(closeAll)

const hex = (text: string): string =>
  [...text].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ')

/** Default-ignorable code points that render as nothing, each once a way past the "(2)" suffix. */
const INVISIBLE = ['\u034F', '\uFE0F', '\u17B4', '\u115F', '\u3164', '\u{E0100}'].map((c) => ({
  c,
  code: hex(c)
}))

const refusal = (field: string, reason: string): unknown => ({
  ok: false,
  error: { code: 'invalid', message: expect.any(String), field, reason }
})

describe('display names with invisible characters', () => {
  it.each(INVISIBLE)('refuses a second Alice hiding $code at room:join', async ({ c }) => {
    const { url, server } = await startServer()
    await joined(url, 'lounge', 'Alice')
    const eve = await connect(url)
    for (const name of [`Alice${c}`, `Ali${c}ce`]) {
      expect(await rawRequest(eve.socket, 'room:join', { room: 'lounge', name })).toEqual(
        refusal('name', 'invisible-characters')
      )
    }
    expect(await server.rooms()).toMatchObject([{ name: 'lounge', count: 1 }])
  })

  it.each(INVISIBLE)('refuses a rename to Alice hiding $code at peer:update', async ({ c }) => {
    const { url } = await startServer()
    const alice = await joined(url, 'lounge', 'Alice')
    const eve = await joined(url, 'lounge', 'Eve')
    expect(await rawRequest(eve.socket, 'peer:update', { name: `Alice${c}` })).toEqual(
      refusal('name', 'invisible-characters')
    )
    const newcomer = await joined(url, 'lounge', 'Newcomer')
    expect(newcomer.join.peers.map((peer) => peer.name).sort()).toEqual(['Alice', 'Eve'])
    expect(alice.inbox.payloads('peer:updated')).toEqual([])
  })

  it.each(['Alice\u200D', '\u200BAlice', 'Alice\uFE0F\u200D\u{1F4BB}'])(
    'refuses a zero-width joiner or a selector that is not part of an emoji (%j)',
    async (name) => {
      const { url } = await startServer()
      const eve = await connect(url)
      expect(await rawRequest(eve.socket, 'room:join', { room: 'lounge', name })).toEqual(
        refusal('name', 'invisible-characters')
      )
    }
  )

  it('keeps emoji sequences that need a joiner or a selector, as sent', async () => {
    const { url } = await startServer()
    for (const name of ['Minsu ❤️', '👩‍💻 Jin', 'Dev 👩🏽‍💻', '❤️‍🔥', 'Team 1️⃣']) {
      const client = await joined(url, 'lounge', name)
      expect(client.self.name).toBe(name)
    }
  })
})

describe('names compared for uniqueness', () => {
  it.each([
    ['precomposed then decomposed', 'José', 'Jose\u0301', 'José (2)'],
    ['decomposed then precomposed', 'Jose\u0301', 'José', 'José (2)'],
    ['fullwidth letters', 'Alice', 'Ａｌｉｃｅ', 'Ａｌｉｃｅ (2)'],
    ['a sharp s', 'Straße', 'STRASSE', 'STRASSE (2)'],
    ['an emoji with and without its selector', 'Minsu ❤', 'Minsu ❤️', 'Minsu ❤️ (2)'],
    ['a trailing braille blank', 'Alice', 'Alice\u2800', 'Alice\u2800 (2)'],
    ['a doubled space', 'Ann Lee', 'Ann  Lee', 'Ann  Lee (2)']
  ])('suffixes a name that differs only by %s', async (_, first, second, expected) => {
    const { url } = await startServer()
    await joined(url, 'lounge', first)
    const other = await joined(url, 'lounge', second)
    expect(other.self.name).toBe(expected)
  })

  it('suffixes a rename to the other Unicode form of a taken name', async () => {
    const { url } = await startServer()
    await joined(url, 'lounge', 'José')
    const bob = await joined(url, 'lounge', 'Bob')
    expect(await request(bob.socket, 'peer:update', { name: 'Jose\u0301' })).toMatchObject({
      ok: true,
      self: { name: 'José (2)' }
    })
  })

  it('stores names in NFC, keeping their case', async () => {
    const { url } = await startServer()
    const jose = await joined(url, 'lounge', 'JOSE\u0301')
    expect(jose.self.name).toBe('JOSÉ')
  })
})

describe('names that show nothing or cannot be shown', () => {
  it.each(['\u3164', '\u2800', '\uFFA0', '\u3164\u3164', ' \u2800 \u2800 ', '\u115F\u1160', '\u0301'])(
    'refuses a name with no visible character (%j)',
    async (name) => {
      const { url, server } = await startServer()
      const eve = await connect(url)
      expect(await rawRequest(eve.socket, 'room:join', { room: 'lounge', name })).toEqual(
        refusal('name', 'no-visible-character')
      )
      expect(await server.rooms()).toEqual([])
    }
  )

  it.each([
    ['a private-use character', 'Ann\uE000'],
    ['an unassigned code point', 'Ann\u0378'],
    ['a lone high surrogate', 'Ann\uD83D'],
    ['a lone low surrogate', '\uDE00Ann'],
    ['a control character', 'Ann\u0007'],
    ['a line separator', 'Ann\u2028Lee']
  ])('refuses a name with %s', async (_, name) => {
    const { url } = await startServer()
    const eve = await connect(url)
    expect(await rawRequest(eve.socket, 'room:join', { room: 'lounge', name })).toEqual(
      refusal('name', 'not-allowed-characters')
    )
  })
})

describe('the "(2)" suffix', () => {
  it.each([
    ['a surrogate pair', `${'A'.repeat(27)}😀BBB`, `${'A'.repeat(27)} (2)`],
    ['an emoji sequence', `${'A'.repeat(24)}👩‍💻BBB`, `${'A'.repeat(24)} (2)`],
    ['a letter from its accent', `${'A'.repeat(27)}e\u0301\u0323BB`, `${'A'.repeat(27)} (2)`]
  ])('never cuts %s, and fits the limit', async (_, name, expected) => {
    const { url } = await startServer()
    await joined(url, 'lounge', name)
    const second = await joined(url, 'lounge', name)
    expect(second.self.name).toBe(expected)
    expect(second.self.name.length).toBeLessThanOrEqual(LIMITS.name)
    expect(second.self.name.isWellFormed()).toBe(true)
  })
})

describe('room names', () => {
  it.each([
    ['Hindi', 'बैठक'],
    ['Thai', 'ประชุม'],
    ['decomposed French', 'Cafe\u0301']
  ])('accepts a %s word with combining marks', async (_, room) => {
    const { url } = await startServer()
    const ann = await joined(url, room, 'Ann')
    expect(ann.join.room.name).toBe(room.normalize('NFC'))
  })

  it('puts the decomposed and precomposed forms of a room name in the same room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'Café', 'Ann')
    const bob = await joined(url, 'Cafe\u0301', 'Bob')
    expect(bob.join.peers).toEqual([ann.self])
  })

  it.each([
    ['\u3164', 'no-visible-character'],
    ['\u3164\u3164', 'no-visible-character'],
    ['Lounge\u3164', 'invisible-characters'],
    ['Lounge\u034F', 'invisible-characters'],
    ['Lou\u200Bnge', 'invisible-characters'],
    ['\u0301Lounge', 'not-allowed-characters'],
    ['Lounge \u0301', 'not-allowed-characters'],
    ['Lounge\uE000', 'not-allowed-characters']
  ])('refuses the room name %j as %s', async (room, reason) => {
    const { url, server } = await startServer()
    const eve = await connect(url)
    expect(await rawRequest(eve.socket, 'room:join', { room, name: 'Eve' })).toEqual(refusal('room', reason))
    expect(await server.rooms()).toEqual([])
  })
})
