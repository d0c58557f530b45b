/**
 * Keeps docs/PROTOCOL.md true to the code: replays its wire example frame by frame against a real server, and
 * checks its tables of limits, error codes and rate limits against the constants they describe.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_RATE_LIMITS, DEFAULT_SERVER_LIMITS } from '../../../src/server/server'
import type { SignalingServerOptions } from '../../../src/server/server'
import { DEFAULT_PORT, ERROR_MESSAGES, LIMITS, MAX_PACKET_BYTES } from '../../../src/shared/protocol'
import type { Peer } from '../../../src/shared/protocol'
import WebSocket from 'ws'
import { closeAll, joined, rawConnect, startServer } from '../../support/signaling'
import type { RawClient, TestServer } from '../../support/signaling'
import { startRedis, stopRedis } from '../../support/redis'
import type { TestRedis } from '../../support/redis'

/**
 * What a client sees must not depend on how the server is deployed: the wire example and the wire details run
 * against a single server and against one node of a three-node cluster (a real redis-server).
 */
let redis: TestRedis | undefined
const deployments: { name: string; start(options?: SignalingServerOptions): Promise<TestServer> }[] = [
  { name: 'a single server', start: (options) => startServer(options) },
  {
    name: 'a node of a three-node cluster',
    async start(options = {}) {
      redis ??= await startRedis()
      const started: TestServer[] = []
      for (let i = 0; i < 3; i++) {
        started.push(
          await startServer({ ...options, cluster: { redisUrl: redis.url, nodeId: `doc-node-${i}` } })
        )
      }
      return started[1]
    }
  }
]
afterEach(async () => {
  await closeAll()
  if (redis === undefined) return
  const client = new Redis(redis.url)
  await client.flushall()
  client.disconnect()
})
afterAll(stopRedis)

const doc = readFileSync(resolve('docs/PROTOCOL.md'), 'utf8')

/** The body of the first fenced block after `heading`. */
function blockAfter(heading: string): string {
  const start = doc.indexOf(heading)
  expect(start, `heading "${heading}" in PROTOCOL.md`).toBeGreaterThanOrEqual(0)
  const match = /```\w*\n([\s\S]*?)```/.exec(doc.slice(start))
  if (!match) throw new Error(`no code block after "${heading}"`)
  return match[1]
}

/** The rows of the first table after `heading`, as arrays of trimmed cells (header and rule rows dropped). */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(heading)
  expect(start, `heading "${heading}" in PROTOCOL.md`).toBeGreaterThanOrEqual(0)
  const lines = doc.slice(start).split('\n')
  const first = lines.findIndex((line) => line.startsWith('|'))
  const rows: string[][] = []
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim())
    )
  }
  return rows
}

/**
 * Matches a received JSON value against the documented one. Documented ids, session ids, chat message ids and
 * timestamps differ on every run: each is a variable, bound to the real value the first time it is seen and
 * required to be the same everywhere after.
 */
function unify(
  expected: unknown,
  actual: unknown,
  variables: Set<unknown>,
  bound: Map<unknown, unknown>
): boolean {
  if (variables.has(expected)) {
    if (!bound.has(expected)) bound.set(expected, actual)
    return bound.get(expected) === actual
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => unify(item, actual[i], variables, bound))
    )
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false
    const keys = Object.keys(expected)
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((key) =>
        unify(
          (expected as Record<string, unknown>)[key],
          (actual as Record<string, unknown>)[key],
          variables,
          bound
        )
      )
    )
  }
  return expected === actual
}

