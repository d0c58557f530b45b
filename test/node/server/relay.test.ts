import { afterEach, describe, expect, it } from 'vitest'
import { LIMITS } from '../../../src/shared/protocol'
import type { IceCandidate, SessionDescription } from '../../../src/shared/protocol'
import { closeAll, connect, joined, rawEmit, request, settle, startServer } from '../../support/signaling'

afterEach(closeAll)

const offer: SessionDescription = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' }
const answer: SessionDescription = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n' }
const candidate: IceCandidate = {
  candidate: 'candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'abcd'
}

async function threeInRoom(url: string) {
  const ann = await joined(url, 'lounge', 'Ann')
  const bob = await joined(url, 'lounge', 'Bob')
  const cat = await joined(url, 'lounge', 'Cat')
  return { ann, bob, cat }
}

describe('signal relay', () => {
  it('delivers an offer only to its target, with from set to the sender', async () => {
    const { url } = await startServer()
    const { ann, bob, cat } = await threeInRoom(url)
    expect(await request(ann.socket, 'signal', { to: bob.id, description: offer })).toEqual({ ok: true })
    expect(await bob.inbox.waitFor('signal')).toEqual({ from: ann.id, description: offer })
    await settle(cat)
    await settle(ann)
    expect(cat.inbox.payloads('signal')).toEqual([])
    expect(ann.inbox.payloads('signal')).toEqual([])
  })

  it('delivers an answer back to the offerer only', async () => {
    const { url } = await startServer()
    const { ann, bob, cat } = await threeInRoom(url)
    expect(await request(bob.socket, 'signal', { to: ann.id, description: answer })).toEqual({ ok: true })
    expect(await ann.inbox.waitFor('signal')).toEqual({ from: bob.id, description: answer })
    await settle(cat)
    expect(cat.inbox.payloads('signal')).toEqual([])
  })

  it('delivers candidates, and the null end-of-candidates marker, only to the target and in order', async () => {
    const { url } = await startServer()
    const { ann, bob, cat } = await threeInRoom(url)
    const second = { ...candidate, candidate: candidate.candidate.replace('54321', '54322') }
    await request(ann.socket, 'signal', { to: bob.id, candidate })
    await request(ann.socket, 'signal', { to: bob.id, candidate: second })
    await request(ann.socket, 'signal', { to: bob.id, candidate: null })
    await bob.inbox.waitFor('signal', (message) => message.candidate === null)
    expect(bob.inbox.payloads('signal')).toEqual([
      { from: ann.id, candidate },
      { from: ann.id, candidate: second },
      { from: ann.id, candidate: null }
    ])
    await settle(cat)
    expect(cat.inbox.payloads('signal')).toEqual([])
  })

  it('relays a description and a candidate sent together', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    await request(ann.socket, 'signal', { to: bob.id, description: offer, candidate })
    expect(await bob.inbox.waitFor('signal')).toEqual({ from: ann.id, description: offer, candidate })
  })

  it('relays an SDP at the size limit', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const big: SessionDescription = { type: 'offer', sdp: 'a'.repeat(LIMITS.sdp) }
    expect(await request(ann.socket, 'signal', { to: bob.id, description: big })).toEqual({ ok: true })
    expect((await bob.inbox.waitFor('signal')).description?.sdp).toHaveLength(LIMITS.sdp)
  })

  it('answers not-found to a signal for a peer in another room, and delivers nothing', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const eve = await joined(url, 'kitchen', 'Eve')
    const ack = await request(eve.socket, 'signal', { to: ann.id, description: offer })
    expect(ack).toEqual({ ok: false, error: { code: 'not-found', message: expect.any(String) } })
    for (const client of [ann, bob, eve]) await settle(client)
    expect([ann, bob, eve].flatMap((client) => client.inbox.payloads('signal'))).toEqual([])
  })

  it('answers not-found to a signal for a connected peer that is in no room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const idle = await connect(url)
    const ack = await request(ann.socket, 'signal', { to: idle.id, description: offer })
    expect(ack).toMatchObject({ ok: false, error: { code: 'not-found' } })
    await settle(idle)
    expect(idle.inbox.payloads('signal')).toEqual([])
  })

  it('answers not-found to a signal for an unknown id, and delivers nothing', async () => {
    const { url } = await startServer()
    const { ann, bob, cat } = await threeInRoom(url)
    const ack = await request(ann.socket, 'signal', { to: 'no-such-peer', candidate })
    expect(ack).toMatchObject({ ok: false, error: { code: 'not-found' } })
    for (const client of [ann, bob, cat]) await settle(client)
    expect([ann, bob, cat].flatMap((client) => client.inbox.payloads('signal'))).toEqual([])
  })

  it('answers not-found to a signal addressed to the sender itself', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    expect(await request(ann.socket, 'signal', { to: ann.id, description: offer })).toMatchObject({
      ok: false,
      error: { code: 'not-found' }
    })
  })

  it('answers not-found to a signal for a peer that has left', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    await request(bob.socket, 'room:leave')
    expect(await request(ann.socket, 'signal', { to: bob.id, description: offer })).toMatchObject({
      ok: false,
      error: { code: 'not-found' }
    })
    await settle(bob)
    expect(bob.inbox.payloads('signal')).toEqual([])
  })

  it('answers not-in-room to a signal from a socket in no room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const outsider = await connect(url)
    const ack = await request(outsider.socket, 'signal', { to: ann.id, description: offer })
    expect(ack).toMatchObject({ ok: false, error: { code: 'not-in-room' } })
    await settle(ann)
    expect(ann.inbox.payloads('signal')).toEqual([])
  })

  it('refuses a client-supplied from: the sender cannot spoof another peer', async () => {
    const { url } = await startServer()
    const { ann, bob, cat } = await threeInRoom(url)
    const spoofed = { to: bob.id, from: cat.id, description: offer } as { to: string }
    const ack = await request(ann.socket, 'signal', spoofed)
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } })
    await settle(bob)
    expect(bob.inbox.payloads('signal')).toEqual([])
  })
})

