import { createServer } from 'node:net'
import type { Server as NetServer } from 'node:net'
import type { NetworkInterfaceInfo } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import { HostingService } from '../../../src/main/hosting'
import type { HostStatus } from '../../../src/shared/ipc'
import { parseJoinAddress } from '../../../src/shared/join-address'
import { DEFAULT_PORT } from '../../../src/shared/protocol'
import { closeAll, connect, disconnected, joined, request } from '../../support/signaling'

const services: HostingService[] = []
const blockers: NetServer[] = []

function service(options: ConstructorParameters<typeof HostingService>[0] = {}): HostingService {
  const created = new HostingService(options)
  services.push(created)
  return created
}

/** Holds `port` on `host` with a plain TCP server, as another program would. Resolves false if it is taken. */
function occupy(port: number, host: string): Promise<NetServer | null> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(null))
    server.listen(port, host, () => {
      blockers.push(server)
      resolve(server)
    })
  })
}

async function isFree(port: number): Promise<boolean> {
  const server = await occupy(port, '127.0.0.1')
  if (server === null) return false
  blockers.splice(blockers.indexOf(server), 1)
  await new Promise((resolve) => server.close(resolve))
  return true
}

async function freePort(): Promise<number> {
  const server = await occupy(0, '127.0.0.1')
  const { port } = server!.address() as { port: number }
  await new Promise((resolve) => server!.close(resolve))
  return port
}

function running(status: HostStatus): Extract<HostStatus, { running: true }> {
  if (!status.running) throw new Error('expected a running host')
  return status
}

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo =>
  ({
    address,
    family,
    internal,
    netmask: '',
    mac: '00:00:00:00:00:00',
    cidr: null,
    scopeid: 0
  }) as NetworkInterfaceInfo

/** A laptop on Wi-Fi with Docker, a VPN, a VM bridge and a link-local address. */
const LAPTOP: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  docker0: [iface('172.17.0.1', 'IPv4')],
  veth12ab: [iface('fe80::42:acff:fe11:2', 'IPv6')],
  'br-5e1f': [iface('172.18.0.1', 'IPv4')],
  virbr0: [iface('192.168.122.1', 'IPv4')],
  tun0: [iface('10.8.0.6', 'IPv4')],
  wlan0: [iface('fd00::20', 'IPv6'), iface('192.168.1.20', 'IPv4'), iface('fe80::1', 'IPv6')],
  eth1: [iface('169.254.10.2', 'IPv4'), iface('203.0.113.7', 'IPv4')],
  enp3s0: [iface('10.0.0.5', 'IPv4')]
}