/** Splits `430[...]` into its packet-type/ack-id prefix and its JSON value. */
function splitFrame(frame: string): { prefix: string; value: unknown } {
  const at = frame.search(/[[{]/)
  if (at === -1) return { prefix: frame, value: undefined }
  return { prefix: frame.slice(0, at), value: JSON.parse(frame.slice(at)) }
}

describe('docs/PROTOCOL.md', () => {
  it('states the default port and the packet limit', () => {
    expect(doc).toContain(`default port **${DEFAULT_PORT}**`)
    expect(doc).toContain(`**${MAX_PACKET_BYTES} bytes**`)
    expect(doc).toContain(`"maxPayload":${MAX_PACKET_BYTES}`)
  })

  it('lists the field limits of LIMITS', () => {
    const limits = Object.fromEntries(tableAfter('## Field limits').map(([field, limit]) => [field, limit]))
    expect(limits['`room`']).toBe(`${LIMITS.room}`)
    expect(limits['`name`']).toMatch(new RegExp(`^${LIMITS.name}\\b`))
    expect(limits['`password`']).toBe(`${LIMITS.password}`)
    expect(limits['`chat:send` `text`']).toBe(`${LIMITS.chatText}`)
    expect(limits['`description.sdp`']).toBe(`${LIMITS.sdp}`)
    expect(limits['`candidate.candidate`']).toBe(`${LIMITS.candidate}`)
    expect(limits['`candidate.sdpMid`']).toBe(`${LIMITS.sdpMid}`)
    expect(limits['`candidate.usernameFragment`']).toBe(`${LIMITS.usernameFragment}`)
    expect(limits['`signal` `to` (a peer id)']).toBe(`${LIMITS.peerId}`)
    expect(limits['chat history kept per room']).toBe(`${LIMITS.history} messages`)
    expect(limits['chat history bytes per room']).toMatch(new RegExp(`^${LIMITS.historyBytes} `))
    expect(limits['rooms in one list']).toBe(`${LIMITS.listedRooms}`)
    expect(limits['room capacity']).toBe(
      `${LIMITS.capacity} by default, configurable per server from 2 to ${LIMITS.maxCapacity}`
    )
    expect(limits['one Socket.IO packet']).toBe(`${MAX_PACKET_BYTES} bytes (\`MAX_PACKET_BYTES\`)`)
  })

  it('shows the identity probe exchange exactly as the server answers it', async () => {
    const [requestText, responseText, body] = blockAfter('### Identity probe').trim().split('\n\n')
    const [requestLine, ...requestHeaders] = requestText.split('\n')
    const [statusLine, ...responseHeaders] = responseText.split('\n')
    const header = (line: string): [string, string] => {
      const at = line.indexOf(': ')
      return [line.slice(0, at).toLowerCase(), line.slice(at + 2)]
    }
    expect(requestLine).toBe('GET /moim.json HTTP/1.1')
    const { url } = await startServer()
    const response = await fetch(`${url}/moim.json`, {
      headers: Object.fromEntries(requestHeaders.map(header))
    })
    expect(`HTTP/1.1 ${response.status} ${response.statusText}`).toBe(statusLine)
    for (const [name, value] of responseHeaders.map(header))
      expect(response.headers.get(name), name).toBe(value)
    expect(await response.json()).toEqual(JSON.parse(body))
  })

  it('explains every error code, and no other', () => {
    const codes = tableAfter('## Error codes').map(([code]) => code.replaceAll('`', ''))
    expect([...codes].sort()).toEqual(Object.keys(ERROR_MESSAGES).sort())
  })

  it('lists the default server limits', () => {
    const table = Object.fromEntries(tableAfter('## Server limits').map(([limit, value]) => [limit, value]))
    const d = DEFAULT_SERVER_LIMITS
    const perSecond = (rate: number): string =>
      rate < 1 ? `1 per ${1 / rate} seconds` : `${rate} per second`
    expect(table['connections per address']).toBe(`${d.connectionsPerAddress}`)
    expect(table['TCP connections per address']).toBe(
      `2 × connections + 8 = ${2 * d.connectionsPerAddress + 8}`
    )
    expect(table['rooms per server']).toBe(`${d.rooms}`)
    expect(table['joins per address']).toBe(
      `burst ${d.joinsPerAddress.burst}, then ${perSecond(d.joinsPerAddress.perSecond)}`
    )
    expect(table['wrong passwords per address, room']).toBe(
      `burst ${d.wrongPasswords.burst}, then ${perSecond(d.wrongPasswords.perSecond)}`
    )
    expect(table['output held for one connection']).toBe(`${d.bufferedBytes} bytes`)
    expect(table['bytes sent by one connection']).toBe(
      `burst ${d.inboundBytes.burst}, then ${d.inboundBytes.perSecond}/s`
    )
    expect(table['`rate-limited` answers']).toBe(
      `burst ${d.refusals.burst}, then ${perSecond(d.refusals.perSecond)}`
    )
  })

  it('lists the default rate limits', () => {
    const rows = tableAfter('## Rate limits')
    const table = Object.fromEntries(rows.map(([bucket, , burst, refill]) => [bucket, { burst, refill }]))
    for (const [bucket, limit] of Object.entries(DEFAULT_RATE_LIMITS)) {
      expect(table[bucket]).toEqual({ burst: `${limit.burst}`, refill: `${limit.perSecond} per second` })
    }
    expect(rows).toHaveLength(Object.keys(DEFAULT_RATE_LIMITS).length)
  })
})

describe.each(deployments)('the wire, as docs/PROTOCOL.md states it, on $name', (deployment) => {
  it('wire example replays frame for frame against the real server', async () => {
    const lines = blockAfter('## Wire example')
      .split('\n')
      .map((line) => /^([A-Z])\s+(->|<-)\s+(.+)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map(([, who, direction, frame]) => ({ who, direction, frame }))
    expect(lines.length).toBeGreaterThan(40)

    // Every documented id-like value is a variable: session ids, chat ids and timestamps.
    const variables = new Set<unknown>()
    for (const { frame } of lines) {
      for (const [, value] of frame.matchAll(/"(?:sid|id|from|to|token)":"([^"]+)"/g)) variables.add(value)
      for (const [, value] of frame.matchAll(/"ts":(\d+)/g)) variables.add(Number(value))
    }
    variables.delete('nobody') // a deliberately unknown id: sent as is
    const bound = new Map<unknown, unknown>()
    const substitute = (frame: string): string =>
      frame.replace(/"([^"]+)"/g, (quoted, value: string) =>
        bound.has(value) ? JSON.stringify(bound.get(value)) : quoted
      )

    const { server, port } = await deployment.start()
    const clients = new Map<string, RawClient>()
    const consumed = new Map<string, number>()
    for (const { who, direction, frame } of lines) {
      if (!clients.has(who)) {
        const client = await rawConnect(port)
        clients.set(who, client)
        consumed.set(who, 0)
      }
      const client = clients.get(who) as RawClient
      if (direction === '->') {
        // rawConnect already did the Engine.IO open and the namespace connect ("40").
        if (frame !== '40') client.send(substitute(frame))
        continue
      }
      if (frame.includes('server:closing')) void server.close('host-stopped')
      const index = consumed.get(who) as number
      const actual = await client.waitForFrame((_, i) => i === index)
      consumed.set(who, index + 1)
      const want = splitFrame(frame)
      const got = splitFrame(actual)
      expect(got.prefix, `${who} <- ${frame}\nreceived ${actual}`).toBe(want.prefix)
      expect(unify(want.value, got.value, variables, bound), `${who} <- ${frame}\nreceived ${actual}`).toBe(
        true
      )
    }
    for (const [who, client] of clients) {
      await client.closed
      expect(
        client.frames.slice(consumed.get(who)),
        `${who} received frames the example does not show`
      ).toEqual([])
    }
  })

  it('closes a WebSocket with code 1009 when a message exceeds the packet limit', async () => {
    const { port } = await deployment.start()
    const raw = await rawConnect(port)
    raw.send(`420["chat:send",{"text":"${'x'.repeat(MAX_PACKET_BYTES)}"}]`)
    expect(await raw.closed).toBe(1009)
  })

  it('refuses Engine.IO v3 clients with 400 and code 5', async () => {
    const { url } = await deployment.start()
    const response = await fetch(`${url}/socket.io/?EIO=3&transport=polling`)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ code: 5, message: 'Unsupported protocol version' })
  })

  it('answers a refused WebSocket upgrade with 400 Forbidden', async () => {
    const { port } = await deployment.start({ allowedOrigins: ['http://allowed.example'] })
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
      headers: { Origin: 'http://evil.example' }
    })
    try {
      const refusal = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        ws.once('unexpected-response', (_request, response) => {
          let body = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => (body += chunk))
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
        })
        ws.once('open', () => reject(new Error('the upgrade was accepted')))
      })
      expect(refusal).toEqual({ status: 400, body: 'Forbidden' })
    } finally {
      // Aborting a refused handshake makes ws emit an error we expect and do not care about.
      ws.on('error', () => undefined)
      ws.terminate()
    }
  })

  it('closes the connection of a client that sends an Engine.IO ping', async () => {
    const { port } = await deployment.start()
    const raw = await rawConnect(port)
    raw.send('2')
    await raw.closed
  })

  it('treats a client 41 as leaving: the room sees peer:left, the connection stays open', async () => {
    const { url, port } = await deployment.start()
    const ann = await joined(url, 'lounge', 'Ann')
    const raw = await rawConnect(port)
    raw.send('420["room:join",{"room":"lounge","name":"Raw"}]')
    await raw.waitForFrame((frame) => frame.startsWith('430'))
    raw.send('41')
    expect(await ann.inbox.waitFor('peer:left')).toEqual({ id: raw.id })
    expect(raw.ws.readyState).toBe(WebSocket.OPEN)
  })

  it('uses the 40{"sid":...} id as the peer id', async () => {
    const { port } = await deployment.start()
    const raw = await rawConnect(port)
    raw.send('420["room:join",{"room":"lounge","name":"Raw"}]')
    const ack = await raw.waitForFrame((frame) => frame.startsWith('430'))
    const [result] = JSON.parse(ack.slice(3)) as [{ self: Peer }]
    expect(result.self.id).toBe(raw.id)
  })
})
