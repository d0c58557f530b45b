/**
 * Raised hands (`hand:set`) and reactions (`reaction:send`) against a real server and real clients: delivery,
 * order, validation, their own rate limits, and the room rules they share with every other event.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { REACTIONS } from '../../../src/shared/protocol'
import { closeAll, connect, joined, rawRequest, request, settle, startServer } from '../../support/signaling'

afterEach(closeAll)

describe('hand:set', () => {
  it('raises a hand on the peer, tells the room with peer:updated and orders hands as they went up', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const cy = await joined(url, 'lounge', 'Cy')

    const cyUp = await request(cy.socket, 'hand:set', { raised: true })
    const annUp = await request(ann.socket, 'hand:set', { raised: true })
    expect(cyUp).toEqual({ ok: true, self: { ...cy.self, hand: expect.any(Number) } })
    expect(annUp.ok && cyUp.ok && annUp.self.hand! > cyUp.self.hand!).toBe(true)
    expect(await bob.inbox.waitFor('peer:updated', (peer) => peer.id === ann.id)).toMatchObject({
      hand: annUp.ok ? annUp.self.hand : -1
    })

    // A late joiner sees the hands, and sorting by `hand` gives the order they went up: Cy, then Ann.
    const dan = await joined(url, 'lounge', 'Dan')
    const up = dan.join.peers.filter((peer) => peer.hand !== undefined)
    expect(up.sort((a, b) => a.hand! - b.hand!).map((peer) => peer.name)).toEqual(['Cy', 'Ann'])

    const down = await request(cy.socket, 'hand:set', { raised: false })
    expect(down).toEqual({ ok: true, self: cy.self })
    const seen = await ann.inbox.waitFor('peer:updated', (peer) => peer.id === cy.id && !('hand' in peer))
    expect(seen).toEqual(cy.self)
  })

  it('refuses anything but { raised: boolean }, and a socket in no room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    for (const payload of [{}, { raised: 'yes' }, { raised: true, hand: 1 }, null]) {
      expect(await rawRequest(ann.socket, 'hand:set', payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid' }
      })
    }
    const lobby = await connect(url)
    expect(await request(lobby.socket, 'hand:set', { raised: true })).toMatchObject({
      ok: false,
      error: { code: 'not-in-room' }
    })
  })

  it('has its own rate limit, which leaves chat and control requests alone', async () => {
    const { url } = await startServer({ rateLimits: { hand: { burst: 2, perSecond: 0.001 } } })
    const ann = await joined(url, 'lounge', 'Ann')
    const codes: string[] = []
    for (let i = 0; i < 4; i++) {
      const answer = await request(ann.socket, 'hand:set', { raised: i % 2 === 0 })
      codes.push(answer.ok ? 'ok' : answer.error.code)
    }
    expect(codes).toEqual(['ok', 'ok', 'rate-limited', 'rate-limited'])
    expect(await request(ann.socket, 'chat:send', { text: 'still here' })).toMatchObject({ ok: true })
    expect(await request(ann.socket, 'peer:update', { audio: false })).toMatchObject({ ok: true })
  })
})

describe('reaction:send', () => {
  it('relays a reaction to everyone else in the room with the sender’s id, and to no other room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const eve = await joined(url, 'elsewhere', 'Eve')

    expect(await request(ann.socket, 'reaction:send', { emoji: '🎉' })).toEqual({ ok: true })
    expect(await bob.inbox.waitFor('reaction')).toEqual({ from: ann.id, emoji: '🎉' })
    await settle(ann)
    await settle(eve)
    expect(ann.inbox.payloads('reaction')).toEqual([])
    expect(eve.inbox.payloads('reaction')).toEqual([])
  })

  it('accepts only the listed emoji', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    for (const emoji of REACTIONS) {
      expect(await request(ann.socket, 'reaction:send', { emoji })).toEqual({ ok: true })
    }
    for (const payload of [{ emoji: '<b>hi</b>' }, { emoji: '👍🏿' }, { emoji: '👍', from: bob.id }, {}]) {
      expect(await rawRequest(ann.socket, 'reaction:send', payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid' }
      })
    }
    await settle(bob)
    expect(bob.inbox.payloads('reaction').map((reaction) => reaction.emoji)).toEqual([...REACTIONS])
  })

  it('has its own rate limit, and refuses a socket in no room', async () => {
    const { url } = await startServer({ rateLimits: { reaction: { burst: 3, perSecond: 0.001 } } })
    const ann = await joined(url, 'lounge', 'Ann')
    const codes: string[] = []
    for (let i = 0; i < 5; i++) {
      const answer = await request(ann.socket, 'reaction:send', { emoji: '👍' })
      codes.push(answer.ok ? 'ok' : answer.error.code)
    }
    expect(codes).toEqual(['ok', 'ok', 'ok', 'rate-limited', 'rate-limited'])
    expect(await request(ann.socket, 'hand:set', { raised: true })).toMatchObject({ ok: true })
    const lobby = await connect(url)
    expect(await request(lobby.socket, 'reaction:send', { emoji: '👍' })).toMatchObject({
      ok: false,
      error: { code: 'not-in-room' }
    })
  })
})

describe('room:join of a locked room', () => {
  it('answers password-required without a password, and it costs no password guess', async () => {
    const { url } = await startServer({ limits: { wrongPasswords: { burst: 1, perSecond: 0.001 } } })
    await joined(url, 'vault', 'Ann', 'tea')
    const bob = await connect(url)
    for (let i = 0; i < 3; i++) {
      expect(await request(bob.socket, 'room:join', { room: 'vault', name: 'Bob' })).toEqual({
        ok: false,
        error: { code: 'password-required', message: 'This room needs a password.' }
      })
    }
    // The one guess the limit allows is still there.
    expect(
      await request(bob.socket, 'room:join', { room: 'vault', name: 'Bob', password: 'tea' })
    ).toMatchObject({ ok: true })
  })
})
