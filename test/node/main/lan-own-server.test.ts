/**
 * The app's own hosted room is not listed in its own lobby's "On your network": LanDiscovery (the real one, fed
 * through a record source as multicast DNS would feed it) is told which server is this app's by the real
 * HostingService, and still lists another real Moim server on the same network.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { HostingService } from '../../../src/main/hosting'
import { LanDiscovery } from '../../../src/main/lan-discovery'
import { closeAll, startServer } from '../../support/signaling'
import { LOOPBACK_AS_LAN, recordSource, txt } from '../../support/lan-fakes'

let hosting: HostingService | undefined
let discovery: LanDiscovery | undefined

afterEach(async () => {
  await discovery?.stop()
  await hosting?.stop()
  await closeAll()
})

describe('the lobby’s own hosted room', () => {
  it('is left out of "On your network", while another server on the network is listed', async () => {
    hosting = new HostingService({ port: 0, listenHost: '127.0.0.1', interfaces: () => LOOPBACK_AS_LAN })
    const started = await hosting.start({ name: 'Ann', room: 'team' })
    if (!started.ok || !started.value.running) throw new Error('hosting did not start')
    const own = started.value.port
    const other = await startServer()

    const records = recordSource()
    const host = hosting
    discovery = new LanDiscovery({
      source: records.source,
      interfaces: () => LOOPBACK_AS_LAN,
      isOwn: (server) => host.isOwnServer(server.address, server.port)
    })
    discovery.start()
    const fields = { v: '1', name: 'Ann', room: 'team', locked: '0' }
    records.announce({
      instance: 'Ann._moim._tcp.local',
      port: own,
      addresses: ['127.0.0.1'],
      txt: txt(fields)
    })
    records.announce({
      instance: 'Bo._moim._tcp.local',
      port: other.port,
      addresses: ['127.0.0.1'],
      txt: txt({ ...fields, name: 'Bo' })
    })
    await expect
      .poll(() => discovery?.list().map((server) => server.name), { timeout: 5_000 })
      .toEqual(['Bo'])

    // Once this app stops hosting, the same server (were it still advertised) is someone else's again.
    expect(host.isOwnServer('127.0.0.1', own)).toBe(true)
    await host.stop()
    expect(host.isOwnServer('127.0.0.1', own)).toBe(false)
  })
})
