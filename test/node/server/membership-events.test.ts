import { afterEach, describe, expect, it } from 'vitest'
import type { MembershipEventMap } from '../../../src/server/membership-events'
import type { SignalingServer } from '../../../src/server/server'
import { closeAll, connect, joined, request, startServer } from '../../support/signaling'

afterEach(closeAll)

/** Records every membership event of `server` as `event room [peer name]`. */
function record(server: SignalingServer): string[] {
  const seen: string[] = []
  const room =
    (event: keyof MembershipEventMap) =>
    ({ name, count }: { name: string; count: number }) =>
      seen.push(`${event} ${name} ${count}`)
  const peer =
    (event: keyof MembershipEventMap) =>
    ({ room: name, peer: { name: who } }: { room: string; peer: { name: string } }) =>
      seen.push(`${event} ${name} ${who}`)
  server.events.on('room-created', room('room-created'))
  server.events.on('room-changed', room('room-changed'))
  server.events.on('room-removed', room('room-removed'))
  server.events.on('peer-joined', peer('peer-joined'))
  server.events.on('peer-left', peer('peer-left'))
  server.events.on('peer-updated', peer('peer-updated'))
  return seen
}

describe('membership events', () => {
  it('tell who joins, renames, leaves and disconnects, and when rooms appear, change and go', async () => {
    const { server, url } = await startServer()
    const seen = record(server)

    const ann = await joined(url, 'lounge', 'Ann')
    const bob = await joined(url, 'lounge', 'Ann')
    expect((await request(bob.socket, 'peer:update', { name: 'Bob' })).ok).toBe(true)
    expect((await request(bob.socket, 'room:leave')).ok).toBe(true)
    ann.socket.disconnect()

    await expect.poll(() => seen.length).toBe(9)
    expect(seen).toEqual([
      'room-created lounge 1',
      'peer-joined lounge Ann',
      'peer-joined lounge Ann (2)',
      'room-changed lounge 2',
      'peer-updated lounge Bob',
      'peer-left lounge Bob',
      'room-changed lounge 1',
      'peer-left lounge Ann',
      'room-removed lounge 0'
    ])
  })

  it('say nothing for refused joins', async () => {
    const { server, url } = await startServer({ capacity: 2 })
    await joined(url, 'lounge', 'Ann', 'tea')
    await joined(url, 'lounge', 'Bob', 'tea')
    const seen = record(server)
    const eve = await connect(url)

    const wrong = await request(eve.socket, 'room:join', { room: 'lounge', name: 'Eve', password: 'x' })
    const full = await request(eve.socket, 'room:join', { room: 'lounge', name: 'Eve', password: 'tea' })

    expect([wrong, full]).toMatchObject([
      { ok: false, error: { code: 'wrong-password' } },
      { ok: false, error: { code: 'full' } }
    ])
    expect(seen).toEqual([])
  })

  it('keep the join working when a listener throws, and stop after unsubscribing', async () => {
    const { server, url } = await startServer()
    const stop = server.events.on('peer-joined', () => {
      throw new Error('listener bug')
    })
    const names: string[] = []
    const unsubscribe = server.events.on('peer-joined', ({ peer }) => names.push(peer.name))

    const ann = await joined(url, 'lounge', 'Ann')
    expect(ann.join.self.name).toBe('Ann')
    stop()
    unsubscribe()
    await joined(url, 'lounge', 'Bob')

    expect(names).toEqual(['Ann'])
  })
})
