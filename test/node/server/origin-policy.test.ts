import { describe, expect, it } from 'vitest'
import {
  canonicalHost,
  decideOrigin,
  DESKTOP_APP_ORIGIN,
  interfaceAddresses
} from '../../../src/server/origin-policy'
import type { OriginPolicy } from '../../../src/server/origin-policy'

/** A machine with one LAN IPv4 address and one IPv6 address, listening on 47100. */
const policy: OriginPolicy = {
  allowedOrigins: [],
  hostnames: ['moim.example.org'],
  port: 47_100,
  ownAddresses: () => ['192.168.1.20', '[fd00::20]']
}

const decide = (
  origin: string | undefined,
  host: string | undefined,
  overrides: Partial<OriginPolicy> = {}
) => decideOrigin(origin, host, { ...policy, ...overrides })

describe('decideOrigin', () => {
  it.each<[string, string | undefined, string | undefined, string]>([
    ['a native client (no Origin)', undefined, undefined, 'no-origin'],
    ['the desktop app', DESKTOP_APP_ORIGIN, '192.168.1.20:47100', 'desktop-app'],
    ['its page at a LAN address', 'http://192.168.1.20:47100', '192.168.1.20:47100', 'own-page'],
    ['its page at an IPv6 address', 'http://[fd00::20]:47100', '[fd00::20]:47100', 'own-page'],
    [
      'its page at a differently written IPv6 address',
      'http://[fd00:0::20]:47100',
      '[fd00:0::20]:47100',
      'own-page'
    ],
    [
      'its page at an IPv4-mapped address',
      'http://[::ffff:192.168.1.20]:47100',
      '[::ffff:192.168.1.20]:47100',
      'own-page'
    ],
    ['its page at localhost', 'http://localhost:47100', 'localhost:47100', 'own-page'],
    ['its page at [::1]', 'http://[::1]:47100', '[::1]:47100', 'own-page'],
    ['its page at a configured name', 'https://moim.example.org:47100', 'moim.example.org:47100', 'own-page'],
    [
      'its page at a configured name in capitals',
      'http://MOIM.example.org:47100',
      'MOIM.example.org:47100',
      'own-page'
    ]
  ])('accepts %s', (_label, origin, host, reason) => {
    expect(decide(origin, host)).toEqual({ allowed: true, reason })
  })

  it.each<[string, string, string | undefined, string]>([
    [
      'a rebound name (Origin matches Host)',
      'http://evil.example:47100',
      'evil.example:47100',
      'foreign-host'
    ],
    ['another site', 'http://evil.example', '192.168.1.20:47100', 'foreign-origin'],
    [
      'a page on another port of this machine',
      'http://192.168.1.20:8080',
      '192.168.1.20:8080',
      'foreign-host'
    ],
    [
      'a page on the default port while listening elsewhere',
      'http://192.168.1.20',
      '192.168.1.20',
      'foreign-host'
    ],
    ['a request without Host', 'http://192.168.1.20:47100', undefined, 'foreign-origin'],
    ['a Host with user info', 'http://evil@192.168.1.20:47100', 'evil@192.168.1.20:47100', 'foreign-host'],
    [
      'an address this machine does not have',
      'http://192.168.1.21:47100',
      '192.168.1.21:47100',
      'foreign-host'
    ],
    ['an opaque origin', 'null', '192.168.1.20:47100', 'foreign-origin']
  ])('refuses %s', (_label, origin, host, reason) => {
    expect(decide(origin, host)).toEqual({ allowed: false, reason })
  })

  it('takes the scheme default port when the Host names none', () => {
    expect(decide('http://192.168.1.20', '192.168.1.20', { port: 80 })).toMatchObject({ allowed: true })
    expect(decide('https://192.168.1.20', '192.168.1.20', { port: 443 })).toMatchObject({ allowed: true })
    expect(decide('https://192.168.1.20', '192.168.1.20', { port: 80 })).toMatchObject({ allowed: false })
  })

  it('accepts listed origins exactly, and any origin only for "*"', () => {
    const listed = { allowedOrigins: ['https://moim.example.org'] }
    expect(decide('https://moim.example.org', 'elsewhere:1', listed)).toEqual({
      allowed: true,
      reason: 'listed'
    })
    expect(decide('https://moim.example.org.evil', 'x:1', listed)).toMatchObject({ allowed: false })
    expect(decide('http://anywhere.example', 'x:1', { allowedOrigins: '*' })).toEqual({
      allowed: true,
      reason: 'listed'
    })
  })

  it('reads the interfaces of this machine by default, loopback included', () => {
    expect(interfaceAddresses()).toContain('127.0.0.1')
    const { ownAddresses: _, ...withoutTable } = policy
    void _
    expect(decideOrigin('http://127.0.0.1:47100', '127.0.0.1:47100', withoutTable)).toMatchObject({
      allowed: true
    })
  })
})

describe('canonicalHost', () => {
  it.each([
    ['Moim.Example.org', 'moim.example.org'],
    ['moim.example.org.', 'moim.example.org'],
    ['192.168.1.20', '192.168.1.20'],
    ['0xc0.0xa8.1.0x14', '192.168.1.20'],
    ['fd00:0::20', '[fd00::20]'],
    ['[FD00::20]', '[fd00::20]'],
    ['::ffff:192.168.1.20', '192.168.1.20']
  ])('writes %s as %s', (input, expected) => {
    expect(canonicalHost(input)).toBe(expected)
  })

  it.each(['', 'a.1', 'host:80', 'a@b', 'a/b', 'a b', '[::1]:80', 'fe80::1%eth0', '256.1.1.1'])(
    'refuses %j',
    (input) => {
      expect(canonicalHost(input)).toBeUndefined()
    }
  )
})
