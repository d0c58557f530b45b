/**
 * Clients that send but do not read: the server holds a bounded amount for each, on both transports, and drops
 * the one that exceeds it without anyone else noticing. The large attack runs against a server in its own process,
 * so its peak resident memory is the server's alone.
 */
import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { attackFreshServer } from '../../../bench/attack'
import { LIMITS } from '../../../src/shared/protocol'
import { closeAll, joined, rawConnect, request, settle, startServer, WAIT_MS } from '../../support/signaling'

afterEach(async () => {
  await closeAll()
})

const bigOffer = { type: 'offer' as const, sdp: 's'.repeat(LIMITS.sdp - 64) }

describe('a websocket client that stops reading', () => {
  it('is disconnected once the server holds more than the bound for it; the sender and others are not', async () => {
    const bufferedBytes = 256 * 1024
    // The sender may send as much as it likes here: the limit under test is the receiver's.
    const { url, port } = await startServer({
      limits: { bufferedBytes, inboundBytes: { burst: 1e9, perSecond: 1e9 } }
    })
    const sender = await joined(url, 'lounge', 'Sender')
    const bystander = await joined(url, 'lounge', 'Bystander')
    const reader = await rawConnect(port)
    reader.send(`421${JSON.stringify(['room:join', { room: 'lounge', name: 'Sleeper' }])}`)
    await reader.waitForFrame((frame) => frame.startsWith('431'))
    const sleeperId = reader.id
    ;(reader.ws as unknown as { _socket: { pause(): void } })._socket.pause()

    // 32 KB offers at the signal bucket's pace, until the server gives up on the sleeper (about 10 MB: the
    // kernel's buffers on loopback take several MB before the server has to hold anything itself).
    // Well before the heartbeat (15 s) would end the sleeper's connection for not answering pings.
    const left = sender.inbox.waitFor('peer:left', (peer) => peer.id === sleeperId, 8_000)
    let gone = false
    void left.then(() => (gone = true))
    for (let sent = 0; !gone && sent < 2_000; sent++) {
      const ack = await request(sender.socket, 'signal', { to: sleeperId, description: bigOffer })
      if (!ack.ok && ack.error.code === 'rate-limited') await new Promise((r) => setTimeout(r, 100))
    }
    await left
    await settle(sender)
    await settle(bystander)
    expect(sender.socket.connected && bystander.socket.connected).toBe(true)
    expect(await request(sender.socket, 'chat:send', { text: 'still here' })).toMatchObject({ ok: true })
  }, 30_000)
})

/** One long-polling HTTP request to the server's engine.io endpoint. */
function poll(
  port: number,
  method: 'GET' | 'POST',
  query: string,
  body?: string
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path: `/socket.io/?EIO=4&transport=polling${query}`,
        headers: body === undefined ? {} : { 'Content-Type': 'text/plain;charset=UTF-8' }
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }))
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}

describe('a long-polling client that stops polling', () => {
  it('is dropped once its queued answers pass the bound, instead of getting them all in one GET', async () => {
    const bufferedBytes = 64 * 1024
    const { url, port } = await startServer({ limits: { bufferedBytes } })
    const sender = await joined(url, 'lounge', 'Sender')
    const open = await poll(port, 'GET', '')
    const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid
    await poll(port, 'POST', `&sid=${sid}`, '40')
    await poll(
      port,
      'POST',
      `&sid=${sid}`,
      `421${JSON.stringify(['room:join', { room: 'lounge', name: 'P' }])}`
    )
    const joinedAnswer = await poll(port, 'GET', `&sid=${sid}`)
    const peerId = /"self":\{"id":"([^"]+)"/.exec(joinedAnswer.body)?.[1]
    expect(peerId).toBeDefined()
    // It never polls again: everything sent to it waits in the server's write buffer.
    const left = sender.inbox.waitFor('peer:left', (peer) => peer.id === peerId, WAIT_MS)
    for (let i = 0; i < 8; i++) {
      await request(sender.socket, 'signal', { to: peerId as string, description: bigOffer })
    }
    await left
    const after = await poll(port, 'GET', `&sid=${sid}`)
    expect(after.status).toBe(400)
    expect(after.body.length).toBeLessThan(1_000)
  })
})

describe('100 connections that stop reading while sending requests for 15 s', () => {
  it('leave the server under 200 MB (main before the bound: 320 MB), answering others within 1 s, and are gone afterwards', async () => {
    const result = await attackFreshServer({ sockets: 100, durationMs: 15_000, attack: true })
    const peak = result.peakRssBytes
    expect(peak).toBeLessThan(200 * 1024 * 1024)
    expect(result.probeTimeouts).toBe(0)
    expect(result.probeMs.length).toBeGreaterThan(20)
    expect(Math.max(...result.probeMs)).toBeLessThan(1_000)
    expect(result.stillOpen).toBe(0)
  }, 90_000)
})
