/**
 * The part of multicast-dns 7 (no published types) that lan-discovery.ts and the tests use. Records are
 * dns-packet's decoded form; only the fields read here are declared, and every one is checked before use.
 */
declare module 'multicast-dns' {
  import type { EventEmitter } from 'node:events'
  import type { RemoteInfo } from 'node:dgram'

  export interface MdnsRecord {
    name: string
    type: string
    ttl?: number
    class?: string
    flush?: boolean
    /** PTR: a name; SRV: `{ port, target }`; TXT: Buffer[] (or one Buffer); A/AAAA: an address. */
    data?: unknown
  }

  export interface MdnsPacket {
    type?: 'query' | 'response'
    id?: number
    flags?: number
    questions?: { name: string; type: string; class?: string }[]
    answers?: MdnsRecord[]
    additionals?: MdnsRecord[]
    authorities?: MdnsRecord[]
  }

  export interface MulticastDnsOptions {
    port?: number
    ip?: string
    interface?: string
    bind?: string | false
    reuseAddr?: boolean
    loopback?: boolean
    multicast?: boolean
    ttl?: number
  }

  export interface MulticastDns extends EventEmitter {
    query(packet: MdnsPacket, callback?: (error: Error | null) => void): void
    respond(packet: MdnsPacket, callback?: (error: Error | null) => void): void
    destroy(callback?: () => void): void
    on(event: 'response' | 'query', listener: (packet: MdnsPacket, rinfo: RemoteInfo) => void): this
    on(event: 'error' | 'warning', listener: (error: Error) => void): this
    on(event: 'ready' | 'networkInterface', listener: () => void): this
  }

  export default function multicastDns(options?: MulticastDnsOptions): MulticastDns
}
