/**
 * Parses what a guest types (or pastes) to join a host: an address, an address with a port and room, or an invite
 * link. Runs in the renderer (lobby form), in main (invites from `moim://` links) and in tests alike, so it only
 * uses the URL parser every JavaScript runtime has.
 *
 * Accepted forms (ROOM optional everywhere):
 * - `HOST`, `HOST:PORT`, `HOST:PORT/ROOM`, `HOST/ROOM`
 * - `moim://HOST:PORT/ROOM` (the app's invite link)
 * - `http://HOST:PORT/?room=ROOM` and `https://...` (the browser invite link)
 *
 * HOST is an IPv4 address, a host name, or an IPv6 address in brackets (`[::1]:47100`); a bare IPv6 address is
 * accepted when nothing follows it (`fe80::1` cannot be told apart from `fe80::1:PORT` otherwise). A missing port
 * means DEFAULT_PORT, except in an `http(s)://` link, where it means what it means in a browser (80 or 443).
 * The host is checked as the URL parser reads it, so the host reported is the one connected to: spellings it would
 * turn into another address (`0x7f.1`, `192.168.1`) and names ending in a number (`a.1`) are refused.
 */
import { checkRoomName } from './input-rules'
import { DEFAULT_PORT, LIMITS } from './protocol'
import type { InvalidReason } from './protocol'

export interface JoinAddress {
  /** Host name (lower case), IPv4 address, or IPv6 address without brackets. */
  host: string
  port: number
  /** The room to join, when the input named one. */
  room?: string
  /** The server's http(s) origin, for socket.io and the `/moim.json` probe: `http://[::1]:47100`. */
  url: string
}

/**
 * A refusal; `message` is English, for logs and English UIs. When the address was fine but the room it names
 * breaks a room-name rule, `room` says which, so a UI can word it (the too-long room of an invite, for example).
 */
export type JoinAddressFailure = {
  ok: false
  message: string
  room?: { value: string; reason: InvalidReason }
}

export type JoinAddressResult = { ok: true; value: JoinAddress } | JoinAddressFailure

/** The room-name rules in English, for the messages of logs and English UIs (UIs word them from the reason). */
const ROOM_RULES: Record<InvalidReason, string> = {
  empty: 'it is empty',
  'too-long': `room names can be at most ${LIMITS.room} characters`,
  'no-visible-character': 'it needs a visible letter or digit',
  'invisible-characters': 'it contains invisible characters',
  'not-allowed-characters': 'room names may contain letters, digits, spaces, “.”, “-” and “_”'
}

/** Longer input than this is not an address anyone typed. */
const MAX_INPUT = 2_048

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
/** What the URL standard reads as a number in a host (decimal, 0x hex, leading-zero octal). */
const NUMBER_LABEL = /^(?:0x[0-9a-f]*|\d+)$/

/** Parses a join address or invite link; see the module comment for the forms. Never throws. */
export function parseJoinAddress(input: string): JoinAddressResult {
  if (typeof input !== 'string') return fail('The address must be text.')
  const text = input.trim()
  if (text === '') return fail('Enter the host’s address, for example 192.168.1.20 or 192.168.1.20:47100.')
  if (text.length > MAX_INPUT) return fail('That address is too long.')
  if (/\s/.test(text)) return fail('An address cannot contain spaces.')

  let scheme: 'moim' | 'http' | 'https' | null = null
  let rest = text
  const schemeMatch = SCHEME.exec(text)
  if (schemeMatch) {
    const name = schemeMatch[1].toLowerCase()
    if (name !== 'moim' && name !== 'http' && name !== 'https') {
      return fail(
        `“${schemeMatch[1]}://” links are not supported: use a moim:// or http:// invite, or an address.`
      )
    }
    scheme = name
    rest = text.slice(schemeMatch[0].length)
  } else if (/^[a-z][a-z0-9+.-]*:\/(?!\/)/i.test(text)) {
    return fail('That link is malformed: a link starts with “moim://” or “http://”.')
  }

  // Split off the fragment, then the query, then the path; what is left is the authority (host and port).
  const hashAt = rest.indexOf('#')
  if (hashAt !== -1) rest = rest.slice(0, hashAt)
  let query = ''
  const queryAt = rest.indexOf('?')
  if (queryAt !== -1) {
    query = rest.slice(queryAt + 1)
    rest = rest.slice(0, queryAt)
  }
  let authority = rest
  let path = ''
  const bareIpv6 = !rest.startsWith('[') && (rest.match(/:/g)?.length ?? 0) > 1
  if (!bareIpv6) {
    const slashAt = rest.indexOf('/')
    if (slashAt !== -1) {
      authority = rest.slice(0, slashAt)
      path = rest.slice(slashAt)
    }
  }

  if (authority === '') return fail('The address has no host: put the host’s address before the “/”.')
  if (authority.includes('@')) return fail('An address cannot contain a user name or “@”.')

  const hostPort = splitHostPort(authority, scheme === null)
  if (!hostPort.ok) return hostPort
  const { host, literal, portText } = hostPort.value

  let port: number
  if (portText === undefined) {
    port = scheme === 'http' ? 80 : scheme === 'https' ? 443 : DEFAULT_PORT
  } else {
    if (portText === '') return fail('The port is missing after “:”.')
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65_535) {
      return fail(`“${portText}” is not a port: use a number from 1 to 65535.`)
    }
    port = Number(portText)
  }

  const room = findRoom(scheme, path, query)
  if (!room.ok) return room

  const value: JoinAddress = {
    host,
    port,
    url: `${scheme === 'https' ? 'https' : 'http'}://${literal}:${port}`
  }
  if (room.value !== undefined) value.room = room.value
  return { ok: true, value }
}

