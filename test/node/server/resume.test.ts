/**
 * Sessions that survive a dropped connection, against a real server and real clients: `room:join` answers a
 * resume token; a client whose network drops comes back on a new socket with `room:resume` and is the same peer
 * (id, name, seat), the others see it reconnecting and back but never leave or join, and chat sent meanwhile is
 * delivered. Past the grace window, or with a bad token, `resume-failed`.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Logger } from '../../../src/shared/logger'
import {
  closeAll,
  connect,
  cutNetwork,
  disconnected,
  joined,
  rawRequest,
  request,
  settle,
  startServer
} from '../../support/signaling'
import type { TestClient } from '../../support/signaling'

afterEach(closeAll)

/** Connects a new client to `url` and resumes with `token`; the client and the answer. */
async function resumed(
  url: string,
  token: string,
  lastMessageId?: string
): Promise<{ client: TestClient; answer: Awaited<ReturnType<typeof resumeRequest>> }> {
  const client = await connect(url)
  return { client, answer: await resumeRequest(client, token, lastMessageId) }
}

function resumeRequest(client: TestClient, token: string, lastMessageId?: string) {
  return request(
    client.socket,
    'room:resume',
    lastMessageId === undefined ? { token } : { token, lastMessageId }
  )
}

/** Events about membership the client got, in order, as short lines. */
function membership(client: TestClient): string[] {
  return client.inbox.received
    .filter(({ event }) => ['peer:joined', 'peer:left', 'peer:updated'].includes(event))
    .map(({ event, args }) => {
      const peer = args[0] as { id: string; reconnecting?: boolean }
      return `${event} ${peer.id}${peer.reconnecting ? ' reconnecting' : ''}`
    })
}

