import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_RATE_LIMITS } from '../../../src/server/server'
import { LIMITS, MAX_PACKET_BYTES } from '../../../src/shared/protocol'
import {
  closeAll,
  connect,
  disconnected,
  joined,
  rawConnect,
  rawEmit,
  rawRequest,
  rawRequestWithin,
  request,
  settle,
  startServer
} from '../../support/signaling'

afterEach(closeAll)

const offer = { type: 'offer' as const, sdp: 'v=0\r\n' }

describe('unknown events', () => {
  it('ignores an unknown event: no ack, nothing relayed, the socket keeps working', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const unanswered = rawRequestWithin(300, ann.socket, 'room:delete', { room: 'lounge' })
    await expect(unanswered).rejects.toThrow()
    await settle(bob)
    expect(bob.inbox.received.filter((entry) => entry.event !== 'peer:joined')).toEqual([])
    expect(await request(ann.socket, 'chat:send', { text: 'still served' })).toMatchObject({ ok: true })
  })

  it('does not relay server-to-client event names sent by a client', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const lobby = await connect(url)
    const emit = (event: string, payload: unknown): void => rawEmit(ann.socket, event, payload)
    emit('peer:joined', { id: 'fake', name: 'Mallory', audio: true, video: true, screen: false })
    emit('chat:message', { id: '1', from: bob.id, name: 'Bob', text: 'forged', ts: 0 })
    emit('server:closing', { reason: 'shutdown' })
    emit('rooms:changed', [])
    await settle(ann)
    await settle(bob)
    await settle(lobby)
    expect(bob.inbox.received).toEqual([])
    expect(lobby.inbox.received).toEqual([])
  })
})

describe('oversized packets', () => {
  it(`closes the socket that sends a packet over ${MAX_PACKET_BYTES} bytes, and only that one`, async () => {
    const { url, server } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const eve = await joined(url, 'lounge', 'Eve')
    const closed = disconnected(eve.socket)
    eve.socket.emit('chat:send', { text: 'x'.repeat(MAX_PACKET_BYTES) }, () => undefined)
    expect(await closed).toMatch(/transport/)
    expect(await ann.inbox.waitFor('peer:left')).toEqual({ id: eve.id })
    expect(ann.inbox.payloads('chat:message')).toEqual([])
    expect((await server.rooms())[0]?.count).toBe(2)
    await request(bob.socket, 'chat:send', { text: 'after' })
    expect((await ann.inbox.waitFor('chat:message')).text).toBe('after')
  })

  it('accepts the largest valid signal, which fits under the packet limit', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const candidate = {
      candidate: 'c'.repeat(LIMITS.candidate),
      sdpMid: 'm'.repeat(LIMITS.sdpMid),
      sdpMLineIndex: 1_023,
      usernameFragment: 'u'.repeat(LIMITS.usernameFragment)
    }
    const description = { type: 'pranswer' as const, sdp: 's'.repeat(LIMITS.sdp) }
    const ack = await request(ann.socket, 'signal', { to: bob.id, description, candidate })
    expect(ack).toEqual({ ok: true })
    expect(await bob.inbox.waitFor('signal')).toEqual({ from: ann.id, description, candidate })
  })
})

describe('malformed frames', () => {
  const frames: [string, string | Buffer][] = [
    ['truncated JSON', '42["chat:send",{"text":'],
    ['a non-array event', '42{"text":"hi"}'],
    ['an event without a name', '42[]'],
    ['an object as event name', '42[{"a":1}]'],
    ['a reserved event name', '42["disconnect"]'],
    ['an unknown packet type', '49["rooms:list"]'],
    ['a binary event without attachments', '45["rooms:list"]'],
    ['an unexpected binary frame', Buffer.from([1, 2, 3, 4])],
    ['an unknown engine.io packet type', '9']
  ]

  it.each(frames)('closes only the socket that sends %s', async (_label, frame) => {
    const { url, port } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const raw = await rawConnect(port)
    raw.send('420["room:join",{"room":"lounge","name":"Raw"}]')
    await raw.waitForFrame((received) => received.startsWith('430[{"ok":true'))
    await ann.inbox.waitFor('peer:joined')
    raw.send(frame)
    await raw.closed
    expect(await ann.inbox.waitFor('peer:left')).toEqual({ id: raw.id })
    expect(await request(ann.socket, 'chat:send', { text: 'fine' })).toMatchObject({ ok: true })
  })
})

describe('deeply nested payloads', () => {
  it('answers invalid to a payload nested 20,000 arrays deep and keeps serving', async () => {
    const { url, port } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const raw = await rawConnect(port)
    raw.send('420["room:join",{"room":"lounge","name":"Raw"}]')
    await raw.waitForFrame((frame) => frame.startsWith('430[{"ok":true'))
    raw.send(`421["chat:send",${'['.repeat(20_000)}${']'.repeat(20_000)}]`)
    const ack = await raw.waitForFrame((frame) => frame.startsWith('431'))
    expect(JSON.parse(ack.slice(3))).toMatchObject([{ ok: false, error: { code: 'invalid' } }])
    await settle(ann)
    expect(ann.inbox.payloads('chat:message')).toEqual([])
    expect(await request(ann.socket, 'chat:send', { text: 'fine' })).toMatchObject({ ok: true })
  })
})

