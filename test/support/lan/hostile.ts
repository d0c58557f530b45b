/**
 * A hostile advertiser, run inside a test's network namespace: multicast-dns answering on its own (no responder
 * library), announcing `_moim._tcp` instances a Moim lobby must not list, or must list only as plain text. It runs
 * a real Moim server for each (so none hides behind another's address) and a web server that is not Moim, so each
 * advertisement below would otherwise be listable:
 *
 * - `html`: an HTML name pointing at the real Moim server (listed, the name as text)
 * - `control`: a name with control characters, pointing at the real Moim server
 * - `huge`: a 10 KB TXT whose name fills a TXT string (255 bytes), pointing at the real Moim server
 * - `outside`: addresses outside the local network on a Moim server's port: 8.8.8.8, and an address of this
 *   machine that the lobby's machine reaches through a route but that is not on its network
 * - `impostor`: a valid advertisement of the web server that is not Moim
 *
 * Arguments: this machine's address on the LAN, and its address outside it. Prints `{ "at": ms, "moimPort": P }` (the `html` one's server) once announcing; answers every PTR query
 * again and re-announces every second.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import multicastDns from 'multicast-dns'
import type { MdnsRecord } from 'multicast-dns'
import { createSignalingServer } from '../../../src/server/server'
import { setLogLevel } from '../../../src/shared/logger'

setLogLevel('silent')
const [address, remoteAddress] = process.argv.slice(2)
const servers = Array.from({ length: 4 }, () => createSignalingServer())
const [htmlPort, controlPort, hugePort, outsidePort] = await Promise.all(
  servers.map(async (server) => (await server.listen(0, '0.0.0.0')).port)
)
const other = createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"app":"other","protocol":1}')
})
await new Promise<void>((resolve) => other.listen(0, '0.0.0.0', resolve))
const otherPort = (other.address() as AddressInfo).port

const SERVICE = '_moim._tcp.local'
const txt = (fields: Record<string, string>): Buffer[] =>
  Object.entries(fields).map(([key, value]) => Buffer.from(`${key}=${value}`))

function instance(label: string, port: number, addresses: string[], strings: Buffer[]): MdnsRecord[] {
  const name = `${label}.${SERVICE}`
  const host = `${label.replace(/[^a-z0-9]/gi, '-').slice(0, 40) || 'h'}.local`
  return [
    { name: SERVICE, type: 'PTR', ttl: 4500, data: name },
    { name, type: 'SRV', ttl: 120, data: { port, target: host, priority: 0, weight: 0 } },
    { name, type: 'TXT', ttl: 4500, data: strings },
    ...addresses.map((a): MdnsRecord => ({ name: host, type: 'A', ttl: 120, data: a }))
  ]
}

const huge = [
  Buffer.from(`v=1`),
  Buffer.from(`name=${'W'.repeat(250)}`),
  ...Array.from({ length: 40 }, (_, i) => Buffer.from(`x${i}=${'z'.repeat(245)}`))
]
const packets: MdnsRecord[][] = [
  instance(
    'html',
    htmlPort,
    [address],
    txt({ v: '1', name: '<img src=x onerror=alert(1)><b>', locked: '0' })
  ),
  instance('control', controlPort, [address], txt({ v: '1', name: 'Evil\u0007\u001b[2J', locked: '0' })),
  instance('H'.repeat(63), hugePort, [address], huge),
  instance(
    'outside',
    outsidePort,
    ['8.8.8.8', remoteAddress],
    txt({ v: '1', name: 'Far away', locked: '0' })
  ),
  instance('impostor', otherPort, [address], txt({ v: '1', name: 'Not Moim', locked: '0' }))
]

const mdns = multicastDns()
mdns.on('error', (error) => console.error(String(error)))
const announce = (): void => {
  for (const [ptr, ...rest] of packets) mdns.respond({ answers: [ptr], additionals: rest })
}
mdns.on('query', (query) => {
  if (query.questions?.some((q) => q.name.toLowerCase() === SERVICE)) announce()
})
announce()
setInterval(announce, 1_000)
console.log(JSON.stringify({ at: Date.now(), moimPort: htmlPort }))
process.on('SIGTERM', () => {
  mdns.destroy()
  other.close()
  void Promise.all(servers.map((server) => server.close('shutdown'))).then(() => process.exit(0))
})
