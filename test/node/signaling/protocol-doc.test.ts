/**
 * Keeps docs/PROTOCOL.md true to the code: replays its wire example frame by frame against a real server, and
 * checks its tables of limits, error codes and rate limits against the constants they describe.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_RATE_LIMITS } from '../../../src/main/signaling/server'
import { DEFAULT_PORT, ERROR_MESSAGES, LIMITS, MAX_PACKET_BYTES } from '../../../src/shared/protocol'
import { closeAll, rawConnect, startServer } from '../../support/signaling'
import type { RawClient } from '../../support/signaling'

afterEach(closeAll)

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
      for (const [, value] of frame.matchAll(/"(?:sid|id|from|to)":"([^"]+)"/g)) variables.add(value)
      for (const [, value] of frame.matchAll(/"ts":(\d+)/g)) variables.add(Number(value))
    }
    variables.delete('nobody') // a deliberately unknown id: sent as is
    const bound = new Map<unknown, unknown>()
    const substitute = (frame: string): string =>
      frame.replace(/"([^"]+)"/g, (quoted, value: string) =>
        bound.has(value) ? JSON.stringify(bound.get(value)) : quoted
      )

    const { server, port } = await startServer()
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
    expect(limits['room capacity']).toBe(
      `${LIMITS.capacity} by default, configurable per server from 2 to ${LIMITS.maxCapacity}`
    )
    expect(limits['one Socket.IO packet']).toBe(`${MAX_PACKET_BYTES} bytes (\`MAX_PACKET_BYTES\`)`)
  })

  it('explains every error code, and no other', () => {
    const codes = tableAfter('## Error codes').map(([code]) => code.replaceAll('`', ''))
    expect([...codes].sort()).toEqual(Object.keys(ERROR_MESSAGES).sort())
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
