import { describe, expect, it } from 'vitest'
import {
  checkChatText,
  checkDisplayName,
  checkPassword,
  checkRoomName,
  nameKey,
  withSuffix
} from '../../src/shared/input-rules'
import { LIMITS } from '../../src/shared/protocol'

describe('checkDisplayName', () => {
  it('answers the NFC, trimmed name, keeping its case', () => {
    expect(checkDisplayName('  JOSE\u0301 ')).toEqual({ ok: true, value: 'JOSÉ' })
  })

  it('measures the limit after normalising', () => {
    expect(checkDisplayName('e\u0301'.repeat(LIMITS.name))).toEqual({
      ok: true,
      value: 'é'.repeat(LIMITS.name)
    })
    expect(checkDisplayName('é'.repeat(LIMITS.name + 1))).toEqual({ ok: false, reason: 'too-long' })
  })

  it.each([
    ['', 'empty'],
    [' \t ', 'empty'],
    ['\u2800', 'no-visible-character'],
    ['\u3164', 'no-visible-character'],
    ['Ann\u3164', 'invisible-characters'],
    ['Ann\u00AD', 'invisible-characters'],
    ['Ann\u{E0041}', 'invisible-characters'],
    ['Ann\u0600', 'not-allowed-characters'],
    ['Ann\uDBFF', 'not-allowed-characters'],
    ['Ann\u{F0000}', 'not-allowed-characters']
  ])('refuses %j as %s', (name, reason) => {
    expect(checkDisplayName(name)).toEqual({ ok: false, reason })
  })

  it.each(['Minsu ❤️', '👩‍💻', '👩🏽‍💻', '🏳️‍🌈', '#️⃣', '지수', 'Zoë', 'O’Brien', 'Ann (2)'])('accepts %j', (name) => {
    expect(checkDisplayName(name)).toEqual({ ok: true, value: name })
  })
})

describe('nameKey', () => {
  it.each([
    ['José', 'Jose\u0301'],
    ['Alice', 'ＡＬＩＣＥ'],
    ['straße', 'STRASSE'],
    ['Minsu ❤️', 'minsu ❤'],
    ['Ann Lee', 'Ann\u00A0\u2800Lee']
  ])('makes %j and %j one name', (a, b) => {
    expect(nameKey(a)).toBe(nameKey(b))
  })

  it.each([
    ['José', 'Jose'],
    ['Ann Lee', 'AnnLee'],
    ['Ann', 'Ann (2)']
  ])('keeps %j and %j apart', (a, b) => {
    expect(nameKey(a)).not.toBe(nameKey(b))
  })
})

describe('withSuffix', () => {
  it('appends the number to a short name', () => {
    expect(withSuffix('Ann', 3)).toBe('Ann (3)')
  })

  it('drops whole graphemes to fit the limit, and the spaces before the suffix', () => {
    expect(withSuffix(`${'A'.repeat(27)}😀BBB`, 2)).toBe(`${'A'.repeat(27)} (2)`)
    expect(withSuffix(`${'A'.repeat(20)}       BBBBB`, 10)).toBe(`${'A'.repeat(20)} (10)`)
    expect(withSuffix('x'.repeat(LIMITS.name), 2)).toHaveLength(LIMITS.name)
  })
})

describe('checkRoomName', () => {
  it.each(['बैठक', 'ประชุม', '모임 방', 'team-3.b_x', 'Lounge'])('accepts %j', (room) => {
    expect(checkRoomName(room)).toEqual({ ok: true, value: room })
  })

  it('answers the NFC, trimmed room name', () => {
    expect(checkRoomName(' Cafe\u0301 ')).toEqual({ ok: true, value: 'Café' })
  })

  it.each([
    ['', 'empty'],
    ['r'.repeat(LIMITS.room + 1), 'too-long'],
    ['\u3164', 'no-visible-character'],
    ['Lounge\u3164', 'invisible-characters'],
    ['Lounge\uFE0F', 'invisible-characters'],
    ['-lounge', 'not-allowed-characters'],
    ['lounge!', 'not-allowed-characters'],
    ['a/b', 'not-allowed-characters']
  ])('refuses %j as %s', (room, reason) => {
    expect(checkRoomName(room)).toEqual({ ok: false, reason })
  })
})

describe('checkPassword and checkChatText', () => {
  it('takes a password exactly as typed, within its limit', () => {
    expect(checkPassword(' tea ')).toEqual({ ok: true, value: ' tea ' })
    expect(checkPassword('')).toEqual({ ok: false, reason: 'empty' })
    expect(checkPassword('p'.repeat(LIMITS.password + 1))).toEqual({ ok: false, reason: 'too-long' })
  })

  it('takes chat text as typed, refusing blank or too long text', () => {
    expect(checkChatText(' hi ')).toEqual({ ok: true, value: ' hi ' })
    expect(checkChatText(' \n ')).toEqual({ ok: false, reason: 'empty' })
    expect(checkChatText('t'.repeat(LIMITS.chatText + 1))).toEqual({ ok: false, reason: 'too-long' })
  })
})
