/**
 * Rooms on your network, the telling half: advertises a running server as DNS-SD `_moim._tcp` over multicast DNS
 * with ciao, a responder that probes for name conflicts, answers queries and says goodbye when it stops. What it
 * publishes is docs/PROTOCOL.md's "Finding servers on the network": a name, the port, the protocol version, the
 * room (a host's app) and whether it is locked; nothing about who is in it.
 *
 * Used by host mode (hosting.ts) and `npm run host --advertise` (host-cli.ts). Plain Node, no electron import.
 */
import { getResponder } from '@homebridge/ciao'
import type { CiaoService, Responder } from '@homebridge/ciao'
import type { NetworkInterfaceInfo } from 'node:os'
import { createLogger } from '../shared/logger'
import { advertisementTxt, LAN_SERVICE_TYPE } from './lan-discovery'
import type { Advertisement } from './lan-discovery'
import { usefulNetworkAddresses } from './network-addresses'

const log = createLogger('lan')

/** A DNS label holds 63 bytes; the instance name is only a key (the name shown travels in TXT), so it is cut. */
function instanceName(name: string): string {
  let cut = ''
  for (const char of name) {
    if (Buffer.byteLength(cut + char) > 63) break
    cut += char
  }
  return cut
}

export interface LanAdvertiserOptions {
  /** The machine's interfaces (tests pass a fixed table). */
  interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>
}

/** One advertisement at a time: `start` replaces what runs, `stop` says goodbye. */
export class LanAdvertiser {
  private running: { responder: Responder; service: CiaoService } | undefined
  /** Start and stop run one after the other, so a quick stop cannot overtake the start it ends. */
  private queue: Promise<void> = Promise.resolve()

  constructor(private readonly options: LanAdvertiserOptions = {}) {}

  /** Advertises `ad` on every network the host's invites list; resolves once announced (or failed, logged). */
  start(ad: Advertisement): Promise<void> {
    return this.enqueue(async () => {
      await this.end()
      // The interfaces hosting shows addresses for, named explicitly: ciao's own detection on Linux reads
      // `ip link` names, which carry a peer suffix for veth and VLAN links (`eth0.10@eth0`) and then match no
      // interface, so it would advertise on loopback only.
      const names = [
        ...new Set(usefulNetworkAddresses(this.options.interfaces?.()).map((entry) => entry.interface))
      ]
      if (names.length === 0) {
        log.info('not advertising: no network to advertise on')
        return
      }
      const responder = getResponder({ interface: names })
      const service = responder.createService({
        name: instanceName(ad.name),
        type: LAN_SERVICE_TYPE,
        port: ad.port,
        txt: advertisementTxt(ad)
      })
      this.running = { responder, service }
      try {
        await service.advertise()
        log.info('advertising on the network', { port: ad.port, interfaces: names })
      } catch (error) {
        log.warn('could not advertise on the network', { error: String(error) })
      }
    })
  }

  /** Withdraws the advertisement (goodbye packets), if any. */
  stop(): Promise<void> {
    return this.enqueue(() => this.end())
  }

  private async end(): Promise<void> {
    const running = this.running
    this.running = undefined
    if (running === undefined) return
    try {
      await running.service.end()
      await running.service.destroy()
    } catch (error) {
      log.warn('could not withdraw the advertisement', { error: String(error) })
    }
    await running.responder.shutdown().catch(() => undefined)
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.queue.then(job, job)
    this.queue = next.catch(() => undefined)
    return next
  }
}