describe('room:resume', () => {
  it('answers room:join with a token of 256 random bits, a new one every join, and never logs it', async () => {
    const lines: string[] = []
    const record = (message: string, fields?: Record<string, unknown>): void => {
      lines.push(`${message} ${JSON.stringify(fields ?? {})}`)
    }
    const logger: Logger = { debug: record, info: record, warn: record, error: record }
    const { url } = await startServer({ logger })
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    for (const token of [ann.join.token, bob.join.token]) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(ann.join.token).not.toBe(bob.join.token)
    await cutNetwork(bob)
    const { answer } = await resumed(url, bob.join.token)
    expect(answer.ok).toBe(true)
    expect(lines.length).toBeGreaterThan(3)
    expect(lines.filter((line) => line.includes(ann.join.token) || line.includes(bob.join.token))).toEqual([])
  })

  it('brings a dropped peer back as itself: same id and name, others see it reconnecting and back, no leave or join', async () => {
    const { url, server } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    await ann.inbox.waitFor('peer:joined')
    await cutNetwork(bob)
    expect(await ann.inbox.waitFor('peer:updated')).toEqual({ ...bob.self, reconnecting: true })

    const { client, answer } = await resumed(url, bob.join.token)
    expect(client.id).not.toBe(bob.id)
    expect(answer).toEqual({
      ok: true,
      self: bob.self,
      peers: [ann.self],
      room: { name: 'lounge', count: 2, capacity: 6, locked: false },
      history: [],
      token: bob.join.token
    })
    await ann.inbox.waitFor('peer:updated', (peer) => peer.reconnecting === undefined)
    await settle(ann)
    expect(membership(ann)).toEqual([
      `peer:joined ${bob.id}`,
      `peer:updated ${bob.id} reconnecting`,
      `peer:updated ${bob.id}`
    ])
    expect(await server.rooms()).toEqual([{ name: 'lounge', count: 2, capacity: 6, locked: false }])
  })

  it('relays signals to and from the resumed peer by its id', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    await cutNetwork(bob)
    const { client } = await resumed(url, bob.join.token)
    const offer = { type: 'offer' as const, sdp: 'v=0\r\n' }
    expect(await request(ann.socket, 'signal', { to: bob.id, description: offer })).toEqual({ ok: true })
    expect(await client.inbox.waitFor('signal')).toEqual({ from: ann.id, description: offer })
    expect(await request(client.socket, 'signal', { to: ann.id, candidate: null })).toEqual({ ok: true })
    expect(await ann.inbox.waitFor('signal')).toEqual({ from: bob.id, candidate: null })
    expect(await request(client.socket, 'signal', { to: bob.id, candidate: null })).toMatchObject({
      ok: false,
      error: { code: 'not-found' }
    })
    expect(await request(client.socket, 'peer:update', { video: false })).toMatchObject({
      ok: true,
      self: { id: bob.id, video: false }
    })
  })

  it('keeps a raised hand through the drop, and hands and reactions after it speak for the same peer', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    expect(await request(bob.socket, 'hand:set', { raised: true })).toMatchObject({ ok: true })
    await ann.inbox.waitFor('peer:updated', (peer) => peer.hand !== undefined)
    await cutNetwork(bob)
    const { client, answer } = await resumed(url, bob.join.token)
    expect(answer).toMatchObject({ ok: true, self: { id: bob.id, hand: expect.any(Number) } })
    expect(await request(client.socket, 'reaction:send', { emoji: '👏' })).toEqual({ ok: true })
    expect(await ann.inbox.waitFor('reaction')).toEqual({ from: bob.id, emoji: '👏' })
    expect(await request(client.socket, 'hand:set', { raised: false })).toMatchObject({
      ok: true,
      self: { id: bob.id }
    })
    const lowered = await ann.inbox.waitFor(
      'peer:updated',
      (peer) => peer.id === bob.id && peer.hand === undefined
    )
    expect(lowered.name).toBe('Bob')
  })

  it('delivers the chat sent while the peer was away: the history after the last message it saw', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const seen = await request(ann.socket, 'chat:send', { text: 'before' })
    const seenId = seen.ok ? seen.message.id : ''
    await bob.inbox.waitFor('chat:message')
    await cutNetwork(bob)
    await ann.inbox.waitFor('peer:updated')
    for (const text of ['while away 1', 'while away 2']) {
      expect((await request(ann.socket, 'chat:send', { text })).ok).toBe(true)
    }
    const { client, answer } = await resumed(url, bob.join.token, seenId)
    expect(answer.ok && answer.history.map((message) => message.text)).toEqual([
      'while away 1',
      'while away 2'
    ])
    // Without a last id (or one aged out of the history), the whole history.
    await cutNetwork(client)
    const again = await resumed(url, bob.join.token)
    expect(again.answer.ok && again.answer.history.map((message) => message.text)).toEqual([
      'before',
      'while away 1',
      'while away 2'
    ])
    // Its own messages come from the same id.
    const sent = await request(again.client.socket, 'chat:send', { text: 'back' })
    expect(sent).toMatchObject({ ok: true, message: { from: bob.id, name: 'Bob' } })
  })

  it('holds the seat of a dropped peer in a full room: a newcomer gets full, the peer resumes', async () => {
    const { url } = await startServer({ capacity: 2 })
    await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    await cutNetwork(bob)
    const cy = await connect(url)
    expect(await request(cy.socket, 'room:join', { room: 'lounge', name: 'Cy' })).toMatchObject({
      ok: false,
      error: { code: 'full' }
    })
    // Its name is held too.
    const { answer } = await resumed(url, bob.join.token)
    expect(answer).toMatchObject({ ok: true, self: { id: bob.id, name: 'Bob' }, room: { count: 2 } })
  })

  it('lets the peer leave once its grace window ends; its token then answers resume-failed', async () => {
    const { url, server } = await startServer({ resumeGraceMs: 300 })
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const droppedAt = Date.now()
    await cutNetwork(bob)
    expect(await ann.inbox.waitFor('peer:left')).toEqual({ id: bob.id })
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(300)
    expect((await server.rooms())[0]?.count).toBe(1)
    const { client, answer } = await resumed(url, bob.join.token)
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'resume-failed',
        message: expect.stringContaining('cannot be resumed')
      }
    })
    // The client can join afresh: a new id, the name free again.
    const fresh = await request(client.socket, 'room:join', { room: 'lounge', name: 'Bob' })
    expect(fresh).toMatchObject({ ok: true, self: { name: 'Bob' } })
    expect(fresh.ok && fresh.self.id).not.toBe(bob.id)
  })

  it('answers resume-failed for an unknown token and for the token of a peer that left, invalid for a malformed one', async () => {
    const { url } = await startServer()
    const bob = await joined(url, 'lounge', 'Bob')
    const stranger = await connect(url)
    expect(await resumeRequest(stranger, 'A'.repeat(43))).toMatchObject({
      ok: false,
      error: { code: 'resume-failed' }
    })
    expect(await rawRequest(stranger.socket, 'room:resume', { token: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'invalid' }
    })
    expect(
      await rawRequest(stranger.socket, 'room:resume', { token: bob.join.token, extra: 1 })
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid' }
    })
    expect((await request(bob.socket, 'room:leave')).ok).toBe(true)
    expect(await resumeRequest(stranger, bob.join.token)).toMatchObject({
      ok: false,
      error: { code: 'resume-failed' }
    })
  })

  it('lets a client that left on purpose go at once: no seat is held', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    bob.socket.disconnect()
    expect(await ann.inbox.waitFor('peer:left')).toEqual({ id: bob.id })
    const { answer } = await resumed(url, bob.join.token)
    expect(answer).toMatchObject({ ok: false, error: { code: 'resume-failed' } })
  })

  it('takes over from an old connection the server still thinks open, which then changes nothing', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    const oldGone = disconnected(bob.socket)
    const { client, answer } = await resumed(url, bob.join.token)
    expect(answer).toMatchObject({ ok: true, self: bob.self })
    expect(await oldGone).toBe('io server disconnect')
    await settle(ann)
    expect(membership(ann)).toEqual([`peer:joined ${bob.id}`])
    expect(await request(client.socket, 'chat:send', { text: 'still here' })).toMatchObject({ ok: true })
    expect((await ann.inbox.waitFor('chat:message')).from).toBe(bob.id)
  })

  it('refuses a resume from a socket already in a room', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Bob')
    expect(await resumeRequest(ann, bob.join.token)).toMatchObject({
      ok: false,
      error: { code: 'already-in-room' }
    })
  })
})