describe('rate limits', () => {
  it('answers rate-limited to signals beyond the burst and relays none of them', async () => {
    const { url } = await startServer({ rateLimits: { signal: { burst: 5, perSecond: 0.001 } } })
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const acks = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        request(ann.socket, 'signal', { to: bob.id, candidate: { candidate: `candidate:${i}` } })
      )
    )
    expect(acks.map((ack) => (ack.ok ? 'ok' : ack.error.code))).toEqual([
      ...Array<string>(5).fill('ok'),
      ...Array<string>(7).fill('rate-limited')
    ])
    await settle(bob)
    expect(bob.inbox.payloads('signal').map((message) => message.candidate?.candidate)).toEqual(
      Array.from({ length: 5 }, (_, i) => `candidate:${i}`)
    )
  })

  it('limits each socket on its own: a flooding peer does not use up the others', async () => {
    const { url } = await startServer({ rateLimits: { signal: { burst: 2, perSecond: 0.001 } } })
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    for (let i = 0; i < 3; i++) await request(ann.socket, 'signal', { to: bob.id, description: offer })
    expect(await request(ann.socket, 'signal', { to: bob.id, description: offer })).toMatchObject({
      error: { code: 'rate-limited' }
    })
    expect(await request(bob.socket, 'signal', { to: ann.id, description: offer })).toEqual({ ok: true })
  })

  it('refills the bucket over time', async () => {
    // One token per 200 ms: the two parallel requests arrive well within it, the wait below well beyond it.
    const { url } = await startServer({ rateLimits: { signal: { burst: 1, perSecond: 5 } } })
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const send = () => request(ann.socket, 'signal', { to: bob.id, description: offer })
    const [first, second] = await Promise.all([send(), send()])
    expect(first).toEqual({ ok: true })
    expect(second).toMatchObject({ ok: false, error: { code: 'rate-limited' } })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await send()).toEqual({ ok: true })
  })

  it('answers rate-limited to a chat flood, and neither delivers nor keeps the extra messages', async () => {
    const { url } = await startServer({ rateLimits: { chat: { burst: 3, perSecond: 0.001 } } })
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const acks = await Promise.all(
      Array.from({ length: 5 }, (_, i) => request(ann.socket, 'chat:send', { text: `m${i}` }))
    )
    expect(acks.map((ack) => (ack.ok ? 'ok' : ack.error.code))).toEqual([
      'ok',
      'ok',
      'ok',
      'rate-limited',
      'rate-limited'
    ])
    await settle(bob)
    expect(bob.inbox.payloads('chat:message').map((message) => message.text)).toEqual(['m0', 'm1', 'm2'])
    const cat = await joined(url, 'lounge', 'Cat')
    expect(cat.join.history.map((message) => message.text)).toEqual(['m0', 'm1', 'm2'])
  })

  it('answers rate-limited to a flood of control requests such as rooms:list', async () => {
    const { url } = await startServer({ rateLimits: { control: { burst: 3, perSecond: 0.001 } } })
    const lobby = await connect(url)
    const acks = await Promise.all(Array.from({ length: 5 }, () => request(lobby.socket, 'rooms:list')))
    expect(acks.map((ack) => (ack.ok ? 'ok' : ack.error.code))).toEqual([
      'ok',
      'ok',
      'ok',
      'rate-limited',
      'rate-limited'
    ])
  })

  it('rate-limits invalid payloads too, so garbage cannot be sent faster than valid requests', async () => {
    const { url } = await startServer({ rateLimits: { chat: { burst: 2, perSecond: 0.001 } } })
    const ann = await joined(url, 'lounge', 'Ann')
    const codes = []
    for (let i = 0; i < 3; i++) {
      const ack = (await rawRequest(ann.socket, 'chat:send', { text: 5 })) as { error: { code: string } }
      codes.push(ack.error.code)
    }
    expect(codes).toEqual(['invalid', 'invalid', 'rate-limited'])
  })
})

describe('rate limit options', () => {
  it('keeps the default for a bucket given as undefined', async () => {
    const { url } = await startServer({
      rateLimits: { chat: undefined, signal: { burst: 1, perSecond: 0.001 } }
    })
    const ann = await joined(url, 'lounge', 'Ann')
    const acks = await Promise.all(
      Array.from({ length: DEFAULT_RATE_LIMITS.chat.burst + 1 }, (_, i) =>
        request(ann.socket, 'chat:send', { text: `m${i}` })
      )
    )
    expect(acks.filter((ack) => ack.ok)).toHaveLength(DEFAULT_RATE_LIMITS.chat.burst)
  })
})