type Parsed<T> = { ok: true; value: T } | JoinAddressFailure

/** `host` for display and comparison, `literal` as it goes in a URL (IPv6 in brackets). */
function splitHostPort(
  authority: string,
  allowBareIpv6: boolean
): Parsed<{ host: string; literal: string; portText: string | undefined }> {
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']')
    if (close === -1) return fail('The IPv6 address is missing its closing “]”.')
    const ipv6 = normalizeIpv6(authority.slice(1, close))
    if (!ipv6.ok) return ipv6
    const after = authority.slice(close + 1)
    if (after !== '' && !after.startsWith(':'))
      return fail('Only “:PORT” may follow an IPv6 address in brackets.')
    return { ok: true, value: { ...ipv6.value, portText: after === '' ? undefined : after.slice(1) } }
  }
  const colons = authority.match(/:/g)?.length ?? 0
  if (colons > 1) {
    if (!allowBareIpv6) return fail('Put an IPv6 address in brackets in a link: http://[::1]:47100.')
    const ipv6 = normalizeIpv6(authority)
    if (!ipv6.ok) return ipv6
    return { ok: true, value: { ...ipv6.value, portText: undefined } }
  }
  const colonAt = authority.indexOf(':')
  const hostText = colonAt === -1 ? authority : authority.slice(0, colonAt)
  const portText = colonAt === -1 ? undefined : authority.slice(colonAt + 1)
  if (hostText === '') return fail('The address has no host before the “:”.')
  const host = checkHost(hostText)
  if (!host.ok) return host
  return { ok: true, value: { host: host.value, literal: host.value, portText } }
}

/**
 * Validates a host name or IPv4 address as the URL parser (which socket.io and fetch use) will read it, so the
 * host shown and remembered is the one connected to. Spellings the parser would silently turn into another host
 * (`0xc0.0xa8.1.0x14` or `192.168.1` into an IPv4 address, `%41` into `a`) are refused rather than rewritten.
 */
function checkHost(text: string): Parsed<string> {
  const typed = text.toLowerCase()
  const name = typed.endsWith('.') ? typed.slice(0, -1) : typed
  let hostname: string | undefined
  try {
    hostname = new URL(`http://${name}/`).hostname
  } catch {
    hostname = undefined
  }
  const labels = name.split('.')
  // A host whose last label is a number is an IPv4 address to the URL parser, whatever the other labels are.
  if (NUMBER_LABEL.test(labels[labels.length - 1])) {
    if (!labels.every((label) => NUMBER_LABEL.test(label))) {
      return fail(
        `“${text}” is not a valid host name: its last part cannot be a number (or use an IP address like 192.168.1.20).`
      )
    }
    if (hostname !== name)
      return fail(`“${text}” is not a valid IPv4 address (four numbers from 0 to 255, like 192.168.1.20).`)
    if (hostname === '0.0.0.0')
      return fail('0.0.0.0 means “every address” and cannot be joined: use the host’s address.')
    return { ok: true, value: hostname }
  }
  if (hostname !== name || name.length > 253 || !labels.every((label) => HOST_LABEL.test(label))) {
    return fail(`“${text}” is not a valid host name: use letters, digits, “-” and dots, or an IP address.`)
  }
  return { ok: true, value: hostname }
}

/** Validates an IPv6 literal with the URL parser and returns its canonical form (`0:0::1` -> `::1`). */
function normalizeIpv6(text: string): Parsed<{ host: string; literal: string }> {
  if (text.includes('%')) {
    return fail(
      'IPv6 addresses with a zone (like %eth0) cannot be used: use the host’s IPv4 or global address.'
    )
  }
  let hostname: string
  try {
    hostname = new URL(`http://[${text}]/`).hostname
  } catch {
    return fail(`“${text}” is not a valid IPv6 address.`)
  }
  const host = hostname.slice(1, -1)
  if (host === '::') return fail('[::] means “every address” and cannot be joined: use the host’s address.')
  return { ok: true, value: { host, literal: hostname } }
}