describe('chat', () => {
  it('delivers a message to the others with server-set id, from, name and ts, and acks it to the sender', async () => {
    const { url } = await startServer()
    const { ann, bob, cat } = await threeInRoom(url)
    const before = Date.now()
    const ack = await request(ann.socket, 'chat:send', { text: 'hello' })
    const after = Date.now()
    expect(ack.ok).toBe(true)
    if (!ack.ok) return
    const { message } = ack
    expect(message).toEqual({
      id: expect.any(String),
      from: ann.id,
      name: 'Ann',
      text: 'hello',
      ts: expect.any(Number)
    })
    expect(message.id.length).toBeGreaterThan(0)
    expect(message.ts).toBeGreaterThanOrEqual(before)
    expect(message.ts).toBeLessThanOrEqual(after)
    expect(await bob.inbox.waitFor('chat:message')).toEqual(message)
    expect(await cat.inbox.waitFor('chat:message')).toEqual(message)
    await settle(ann)
    expect(ann.inbox.payloads('chat:message')).toEqual([])
  })

  it('gives every message its own id', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const first = await request(ann.socket, 'chat:send', { text: 'one' })
    const second = await request(ann.socket, 'chat:send', { text: 'one' })
    expect(first.ok && second.ok && first.message.id !== second.message.id).toBe(true)
  })

  it('delivers markup verbatim as text', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const text = '<img src=x onerror=alert(1)> & "quotes" \u00e9 \ud83d\ude00'
    await request(ann.socket, 'chat:send', { text })
    expect((await bob.inbox.waitFor('chat:message')).text).toBe(text)
  })

  it('keeps chat inside the room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const eve = await joined(url, 'kitchen', 'Eve')
    const lobby = await connect(url)
    await request(ann.socket, 'chat:send', { text: 'private' })
    await settle(eve)
    await settle(lobby)
    expect(eve.inbox.payloads('chat:message')).toEqual([])
    expect(lobby.inbox.payloads('chat:message')).toEqual([])
  })

  it('uses the sender name at the time of sending', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    await request(ann.socket, 'peer:update', { name: 'Annie' })
    const ack = await request(ann.socket, 'chat:send', { text: 'renamed' })
    expect(ack).toMatchObject({ ok: true, message: { name: 'Annie' } })
  })

  it('gives a late joiner the last 100 messages, oldest first', async () => {
    const { url } = await startServer({ rateLimits: { chat: { burst: 1_000, perSecond: 1_000 } } })
    const ann = await joined(url, 'lounge', 'Ann')
    const total = LIMITS.history + 5
    for (let i = 0; i < total; i++) {
      const ack = await request(ann.socket, 'chat:send', { text: `message ${i}` })
      expect(ack.ok).toBe(true)
    }
    const bob = await joined(url, 'lounge', 'Bob')
    expect(bob.join.history).toHaveLength(LIMITS.history)
    expect(bob.join.history.map((message) => message.text)).toEqual(
      Array.from({ length: LIMITS.history }, (_, i) => `message ${i + 5}`)
    )
    expect(bob.join.history.every((message) => message.from === ann.id && message.name === 'Ann')).toBe(true)
  })

  it('keeps history after its author leaves, as long as the room exists', async () => {
    const { url } = await startServer()
    await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    await request(bob.socket, 'chat:send', { text: 'bye' })
    bob.socket.disconnect()
    const cat = await joined(url, 'lounge', 'Cat')
    expect(cat.join.history.map((message) => message.text)).toEqual(['bye'])
  })

  it('answers not-in-room to chat:send outside a room', async () => {
    const { url } = await startServer()
    const lobby = await connect(url)
    const ack = await request(lobby.socket, 'chat:send', { text: 'anyone?' })
    expect(ack).toMatchObject({ ok: false, error: { code: 'not-in-room' } })
  })
})