afterEach(async () => {
  await Promise.all(services.splice(0).map((entry) => entry.stop('shutdown')))
  await Promise.all(blockers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
  await closeAll()
})

describe('HostingService', () => {
  it('listens on DEFAULT_PORT on every interface and lists only the useful addresses, LAN IPv4 first', async () => {
    const hosting = service({ interfaces: () => LAPTOP })

    const result = await hosting.start({ name: 'Ann', room: 'team' })

    expect(result.ok).toBe(true)
    const status = running(hosting.status())
    expect(status.port).toBeGreaterThanOrEqual(DEFAULT_PORT)
    // Another program (or a parallel test file) may hold DEFAULT_PORT: then every port before ours must be taken.
    for (let port = DEFAULT_PORT; port < status.port; port++)
      expect(await isFree(port), `port ${port}`).toBe(false)
    expect(['::', '0.0.0.0']).toContain(hosting.signalingServer?.address()?.host)
    expect(status.addresses.map((entry) => `${entry.interface} ${entry.address}`)).toEqual([
      'wlan0 192.168.1.20',
      'enp3s0 10.0.0.5',
      'eth1 203.0.113.7',
      ...(hosting.signalingServer?.address()?.host === '::' ? ['wlan0 fd00::20'] : [])
    ])
    const wlan = status.addresses[0]
    expect(wlan.display).toBe(`192.168.1.20:${status.port}`)
    expect(wlan.appLink).toBe(`moim://192.168.1.20:${status.port}/team`)
    expect(wlan.browserLink).toBe(`http://192.168.1.20:${status.port}/?room=team`)
    expect(parseJoinAddress(wlan.appLink)).toMatchObject({
      ok: true,
      value: { port: status.port, room: 'team' }
    })
    const svg = Buffer.from(wlan.qrDataUrl.replace('data:image/svg+xml;base64,', ''), 'base64').toString()
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect(status.localUrl).toBe(`http://127.0.0.1:${status.port}`)
    const identity = await fetch(`${status.localUrl}/moim.json`).then((response) => response.json())
    expect(identity).toMatchObject({ app: 'moim', protocol: 1 })
  })

  it('falls back to the next port when the first is taken', async () => {
    // A taken port followed by a free one (other tests open ports too, so look until a pair is found).
    let port = await freePort()
    while (!(await occupy(port, '127.0.0.1')) || !(await isFree(port + 1))) port = await freePort()
    const hosting = service({ port, listenHost: '127.0.0.1' })

    const result = await hosting.start({ name: 'Ann', room: 'team', capacity: 3, password: 'secret' })

    expect(result).toMatchObject({
      ok: true,
      value: { running: true, port: port + 1, capacity: 3, locked: true }
    })
    expect(running(hosting.status()).password).toBe('secret')
    const identity = await fetch(`http://127.0.0.1:${port + 1}/moim.json`).then((response) => response.json())
    expect(identity).toMatchObject({ app: 'moim', capacity: 3 })
  })

  it('reports port-unavailable when every port it may try is taken, and holds nothing', async () => {
    const port = await freePort()
    await occupy(port, '127.0.0.1')
    const hosting = service({ port, portAttempts: 1, listenHost: '127.0.0.1' })

    const result = await hosting.start({ name: 'Ann', room: 'team' })

    expect(result).toMatchObject({ ok: false, code: 'port-unavailable' })
    expect(hosting.status()).toEqual({ running: false })
  })

  it.each([
    [undefined, /object/i],
    [{ room: 'team' }, /name/],
    [{ name: 'Ann', room: 'bad/room' }, /room may contain/],
    [{ name: 'Ann', room: 'team', capacity: 1 }, /at least 2/],
    [{ name: 'Ann', room: 'team', capacity: 99 }, /at most 16/],
    [{ name: 'Ann', room: 'team', password: '' }, /password must not be empty/],
    [{ name: 'Ann', room: 'team', extra: true }, /extra/]
  ])('refuses a bad start request %j with a typed error', async (input, message) => {
    const hosting = service({ port: 0, listenHost: '127.0.0.1' })
    const result = await hosting.start(input)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.code).toBe('invalid')
      expect(result.message).toMatch(message)
    }
    expect(hosting.status()).toEqual({ running: false })
  })

  it('refuses to host twice at once', async () => {
    const hosting = service({ port: 0, listenHost: '127.0.0.1' })
    const [first, second] = await Promise.all([
      hosting.start({ name: 'Ann', room: 'team' }),
      hosting.start({ name: 'Ann', room: 'other' })
    ])
    expect(first.ok).toBe(true)
    expect(second).toMatchObject({ ok: false, code: 'already-hosting' })
  })

  it('stays stopped when stop() comes while it is still starting', async () => {
    let stopping: Promise<HostStatus> | undefined
    // The interfaces are read after the port opened, while the status is being built: stop right then.
    const hosting: HostingService = service({
      port: 0,
      interfaces: () => {
        stopping = hosting.stop()
        return LAPTOP
      }
    })
    const result = await hosting.start({ name: 'Ann', room: 'team' })
    expect(await stopping).toEqual({ running: false })
    expect(result).toMatchObject({ ok: false, code: 'failed', message: /stopped while starting/ })
    expect(hosting.status()).toEqual({ running: false })
    expect(hosting.signalingServer).toBeUndefined()
  })

  it('knows who is in the room as people join, rename and leave, and reports each change', async () => {
    const hosting = service({ port: 0, listenHost: '127.0.0.1' })
    const changes: string[][] = []
    hosting.onChange((status) => {
      if (status.running) changes.push(status.people)
    })
    expect((await hosting.start({ name: 'Ann', room: 'team' })).ok).toBe(true)
    const { localUrl } = running(hosting.status())

    const ann = await joined(localUrl, 'team', 'Ann')
    const bob = await joined(localUrl, 'team', 'Bob')
    const bob2 = await joined(localUrl, 'team', 'Bob')
    await expect.poll(() => running(hosting.status()).people).toEqual(['Ann', 'Bob', 'Bob (2)'])
    expect(running(hosting.status()).rooms).toEqual([{ name: 'team', count: 3, capacity: 6, locked: false }])

    expect((await request(bob2.socket, 'peer:update', { name: 'Cy' })).ok).toBe(true)
    await expect.poll(() => running(hosting.status()).people).toEqual(['Ann', 'Bob', 'Cy'])
    expect((await request(bob.socket, 'room:leave')).ok).toBe(true)
    ann.socket.disconnect()
    await expect.poll(() => running(hosting.status()).people).toEqual(['Cy'])
    expect(changes.at(-1)).toEqual(['Cy'])
  })

  it('notices when the machine’s addresses change while hosting, and reports the new ones', async () => {
    let table: NodeJS.Dict<NetworkInterfaceInfo[]> = { wlan0: [iface('192.168.1.20', 'IPv4')] }
    const hosting = service({ port: 0, interfaces: () => table, addressRefreshMs: 20 })
    expect((await hosting.start({ name: 'Ann', room: 'team' })).ok).toBe(true)
    expect(running(hosting.status()).addresses.map((entry) => entry.address)).toEqual(['192.168.1.20'])
    const reported: string[][] = []
    hosting.onChange((status) => {
      if (status.running) reported.push(status.addresses.map((entry) => entry.address))
    })

    // The laptop moves from Wi-Fi to a cable.
    table = { eth0: [iface('10.0.0.7', 'IPv4')], docker0: [iface('172.17.0.1', 'IPv4')] }

    await expect
      .poll(() => running(hosting.status()).addresses.map((entry) => entry.address))
      .toEqual(['10.0.0.7'])
    const [moved] = running(hosting.status()).addresses
    expect(moved).toMatchObject({ interface: 'eth0', appLink: expect.stringContaining('moim://10.0.0.7:') })
    expect(reported).toEqual([['10.0.0.7']])
  })

  it('accepts the app’s own page, its served pages and native clients, and refuses other websites', async () => {
    const hosting = service({ port: 0, listenHost: '127.0.0.1', allowedOrigins: ['app://moim'] })
    expect((await hosting.start({ name: 'Ann', room: 'team' })).ok).toBe(true)
    const { localUrl } = running(hosting.status())
    const withOrigin = (origin: string) => connect(localUrl, { extraHeaders: { origin } })

    await expect(withOrigin('app://moim')).resolves.toMatchObject({ id: expect.any(String) })
    await expect(withOrigin(localUrl)).resolves.toMatchObject({ id: expect.any(String) })
    await expect(connect(localUrl)).resolves.toMatchObject({ id: expect.any(String) })
    await expect(withOrigin('http://evil.example')).rejects.toThrow()
    await expect(withOrigin('http://127.0.0.1:1')).rejects.toThrow()
  })

  it('refuses other websites when given no origins, and still takes the desktop app', async () => {
    const hosting = service({ port: 0, listenHost: '127.0.0.1' })
    expect((await hosting.start({ name: 'Ann', room: 'team' })).ok).toBe(true)
    const { localUrl } = running(hosting.status())
    const withOrigin = (origin: string) => connect(localUrl, { extraHeaders: { origin } })

    await expect(withOrigin('http://evil.example')).rejects.toThrow()
    await expect(withOrigin('app://moim')).resolves.toMatchObject({ id: expect.any(String) })
  })

  it('keeps the host’s password on the hosted room even when a guest gets there first', async () => {
    const hosting = service({ port: 0, listenHost: '127.0.0.1' })
    expect((await hosting.start({ name: 'Ann', room: 'team', password: 'open sesame' })).ok).toBe(true)
    const { localUrl } = running(hosting.status())
    const guest = await connect(localUrl)

    const missing = await request(guest.socket, 'room:join', { room: ' team ', name: 'Eve' })
    expect(missing).toMatchObject({ ok: false, error: { code: 'password-required' } })
    for (const attempt of [{ password: 'guess' }, { password: 'open sesame!' }]) {
      const answer = await request(guest.socket, 'room:join', { room: ' team ', name: 'Eve', ...attempt })
      expect(answer).toMatchObject({ ok: false, error: { code: 'wrong-password' } })
    }
    // Other rooms on the same server are the server's business, not the host's.
    const elsewhere = await joined(localUrl, 'other', 'Dan')
    expect(elsewhere.join.room.locked).toBe(false)

    const bob = await joined(localUrl, 'team', 'Bob', 'open sesame')
    expect(bob.join.room).toMatchObject({ name: 'team', locked: true })
    await expect.poll(() => running(hosting.status()).people).toEqual(['Bob'])
  })

  it('rate-limits password guesses on the hosted room across connections, as the server does any room', async () => {
    const hosting = service({ port: 0, listenHost: '127.0.0.1' })
    expect((await hosting.start({ name: 'Ann', room: 'team', password: 'secret' })).ok).toBe(true)
    const codes: string[] = []
    // A fresh connection for every guess: reconnecting must not buy new guesses.
    for (let i = 0; i < 8; i++) {
      const guest = await connect(running(hosting.status()).localUrl)
      const answer = await request(guest.socket, 'room:join', {
        room: 'team',
        name: 'Eve',
        password: `guess ${i}`
      })
      if (!answer.ok) codes.push(answer.error.code)
      guest.socket.disconnect()
    }
    expect(codes).toEqual([...Array(5).fill('wrong-password'), ...Array(3).fill('rate-limited')])
  })

  it('stop tells every guest the host stopped, disconnects them all and frees the port', async () => {
    const hosting = service({ port: 0, listenHost: '127.0.0.1' })
    expect((await hosting.start({ name: 'Ann', room: 'team' })).ok).toBe(true)
    const { localUrl, port } = running(hosting.status())
    const guests = [
      await joined(localUrl, 'team', 'Ann'),
      await joined(localUrl, 'team', 'Bob'),
      await connect(localUrl)
    ]
    const statuses: HostStatus[] = []
    hosting.onChange((status) => statuses.push(status))

    const gone = guests.map((guest) => disconnected(guest.socket))
    const closing = guests.map((guest) => guest.inbox.waitFor('server:closing'))
    expect(await hosting.stop()).toEqual({ running: false })

    expect(await Promise.all(closing)).toEqual(guests.map(() => ({ reason: 'host-stopped' })))
    await Promise.all(gone)
    expect(guests.every((guest) => guest.socket.disconnected)).toBe(true)
    expect(hosting.status()).toEqual({ running: false })
    expect(statuses.at(-1)).toEqual({ running: false })
    expect(await occupy(port, '127.0.0.1')).not.toBeNull()
  })
})
