import type { NetworkInterfaceInfo } from 'node:os'
import { describe, expect, it } from 'vitest'
import { isLinkLocal, isPrivateIpv4, usefulNetworkAddresses } from '../../../src/main/network-addresses'

const v4 = (address: string): NetworkInterfaceInfo =>
  ({ address, family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo

describe('usefulNetworkAddresses', () => {
  it('keeps real adapters under any OS naming and drops virtual ones', () => {
    const names = usefulNetworkAddresses({
      'Local Area Connection': [v4('192.168.0.10')],
      'Wi-Fi': [v4('192.168.0.11')],
      en0: [v4('192.168.0.12')],
      'vEthernet (WSL)': [v4('172.20.0.1')],
      'VirtualBox Host-Only Network': [v4('192.168.56.1')],
      'VMware Network Adapter VMnet8': [v4('192.168.200.1')],
      vboxnet0: [v4('192.168.57.1')],
      vmnet1: [v4('192.168.201.1')],
      utun3: [v4('10.9.0.2')],
      tap0: [v4('10.10.0.2')],
      lo0: [v4('127.0.0.2')]
    }).map((entry) => entry.interface)
    expect(names).toEqual(['Local Area Connection', 'Wi-Fi', 'en0'])
  })

  it('tells link-local and private addresses apart', () => {
    expect(['169.254.1.1', 'fe80::1', 'FEBF::2'].every(isLinkLocal)).toBe(true)
    expect(['192.168.1.1', 'fec0::1', 'fd00::1', '10.0.0.1'].some(isLinkLocal)).toBe(false)
    expect(['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.9.9'].every(isPrivateIpv4)).toBe(true)
    expect(['172.32.0.1', '172.15.0.1', '8.8.8.8', '192.169.0.1'].some(isPrivateIpv4)).toBe(false)
  })
})
