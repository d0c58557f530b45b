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
