/**
 * The renderer's SignalingClient, run in Node against the real signaling server (and against servers that are
 * not Moim, or do not answer): how each failure to connect is told apart, how protocol errors and ack timeouts
 * become Results, the host ending the room, and a dropped connection resuming its place in the room by itself.
 */
import { createServer as createHttpServer } from 'node:http'
import type { Server as HttpServer } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import type { AddressInfo, Server as TcpServer, Socket as TcpSocket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createSignalingServer } from '../../src/server/server'
import type { SignalingServer } from '../../src/server/server'
import { SignalingClient } from '../../src/renderer/src/core/signaling-client'
import { parseJoinAddress } from '../../src/shared/join-address'
import type { JoinAddress } from '../../src/shared/join-address'
import type { Peer } from '../../src/shared/protocol'
import type { CallError, ServerConnectionState } from '../../src/renderer/src/core/types'

const POLL = { timeout: 10_000, interval: 50 }

/** The address of a test server, parsed as the lobby parses what a user types. */
function at(url: string): JoinAddress {
  const parsed = parseJoinAddress(url)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.value
}

describe('SignalingClient', () => {
  const cleanups: (() => Promise<void> | void)[] = []

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function moimServer(capacity?: number): Promise<{ server: SignalingServer; url: string }> {
    const server = createSignalingServer(capacity === undefined ? {} : { capacity })
    const { port } = await server.listen(0, '127.0.0.1')
    cleanups.push(() => server.close())
    return { server, url: `http://127.0.0.1:${port}` }
  }

  function client(options: ConstructorParameters<typeof SignalingClient>[0] = {}): SignalingClient {
    const c = new SignalingClient({ requestTimeoutMs: 2_000, connectTimeoutMs: 2_000, ...options })
    cleanups.push(() => c.dispose())
    return c
  }

  function recordStates(c: SignalingClient): { state: ServerConnectionState; error: CallError | null }[] {
    const states: { state: ServerConnectionState; error: CallError | null }[] = []
    c.on('state', (state, error) => states.push({ state, error }))
    return states
  }

  async function listen(server: HttpServer | TcpServer): Promise<string> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it('connects to a Moim server and lists its rooms', async () => {
    const { url } = await moimServer()
    const c = client()
    const states = recordStates(c)
    expect(await c.connect(at(url))).toEqual({ ok: true, value: undefined })
    expect(c.state).toBe('connected')
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected'])
    expect(await c.listRooms()).toEqual({ ok: true, value: [] })
  })

  it('says "unreachable" when nothing listens at the address', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createTcpServer()
    const url = await listen(probe)
    await new Promise((resolve) => probe.close(resolve))
    const c = client()
    const result = await c.connect(at(url))
    expect(result).toMatchObject({ ok: false, error: { code: 'unreachable' } })
    expect(!result.ok && result.error.message).toContain(url)
    expect(c.state).toBe('closed')
  })

  it('says "timeout" when the server accepts but never answers', async () => {
    const sockets = new Set<TcpSocket>()
    const silent = createTcpServer((socket) => void sockets.add(socket))
    const url = await listen(silent)
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    })
    const c = client({ connectTimeoutMs: 400 })
    const started = Date.now()
    const result = await c.connect(at(url))
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout' } })
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  it('says "not-moim" for a web server that is not Moim', async () => {
    const web = createHttpServer((_request, response) => {
      response.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not found</h1>')
    })
    const url = await listen(web)
    cleanups.push(() => new Promise<void>((resolve) => web.close(() => resolve())))
    const result = await client().connect(at(url))
    expect(result).toMatchObject({ ok: false, error: { code: 'not-moim' } })
  })

  it('says "not-moim" for a JSON answer from another app', async () => {
    const other = createHttpServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"app":"other","protocol":1}')
    })
    const url = await listen(other)
    cleanups.push(() => new Promise<void>((resolve) => other.close(() => resolve())))
    expect(await client().connect(at(url))).toMatchObject({ ok: false, error: { code: 'not-moim' } })
  })

  it('passes protocol error codes through with a human message', async () => {
    const { url } = await moimServer(2)
    const a = client()
    const b = client()
    const c = client()
    for (const x of [a, b, c]) expect((await x.connect(at(url))).ok).toBe(true)
    const joined = await a.join({ room: 'den', name: 'Ann', password: 'secret' })
    expect(joined.ok && joined.value.self.name).toBe('Ann')
    expect(await b.join({ room: 'den', name: 'Bo', password: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'wrong-password', message: expect.stringMatching(/password/i) }
    })
    expect(await a.join({ room: 'den', name: 'Ann' })).toMatchObject({
      ok: false,
      error: { code: 'already-in-room' }
    })
    expect(await b.join({ room: '', name: 'Bo' })).toMatchObject({ ok: false, error: { code: 'invalid' } })
    expect((await b.join({ room: 'den', name: 'Bo', password: 'secret' })).ok).toBe(true)
    expect(await c.join({ room: 'den', name: 'Cy', password: 'secret' })).toMatchObject({
      ok: false,
      error: { code: 'full', message: expect.stringMatching(/full/i) }
    })
    expect(await c.sendChat('hello')).toMatchObject({ ok: false, error: { code: 'not-in-room' } })
  })

  it('keeps the field and reason of an invalid answer, so the UI can word it', async () => {
    const { url } = await moimServer()
    const c = client()
    expect((await c.connect(at(url))).ok).toBe(true)
    expect(await c.join({ room: 'den', name: '\u3164' })).toEqual({
      ok: false,
      error: {
        code: 'invalid',
        message: expect.any(String),
        field: 'name',
        reason: 'no-visible-character'
      }
    })
    expect(await c.join({ room: 'den', name: 'Bo' })).toMatchObject({ ok: true })
    expect(await c.sendChat(' ')).toEqual({
      ok: false,
      error: { code: 'invalid', message: expect.any(String), field: 'text', reason: 'empty' }
    })
  })

  it('turns an ack that never comes into "timeout"', async () => {
    const { server, url } = await moimServer()
    // The server swallows rooms:list without answering.
    server.io.on('connection', (socket) =>
      socket.use(([event], next) => {
        if (event !== 'rooms:list') next()
      })
    )
    const c = client({ requestTimeoutMs: 300 })
    expect((await c.connect(at(url))).ok).toBe(true)
    expect(await c.listRooms()).toMatchObject({ ok: false, error: { code: 'timeout' } })
    // The connection itself is fine: other requests still work.
    expect((await c.join({ room: 'den', name: 'Ann' })).ok).toBe(true)
  })

  it('reports "host-ended" when the host stops the server', async () => {
    const { server, url } = await moimServer()
    const c = client()
    const states = recordStates(c)
    expect((await c.connect(at(url))).ok).toBe(true)
    expect((await c.join({ room: 'den', name: 'Ann' })).ok).toBe(true)
    await server.close('host-stopped')
    await expect.poll(() => c.state, POLL).toBe('closed')
    expect(states.at(-1)?.error?.code).toBe('host-ended')
    // No reconnection attempts after the host ended the room.
    await new Promise((resolve) => setTimeout(resolve, 700))
    expect(states.at(-1)?.state).toBe('closed')
  })

  it('reconnects after the connection drops and resumes as the same peer, before sending anything else', async () => {
    const { server, url } = await moimServer()
    const a = client()
    const b = client()
    const states = recordStates(a)
    for (const x of [a, b]) expect((await x.connect(at(url))).ok).toBe(true)
    const first = await a.join({ room: 'den', name: 'Ann' })
    expect((await b.join({ room: 'den', name: 'Bo' })).ok).toBe(true)
    const self = first.ok ? first.value.self : null
    const rejoined: { self: Peer; history: string[]; resumed: boolean }[] = []
    a.on('rejoined', (result, resumed) => {
      if (result.ok)
        rejoined.push({ self: result.value.self, history: result.value.history.map((m) => m.text), resumed })
    })
    const seenByB: string[] = []
    b.on('peer:left', ({ id }) => seenByB.push(`left ${id}`))
    b.on('peer:joined', (peer) => seenByB.push(`joined ${peer.name}`))
    b.on('peer:updated', (peer) =>
      seenByB.push(`updated ${peer.name}${peer.reconnecting ? ' reconnecting' : ''}`)
    )
    expect((await b.sendChat('seen')).ok).toBe(true)
    await expect.poll(() => seenByB.length, POLL).toBe(0)

    // Cut a's TCP connection from the server side, as a network drop would (no close frame).
    const transport = server.io.sockets.sockets.get(self?.id ?? '')?.conn.transport as
      { socket?: { _socket?: { destroy(): void } } } | undefined
    transport?.socket?._socket?.destroy()
    await expect.poll(() => seenByB, POLL).toEqual(['updated Ann reconnecting'])
    expect((await b.sendChat('missed')).ok).toBe(true)
    // Requests made while the connection is down fail at once instead of reaching the server before the resume.
    expect(await a.sendChat('too early')).toMatchObject({ ok: false, error: { code: 'disconnected' } })

    await expect.poll(() => rejoined.length, POLL).toBe(1)
    expect(rejoined[0]).toEqual({ self, history: ['missed'], resumed: true })
    expect(a.state).toBe('connected')
    expect(states.map((s) => s.state)).toContain('reconnecting')
    await expect.poll(() => seenByB, POLL).toEqual(['updated Ann reconnecting', 'updated Ann'])
    expect(await server.rooms()).toEqual([{ name: 'den', count: 2, capacity: 6, locked: false }])
  })

  it('tells a refused connection (too many from this address) from an unreachable server', async () => {
    const server = createSignalingServer({ limits: { connectionsPerAddress: 1 } })
    const { port } = await server.listen(0, '127.0.0.1')
    cleanups.push(() => server.close())
    const url = `http://127.0.0.1:${port}`
    expect((await client().connect(at(url))).ok).toBe(true)
    const refused = await client().connect(at(url))
    expect(refused).toMatchObject({ ok: false, error: { code: 'too-many-connections' } })
  })

  it('says how long to wait when the server rate-limits password guesses', async () => {
    const { url } = await moimServer()
    const owner = client()
    expect((await owner.connect(at(url))).ok).toBe(true)
    expect((await owner.join({ room: 'vault', name: 'Ann', password: 'right' })).ok).toBe(true)
    const guesser = client()
    expect((await guesser.connect(at(url))).ok).toBe(true)
    const codes: string[] = []
    let last: CallError | null = null
    for (let i = 0; i < 6; i++) {
      const result = await guesser.join({ room: 'vault', name: 'Eve', password: `guess ${i}` })
      if (!result.ok) {
        codes.push(result.error.code)
        last = result.error
      }
    }
    expect(codes).toEqual([...Array(5).fill('wrong-password'), 'rate-limited'])
    expect(last?.message).toMatch(/try again in \d+ s/)
    // Kept for the UI, which says it in the language shown.
    expect(last?.retryAfterMs).toBeGreaterThan(0)
  })
})
