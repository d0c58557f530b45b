import { request as httpRequest, Agent } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { createSignalingServer } from '../../../src/server/server'
import type { SignalingServer } from '../../../src/server/server'
import { MAX_PACKET_BYTES, PROTOCOL_VERSION } from '../../../src/shared/protocol'
import {
  closeAll,
  connect,
  disconnected,
  joined,
  rawConnect,
  startServer,
  WAIT_MS
} from '../../support/signaling'

afterEach(closeAll)

/** Servers created directly (not through startServer), closed after each test. */
const extra: SignalingServer[] = []
afterEach(async () => {
  await Promise.all(extra.splice(0).map((server) => server.close()))
})

describe('listen and close', () => {
  it('reports the bound address, and null before listen and after close', async () => {
    const server = createSignalingServer()
    extra.push(server)
    expect(server.address()).toBeNull()
    const bound = await server.listen(0, '127.0.0.1')
    expect(bound).toEqual({ host: '127.0.0.1', port: expect.any(Number), family: 'IPv4' })
    expect(bound.port).toBeGreaterThan(0)
    expect(server.address()).toEqual(bound)
    await server.close()
    expect(server.address()).toBeNull()
  })

  it('asks clients for a heartbeat every 10 s and drops a silent one after 5 s more', async () => {
    // A vanished laptop must leave the room in ~15 s, not Socket.IO's default ~45 s.
    const { port } = await startServer()
    const raw = await rawConnect(port)
    const open = JSON.parse(raw.frames[0].slice(1)) as { pingInterval: number; pingTimeout: number }
    expect(open).toMatchObject({ pingInterval: 10_000, pingTimeout: 5_000 })
  })

  it('rejects listen with EADDRINUSE when the port is taken', async () => {
    const { port } = await startServer()
    const second = createSignalingServer()
    extra.push(second)
    await expect(second.listen(port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' })
  })

  it('sends server:closing with the reason to every client before disconnecting them', async () => {
    const { url, server } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const lobby = await connect(url)
    const seenAtDisconnect = [ann, lobby].map(
      (client) =>
        new Promise<string[]>((resolve) =>
          client.socket.once('disconnect', () => resolve(client.inbox.received.map((entry) => entry.event)))
        )
    )
    await server.close('host-stopped')
    for (const seen of await Promise.all(seenAtDisconnect)) expect(seen).toContain('server:closing')
    expect(ann.inbox.payloads('server:closing')).toEqual([{ reason: 'host-stopped' }])
    expect(lobby.inbox.payloads('server:closing')).toEqual([{ reason: 'host-stopped' }])
  })

  it('sends server:closing to a long-polling client too', async () => {
    const { url, server } = await startServer()
    const polling = await connect(url, { transports: ['polling'] })
    const gone = disconnected(polling.socket)
    await server.close('host-stopped')
    expect(await gone).toBe('io server disconnect')
    expect(polling.inbox.payloads('server:closing')).toEqual([{ reason: 'host-stopped' }])
  })

  it("disconnects clients deliberately ('io server disconnect'), so Socket.IO clients do not reconnect", async () => {
    const { url, server } = await startServer()
    const ann = await connect(url)
    const gone = disconnected(ann.socket)
    await server.close()
    expect(await gone).toBe('io server disconnect')
  })

  it('refuses connections while closing', async () => {
    const { url, server } = await startServer()
    const ann = await connect(url, { transports: ['polling'] })
    const closed = server.close()
    await expect(connect(url)).rejects.toThrow()
    await closed
    expect(ann.socket.connected).toBe(false)
  })

  it("uses 'shutdown' as the default closing reason", async () => {
    const { url, server } = await startServer()
    const ann = await connect(url)
    const gone = disconnected(ann.socket)
    await server.close()
    await gone
    expect(ann.inbox.payloads('server:closing')).toEqual([{ reason: 'shutdown' }])
  })

  it('frees the port on close, even with an idle keep-alive HTTP connection open', async () => {
    const { url, port, server } = await startServer()
    await connect(url)
    const agent = new Agent({ keepAlive: true })
    try {
      const status = await new Promise<number>((resolve, reject) => {
        httpRequest(`${url}/moim.json`, { agent }, (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode ?? 0))
        })
          .on('error', reject)
          .end()
      })
      expect(status).toBe(200)
      await server.close()
      const again = createSignalingServer()
      extra.push(again)
      expect((await again.listen(port, '127.0.0.1')).port).toBe(port)
    } finally {
      agent.destroy()
    }
  })

  it('can be closed twice', async () => {
    const { server } = await startServer()
    await server.close()
    await expect(server.close()).resolves.toBeUndefined()
  })

  it('refuses new connections once closed', async () => {
    const { url, server } = await startServer()
    await server.close()
    await expect(connect(url)).rejects.toThrow()
  })
})

describe('origins', () => {
  const allowedOrigins = ['http://allowed.example']

  it('refuses a websocket connection from a foreign Origin', async () => {
    const { url } = await startServer({ allowedOrigins })
    await expect(connect(url, { extraHeaders: { Origin: 'http://evil.example' } })).rejects.toThrow()
  })

  it('refuses a polling handshake from a foreign Origin with 403', async () => {
    const { url } = await startServer({ allowedOrigins })
    const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, {
      headers: { Origin: 'http://evil.example' }
    })
    expect(response.status).toBe(403)
  })

  it('accepts an allowed Origin, the server own origin, and clients that send no Origin', async () => {
    const { url } = await startServer({ allowedOrigins })
    await expect(connect(url, { extraHeaders: { Origin: 'http://allowed.example' } })).resolves.toBeTruthy()
    await expect(connect(url, { extraHeaders: { Origin: url } })).resolves.toBeTruthy()
    await expect(connect(url)).resolves.toBeTruthy()
  })
})

describe('transport', () => {
  it('advertises the packet limit in the Engine.IO handshake', async () => {
    const { url } = await startServer()
    const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`)
    const body = await response.text()
    expect(body.startsWith('0{')).toBe(true)
    expect(JSON.parse(body.slice(1))).toMatchObject({ maxPayload: MAX_PACKET_BYTES, upgrades: ['websocket'] })
  })

  it('also serves clients on the polling transport', async () => {
    const { url } = await startServer()
    const ann = await joined(url, 'lounge', 'Ann')
    const polling = await connect(url, { transports: ['polling'] })
    const ack = await polling.socket
      .timeout(WAIT_MS)
      .emitWithAck('room:join', { room: 'lounge', name: 'Poll' })
    expect(ack).toMatchObject({ ok: true, peers: [{ id: ann.id }] })
  })

  it('answers the identity probe at /moim.json, readable by the desktop app', async () => {
    const { url } = await startServer({ capacity: 4 })
    const response = await fetch(`${url}/moim.json`, { headers: { Origin: 'app://moim' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('app://moim')
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await response.json()).toEqual({
      app: 'moim',
      protocol: PROTOCOL_VERSION,
      capacity: 4,
      mode: 'single'
    })
  })

  it('answers the identity probe with a query string too', async () => {
    const { url } = await startServer()
    const response = await fetch(`${url}/moim.json?t=123`)
    expect(await response.json()).toMatchObject({ app: 'moim' })
  })

  it('answers 404 to other paths when no web client is served', async () => {
    const { url } = await startServer()
    expect((await fetch(`${url}/`)).status).toBe(404)
  })
})