/** The room from the path (`/ROOM`, app links and plain addresses) or the query (`?room=ROOM`, browser links). */
function findRoom(
  scheme: 'moim' | 'http' | 'https' | null,
  path: string,
  query: string
): Parsed<string | undefined> {
  let fromPath: string | undefined
  const trimmedPath = path.replace(/^\//, '').replace(/\/$/, '')
  if (scheme === 'http' || scheme === 'https') {
    if (trimmedPath !== '' && trimmedPath !== 'index.html') {
      return fail('A browser link names its room as “?room=NAME”, like http://192.168.1.20:47100/?room=team.')
    }
  } else if (trimmedPath !== '') {
    if (trimmedPath.includes('/')) return fail('Only one room name may follow the address: HOST:PORT/ROOM.')
    const decoded = decode(trimmedPath)
    if (decoded === undefined) return fail('The room name in the address is not valid percent-encoding.')
    fromPath = decoded
  }
  let fromQuery: string | undefined
  if (query !== '') {
    let params: URLSearchParams
    try {
      params = new URLSearchParams(query)
    } catch {
      return fail('The “?room=” part of the link is not valid.')
    }
    const rooms = params.getAll('room')
    if (rooms.length > 1) return fail('The link names more than one room.')
    fromQuery = rooms[0]
  }
  if (fromPath !== undefined && fromQuery !== undefined && fromPath !== fromQuery) {
    return fail('The link names two different rooms.')
  }
  const raw = fromPath ?? fromQuery
  if (raw === undefined) return { ok: true, value: undefined }
  const checked = checkRoomName(raw)
  if (!checked.ok) {
    return {
      ...fail(`The room name “${raw}” cannot be used: ${ROOM_RULES[checked.reason]}.`),
      room: { value: raw, reason: checked.reason }
    }
  }
  return { ok: true, value: checked.value }
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message }
}

/** The app's invite link for a room on a server: `moim://192.168.1.20:47100/team`. */
export function appInviteLink(host: string, port: number, room: string): string {
  return `moim://${urlHost(host)}:${port}/${encodeURIComponent(room)}`
}

/** The browser invite link for a room on a server: `http://192.168.1.20:47100/?room=team`. */
export function browserInviteLink(host: string, port: number, room: string): string {
  return `http://${urlHost(host)}:${port}/?room=${encodeURIComponent(room)}`
}

/** `HOST:PORT` as a person types it: `192.168.1.20:47100`, `[fd00::1]:47100`. */
export function displayAddress(host: string, port: number): string {
  return `${urlHost(host)}:${port}`
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/** A server the user joined, as kept in the "recent hosts" list (the same shape as RecentHost in ipc.ts). */
export interface RememberedHost {
  /** `HOST:PORT`, one entry per server. */
  address: string
  room?: string
  lastJoined: number
}

/** How many recent hosts are kept. */
export const RECENT_HOSTS_MAX = 8

/**
 * Adds (or moves to the front) the server behind `address`, keeping at most RECENT_HOSTS_MAX entries, newest first.
 * Main's store parses what the renderer sent first (an IPC boundary); the browser's localStorage copy gets the
 * address the lobby already parsed, so both keep the same list and neither parses twice.
 */
export function addRecentHost(
  entries: readonly RememberedHost[],
  address: Pick<JoinAddress, 'host' | 'port'>,
  room: string | undefined,
  now: number
): RememberedHost[] {
  const key = displayAddress(address.host, address.port)
  const entry: RememberedHost =
    room === undefined ? { address: key, lastJoined: now } : { address: key, room, lastJoined: now }
  return [entry, ...entries.filter((old) => old.address !== key)].slice(0, RECENT_HOSTS_MAX)
}

/**
 * Checks a recent host sent across a boundary (main's IPC handler): parses its address and its room, then adds it
 * with addRecentHost.
 */
export function rememberHost(
  entries: readonly RememberedHost[],
  input: { address: string; room?: string },
  now: number
): { ok: true; value: RememberedHost[] } | { ok: false; message: string } {
  const parsed = parseJoinAddress(input.address)
  if (!parsed.ok) return parsed
  let room = parsed.value.room
  if (input.room !== undefined) {
    const checked = checkRoomName(input.room)
    if (!checked.ok)
      return fail(`The room name “${input.room}” cannot be used: ${ROOM_RULES[checked.reason]}.`)
    room = checked.value
  }
  return { ok: true, value: addRecentHost(entries, parsed.value, room, now) }
}