describe("signal without an ack (how Moim's client sends it)", () => {
  it('is relayed, and the sender gets nothing back: one frame in, one frame out', async () => {
    const { url } = await startServer()
    const { ann, bob, cat } = await threeInRoom(url)
    let framesToAnn = 0
    ann.socket.io.engine.on('packet', (packet: { type: string }) => {
      if (packet.type === 'message') framesToAnn++
    })
    rawEmit(ann.socket, 'signal', { to: bob.id, description: offer })
    rawEmit(ann.socket, 'signal', { to: bob.id, candidate })
    rawEmit(ann.socket, 'signal', { to: bob.id, candidate: null })
    await bob.inbox.waitFor('signal', (message) => message.candidate === null)
    expect(bob.inbox.payloads('signal')).toEqual([
      { from: ann.id, description: offer },
      { from: ann.id, candidate },
      { from: ann.id, candidate: null }
    ])
    // settle's own request is answered by one frame: no ack, no refusal for the three signals.
    await settle(ann)
    expect(framesToAnn).toBe(1)
    expect(ann.inbox.payloads('signal:refused')).toEqual([])
    await settle(cat)
    expect(cat.inbox.payloads('signal')).toEqual([])
  })

  it('answers a refusal as signal:refused, naming the target, and relays nothing', async () => {
    const { url } = await startServer()
    const { ann, bob, cat } = await threeInRoom(url)
    rawEmit(ann.socket, 'signal', { to: 'nobody', description: offer })
    expect(await ann.inbox.waitFor('signal:refused')).toEqual({
      to: 'nobody',
      error: { code: 'not-found', message: expect.any(String) }
    })
    rawEmit(ann.socket, 'signal', { to: bob.id, description: offer, from: cat.id })
    expect(await ann.inbox.waitFor('signal:refused', (refusal) => refusal.error.code === 'invalid')).toEqual({
      to: bob.id,
      error: { code: 'invalid', message: expect.any(String) }
    })
    await settle(bob)
    expect(bob.inbox.payloads('signal')).toEqual([])
  })

  it('refuses a signal from outside any room as not-in-room, and cuts an over-long target to the id limit', async () => {
    const { url } = await startServer()
    const lobby = await connect(url)
    const target = 'x'.repeat(LIMITS.peerId * 10)
    rawEmit(lobby.socket, 'signal', { to: target, candidate })
    const refusal = await lobby.inbox.waitFor('signal:refused')
    expect(refusal.error.code).toBe('invalid')
    expect(refusal.to).toBe(target.slice(0, LIMITS.peerId))
    rawEmit(lobby.socket, 'signal', { to: 'someone', candidate })
    expect((await lobby.inbox.waitFor('signal:refused', (r) => r.to === 'someone')).error.code).toBe(
      'not-in-room'
    )
  })

  it('reports the rate limit with the time to wait, and relays what fits the bucket', async () => {
    const { url } = await startServer({ rateLimits: { signal: { burst: 3, perSecond: 0.001 } } })
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    for (let i = 0; i < 5; i++) rawEmit(ann.socket, 'signal', { to: bob.id, candidate })
    await ann.inbox.waitFor('signal:refused')
    await settle(ann)
    const refusals = ann.inbox.payloads('signal:refused')
    expect(refusals).toHaveLength(2)
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ to: bob.id, error: { code: 'rate-limited' } })
      expect(refusal.error.retryAfterMs).toBeGreaterThan(0)
    }
    await settle(bob)
    expect(bob.inbox.payloads('signal')).toHaveLength(3)
  })
})
