import { networkInterfaces } from 'node:os'
import type { NetworkInterfaceInfo } from 'node:os'

export interface NetworkAddress {
  /** Interface name as the OS reports it (`eth0`, `wlan0`, `Wi-Fi`). */
  interface: string
  address: string
  family: 'IPv4' | 'IPv6'
}

/**
 * Every non-internal address of this machine, IPv4 first, then IPv6; within a family, in the OS's order.
 * IPv6 link-local addresses keep their zone (`fe80::1%eth0`) because they are unusable without it.
 */
export function listNetworkAddresses(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()
): NetworkAddress[] {
  const found: NetworkAddress[] = []
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal) continue
      const family = info.family === 'IPv4' ? 'IPv4' : 'IPv6'
      const address =
        family === 'IPv6' && info.address.toLowerCase().startsWith('fe80:') && !info.address.includes('%')
          ? `${info.address}%${name}`
          : info.address
      found.push({ interface: name, address, family })
    }
  }
  return found.sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1))
}

/** `http://HOST:PORT/`, bracketing IPv6 literals and percent-encoding a zone's `%`. */
export function httpUrl(address: string, port: number): string {
  const host = address.includes(':') ? `[${address.replace('%', '%25')}]` : address
  return `http://${host}:${port}/`
}

/**
 * Interfaces others cannot reach us through: container and VM bridges, VPN tunnels, loopback. Matched on the OS's
 * interface name, the only thing Node tells us about an adapter.
 */
const VIRTUAL_INTERFACE =
  /^(?:lo\d*$|docker\d*$|tun\d*$|tap\d*$|utun\d*$|veth|br-|virbr|vmnet|vboxnet|cni|flannel|cali|podman|zt)|virtualbox|vmware/i

/** True for 169.254.0.0/16 and fe80::/10: valid only on one link and chosen by the OS, not useful in an invite. */
export function isLinkLocal(address: string): boolean {
  const lower = address.toLowerCase()
  return lower.startsWith('169.254.') || /^fe[89ab][0-9a-f]:/.test(lower)
}

/** 10/8, 172.16/12, 192.168/16: the addresses home and office networks hand out. */
export function isPrivateIpv4(address: string): boolean {
  const [a, b] = address.split('.').map(Number)
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
}

/**
 * The addresses worth showing in an invite: no loopback, container/VM/VPN adapters or link-local addresses.
 * Ordered private (LAN) IPv4 first, then other IPv4, then IPv6; the OS's order within each group.
 */
export function usefulNetworkAddresses(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()
): NetworkAddress[] {
  const rank = (entry: NetworkAddress): number =>
    entry.family === 'IPv6' ? 2 : isPrivateIpv4(entry.address) ? 0 : 1
  return listNetworkAddresses(interfaces)
    .filter((entry) => !VIRTUAL_INTERFACE.test(entry.interface) && !isLinkLocal(entry.address))
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => rank(a.entry) - rank(b.entry) || a.index - b.index)
    .map(({ entry }) => entry)
}
