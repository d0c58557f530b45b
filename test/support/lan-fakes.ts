/**
 * Stand-ins for the two things LAN discovery touches the network with, for tests that run outside a network
 * namespace (where real multicast would leave the machine):
 *
 * - `recordSource()`: a ServiceSource the test announces records through, as multicast DNS would deliver them,
 *   so the real LanDiscovery (checks, /moim.json verification, list) runs on them;
 * - `networkLibraries`: inert replacements for the `@homebridge/ciao` and `multicast-dns` modules, for tests that
 *   start the whole main process; they record what was advertised and queried.
 *
 * The real libraries on real multicast are tested in test/node/main/lan-discovery.test.ts.
 */
import { EventEmitter } from 'node:events'
import type { NetworkInterfaceInfo } from 'node:os'
import type { ServiceRecord, ServiceSource } from '../../src/main/lan-discovery'

/** This machine's loopback, presented as a LAN interface: test servers on 127.0.0.1 count as neighbours. */
export const LOOPBACK_AS_LAN: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  lan0: [
    {
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      family: 'IPv4',
      mac: '02:00:00:00:00:01',
      internal: false,
      cidr: '127.0.0.1/8'
    }
  ]
}

/** TXT strings from key/value pairs, as an advertiser sends them. */
export const txt = (fields: Record<string, string>): Uint8Array[] =>
  Object.entries(fields).map(([key, value]) => new TextEncoder().encode(`${key}=${value}`))

export interface RecordSource {
  source: () => ServiceSource
  announce(record: ServiceRecord): void
  goodbye(instance: string): void
}

export function recordSource(): RecordSource {
  let listener: Parameters<ServiceSource['start']>[0] | undefined
  return {
    source: () => ({
      start: (given) => void (listener = given),
      query: () => undefined,
      stop: async () => void (listener = undefined)
    }),
    announce: (record) => listener?.up(record),
    goodbye: (instance) => listener?.down(instance)
  }
}

/** What the fake ciao was asked to advertise, and what is still advertised. */
export interface AdvertisedService {
  options: { name: string; type: string; port?: number; txt?: Record<string, string> }
  advertised: boolean
}

export const networkLibraries = {
  services: [] as AdvertisedService[],
  queries: 0,
  ciao() {
    const getResponder = () => ({
      createService: (options: AdvertisedService['options']) => {
        const service: AdvertisedService = { options, advertised: false }
        networkLibraries.services.push(service)
        return {
          advertise: async () => void (service.advertised = true),
          end: async () => void (service.advertised = false),
          destroy: async () => void (service.advertised = false)
        }
      },
      shutdown: async () => undefined
    })
    return { getResponder, default: { getResponder } }
  },
  multicastDns() {
    const create = () =>
      Object.assign(new EventEmitter(), {
        query: () => void networkLibraries.queries++,
        respond: () => undefined,
        destroy: (done?: () => void) => done?.()
      })
    return { default: create }
  }
}
