import { describe, expect, it } from 'vitest'
import {
  appInviteLink,
  browserInviteLink,
  displayAddress,
  parseJoinAddress
} from '../../src/shared/join-address'
import { DEFAULT_PORT } from '../../src/shared/protocol'

const D = DEFAULT_PORT

describe('parseJoinAddress accepts', () => {
  const good: [string, { host: string; port: number; room?: string; url: string }][] = [
    ['192.168.1.20', { host: '192.168.1.20', port: D, url: `http://192.168.1.20:${D}` }],
    ['  192.168.1.20:47101  ', { host: '192.168.1.20', port: 47_101, url: 'http://192.168.1.20:47101' }],
    ['10.0.0.5:8080/team', { host: '10.0.0.5', port: 8080, room: 'team', url: 'http://10.0.0.5:8080' }],
    ['10.0.0.5/team', { host: '10.0.0.5', port: D, room: 'team', url: `http://10.0.0.5:${D}` }],
    ['10.0.0.5:8080/', { host: '10.0.0.5', port: 8080, url: 'http://10.0.0.5:8080' }],
    ['Laptop.Local', { host: 'laptop.local', port: D, url: `http://laptop.local:${D}` }],
    ['localhost:3000', { host: 'localhost', port: 3000, url: 'http://localhost:3000' }],
    [
      'moim://192.168.1.20:47100/team',
      { host: '192.168.1.20', port: 47_100, room: 'team', url: 'http://192.168.1.20:47100' }
    ],
    [
      'MOIM://host-1:47100/Family%20call',
      { host: 'host-1', port: 47_100, room: 'Family call', url: 'http://host-1:47100' }
    ],
    ['moim://192.168.1.20', { host: '192.168.1.20', port: D, url: `http://192.168.1.20:${D}` }],
    [
      'http://192.168.1.20:47100/?room=team',
      { host: '192.168.1.20', port: 47_100, room: 'team', url: 'http://192.168.1.20:47100' }
    ],
    [
      'http://192.168.1.20:47100/?room=a+b',
      { host: '192.168.1.20', port: 47_100, room: 'a b', url: 'http://192.168.1.20:47100' }
    ],
    ['http://192.168.1.20:47100', { host: '192.168.1.20', port: 47_100, url: 'http://192.168.1.20:47100' }],
    [
      'http://192.168.1.20:47100/index.html?room=x#top',
      { host: '192.168.1.20', port: 47_100, room: 'x', url: 'http://192.168.1.20:47100' }
    ],
    [
      'https://moim.example.org/?room=team',
      { host: 'moim.example.org', port: 443, room: 'team', url: 'https://moim.example.org:443' }
    ],
    ['http://moim.example.org', { host: 'moim.example.org', port: 80, url: 'http://moim.example.org:80' }],
    ['[::1]:47100', { host: '::1', port: 47_100, url: 'http://[::1]:47100' }],
    ['[::1]', { host: '::1', port: D, url: `http://[::1]:${D}` }],
    ['[0:0::1]:5000/team', { host: '::1', port: 5000, room: 'team', url: 'http://[::1]:5000' }],
    ['::1', { host: '::1', port: D, url: `http://[::1]:${D}` }],
    ['FD00::ABCD', { host: 'fd00::abcd', port: D, url: `http://[fd00::abcd]:${D}` }],
    [
      'moim://[fd00::1]:47100/team',
      { host: 'fd00::1', port: 47_100, room: 'team', url: 'http://[fd00::1]:47100' }
    ],
    [
      'http://[::1]:47100/?room=%ED%8C%80',
      { host: '::1', port: 47_100, room: '팀', url: 'http://[::1]:47100' }
    ],
    ['127.0.0.1:65535', { host: '127.0.0.1', port: 65_535, url: 'http://127.0.0.1:65535' }],
    ['Laptop.Local.:47100', { host: 'laptop.local', port: 47_100, url: 'http://laptop.local:47100' }],
    ['1.example', { host: '1.example', port: D, url: `http://1.example:${D}` }]
  ]
  it.each(good)('%s', (input, expected) => {
    expect(parseJoinAddress(input)).toEqual({ ok: true, value: expected })
  })

  // socket.io and fetch connect to whatever the URL parser makes of `url`: that must be the host reported.
  it.each(good)('%s: the URL connected to names the reported host and port', (input) => {
    const parsed = parseJoinAddress(input)
    if (!parsed.ok) throw new Error(parsed.message)
    const url = new URL(parsed.value.url)
    expect(url.hostname.replace(/^\[|\]$/g, '')).toBe(parsed.value.host)
    expect(Number(url.port || (url.protocol === 'https:' ? 443 : 80))).toBe(parsed.value.port)
  })
})

describe('parseJoinAddress rejects, saying what is wrong', () => {
  const bad: [string, RegExp][] = [
    ['', /enter the host/i],
    ['   ', /enter the host/i],
    ['192.168.1.20 :47100', /spaces/i],
    ['192.168.1.20:0', /not a port/i],
    ['192.168.1.20:65536', /not a port/i],
    ['192.168.1.20:abc', /not a port/i],
    ['192.168.1.20:-1', /not a port/i],
    ['192.168.1.20:', /port is missing/i],
    ['[::1]:99999', /not a port/i],
    ['256.1.1.1', /not a valid IPv4/i],
    ['192.168.1', /not a valid IPv4/i],
    ['192.168.01.1', /not a valid IPv4/i],
    ['0.0.0.0', /every address/i],
    // The URL parser reads these as 192.168.1.20 and 127.0.0.1: refused rather than shown as another host.
    ['moim://0xc0.0xa8.1.0x14', /not a valid IPv4/i],
    ['0xc0.0xa8.1.0x14:47100', /not a valid IPv4/i],
    ['0x7f.1', /not a valid IPv4/i],
    ['0177.0.0.1', /not a valid IPv4/i],
    ['4294967295', /not a valid IPv4/i],
    // The URL parser refuses a name ending in a number, so these could never connect.
    ['a.1', /last part cannot be a number/i],
    ['moim://laptop.1:47100/team', /last part cannot be a number/i],
    ['host.0x1f', /last part cannot be a number/i],
    // The URL parser would rewrite these into other names.
    ['b%C3%BCcher.example', /not a valid host name/i],
    ['bücher.example', /not a valid host name/i],
    ['[::]:47100', /every address/i],
    ['ftp://192.168.1.20', /not supported/i],
    ['ws://192.168.1.20:47100', /not supported/i],
    ['http:/192.168.1.20', /malformed/i],
    ['host_name:47100', /not a valid host name/i],
    ['-bad.example', /not a valid host name/i],
    ['bad..example', /not a valid host name/i],
    [':47100', /no host/i],
    ['/team', /no host/i],
    ['user@192.168.1.20', /user name/i],
    ['[::1', /closing/i],
    ['[::1]x', /only “:PORT”/i],
    ['[fe80::1%eth0]:47100', /zone/i],
    ['fe80::1%eth0', /zone/i],
    ['[::g]:1', /not a valid IPv6/i],
    ['1::2::3', /not a valid IPv6/i],
    ['http://::1:47100', /brackets/i],
    ['192.168.1.20:47100/team!', /room name “team!” cannot be used/i],
    ['192.168.1.20:47100/a/b', /only one room/i],
    ['moim://192.168.1.20:47100/%E0%A4%A', /percent-encoding/i],
    ['http://192.168.1.20:47100/team', /\?room=/],
    ['http://192.168.1.20:47100/?room=', /cannot be used: it is empty/i],
    ['http://192.168.1.20:47100/?room=a&room=b', /more than one room/i],
    ['moim://192.168.1.20:47100/a?room=b', /two different rooms/i],
    [`moim://h/${'r'.repeat(65)}`, /at most 64/i],
    ['x'.repeat(3000), /too long/i]
  ]
  it.each(bad)('%j', (input, message) => {
    const result = parseJoinAddress(input)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toMatch(message)
  })

  it('says which room rule an invite’s room broke, with the room, so a UI can word it', () => {
    const room = 'r'.repeat(80)
    expect(parseJoinAddress(`http://192.168.1.20:47100/?room=${room}`)).toMatchObject({
      ok: false,
      room: { value: room, reason: 'too-long' }
    })
    expect(parseJoinAddress('moim://h/a%2Fb')).toMatchObject({
      ok: false,
      room: { value: 'a/b', reason: 'not-allowed-characters' }
    })
    // An address at fault is not a room at fault.
    expect(parseJoinAddress('user@h/team')).not.toHaveProperty('room')
  })

  it('answers non-string input with a message instead of throwing', () => {
    expect(parseJoinAddress(42 as unknown as string)).toEqual({
      ok: false,
      message: 'The address must be text.'
    })
  })
})

describe('invite links', () => {
  it('round-trip through the parser for IPv4, IPv6 and names with spaces', () => {
    for (const [host, room] of [
      ['192.168.1.20', 'team'],
      ['fd00::1', 'Family call'],
      ['laptop.local', '모임']
    ]) {
      for (const link of [appInviteLink(host, 47_100, room), browserInviteLink(host, 47_100, room)]) {
        const parsed = parseJoinAddress(link)
        expect(parsed, link).toMatchObject({ ok: true, value: { host, port: 47_100, room } })
      }
    }
  })

  it('shows IPv6 addresses in brackets', () => {
    expect(displayAddress('fd00::1', 47_100)).toBe('[fd00::1]:47100')
    expect(displayAddress('10.0.0.2', 47_100)).toBe('10.0.0.2:47100')
    expect(appInviteLink('fd00::1', 47_100, 'a b')).toBe('moim://[fd00::1]:47100/a%20b')
    expect(browserInviteLink('10.0.0.2', 47_100, 'a b')).toBe('http://10.0.0.2:47100/?room=a%20b')
  })
})
