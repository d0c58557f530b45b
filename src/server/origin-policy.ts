/**
 * Which web pages may talk to a signaling server: one policy for the Socket.IO handshake (websocket and polling)
 * and for the CORS answer of `/moim.json`. Pure functions over the request's `Origin` and `Host` headers, so they
 * are tested without a server.
 *
 * A page served by this server is recognised by its origin being `http(s)://` + the request's Host header, and
 * that Host naming this server: one of its own IP addresses, `localhost`, or a name the operator configured, on
 * the port it listens on. Checking the Host is what stops DNS rebinding: a page at `http://evil.example:47100`
 * whose name the attacker re-points at this machine sends `Host: evil.example:47100`, which is not a name of ours.
 */
import { networkInterfaces } from 'node:os'

/**
 * The origin the desktop app's page sends (`app://moim`, main/app-protocol.ts; a test keeps the two equal). No
 * website can send it, so it is treated like a native client: every Moim server accepts the desktop app as a guest.
 */
export const DESKTOP_APP_ORIGIN = 'app://moim'

/** Names that always mean this machine. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]']

export interface OriginPolicy {
  /** Further web origins allowed (exact, e.g. `https://moim.example.org`), or `'*'` for any page anywhere. */
  allowedOrigins: readonly string[] | '*'
  /** Host names this server is reached by besides its IP addresses and localhost (canonical, see canonicalHost). */
  hostnames: readonly string[]
  /** The port the server listens on; a Host naming another port is not this server. */
  port: number
  /** This machine's IP addresses in URL form (`192.168.1.20`, `[fd00::1]`); re-read per call by default. */
  ownAddresses?: () => Iterable<string>
}

/** What the policy decided about one request, with the reason to log. */
export type OriginDecision =
  | { allowed: true; reason: 'no-origin' | 'listed' | 'desktop-app' | 'own-page' }
  | { allowed: false; reason: 'foreign-origin' | 'foreign-host' }

/**
 * Decides whether a request with these `Origin` and `Host` headers comes from a client this server serves: a
 * native client (no Origin), the desktop app, an explicitly allowed origin, or a page this server served.
 */
export function decideOrigin(
  origin: string | undefined,
  host: string | undefined,
  policy: OriginPolicy
): OriginDecision {
  if (origin === undefined) return { allowed: true, reason: 'no-origin' }
  if (origin === DESKTOP_APP_ORIGIN) return { allowed: true, reason: 'desktop-app' }
  if (originListed(origin, policy.allowedOrigins)) return { allowed: true, reason: 'listed' }
  const lowerOrigin = origin.toLowerCase()
  const lowerHost = host?.toLowerCase()
  // A page's own server sees the page's host and port in Host; anything else is another site's page.
  if (
    lowerHost === undefined ||
    (lowerOrigin !== `http://${lowerHost}` && lowerOrigin !== `https://${lowerHost}`)
  ) {
    return { allowed: false, reason: 'foreign-origin' }
  }
  const parsed = parseHostHeader(lowerHost, lowerOrigin.startsWith('https:') ? 443 : 80)
  if (parsed === undefined || parsed.port !== policy.port) return { allowed: false, reason: 'foreign-host' }
  if (isOwnName(parsed.hostname, policy)) return { allowed: true, reason: 'own-page' }
  return { allowed: false, reason: 'foreign-host' }
}

/**
 * True when `origin` may read cross-origin answers (CORS): listed, or the desktop app. A page this server served
 * is same-origin and needs no CORS header.
 */
export function originListed(origin: string, allowedOrigins: readonly string[] | '*'): boolean {
  return allowedOrigins === '*' || allowedOrigins.includes(origin) || origin === DESKTOP_APP_ORIGIN
}

function isOwnName(hostname: string, policy: OriginPolicy): boolean {
  if (LOOPBACK_NAMES.includes(hostname) || policy.hostnames.includes(hostname)) return true
  for (const address of (policy.ownAddresses ?? interfaceAddresses)()) {
    if (address === hostname) return true
  }
  return false
}

/** Every IP address of this machine's interfaces, as a URL writes it (IPv6 in brackets, without a zone). */
export function interfaceAddresses(): string[] {
  const found: string[] = []
  for (const infos of Object.values(networkInterfaces())) {
    for (const info of infos ?? []) {
      const canonical = canonicalHost(info.address.split('%')[0])
      if (canonical !== undefined) found.push(canonical)
    }
  }
  return found
}

/** Only what a Host header may hold; rules out user info (`a@b`), paths and the like before URL parsing. */
const HOST_HEADER = /^(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i

/** A bare host: a name or IPv4 address, an IPv6 address with or without brackets; no port, no path. */
const BARE_HOST = /^(?:\[[0-9a-f:.]+\]|[0-9a-f.]*:[0-9a-f:.]*|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?)$/i

/** The canonical host name and the port (or `defaultPort`) of a Host header, or undefined when malformed. */
function parseHostHeader(host: string, defaultPort: number): { hostname: string; port: number } | undefined {
  if (!HOST_HEADER.test(host)) return undefined
  const portAt = host.lastIndexOf(':')
  const hasPort = portAt > host.lastIndexOf(']')
  const hostname = canonicalHost(hasPort ? host.slice(0, portAt) : host)
  if (hostname === undefined) return undefined
  // Read from the header itself: URL would drop a port that is the scheme's default.
  return { hostname, port: hasPort ? Number(host.slice(portAt + 1)) : defaultPort }
}

/**
 * A host name, IPv4 or IPv6 address (bare or in brackets) as the URL parser writes it, so that two spellings of
 * one address compare equal: lower case, no trailing dot, IPv4 in dotted decimal (`0x7f.1` is `127.0.0.1`), IPv6
 * compressed and in brackets, an IPv4-mapped IPv6 address as its IPv4 address. Undefined for anything else (a
 * port, a path, user info, a name the URL parser refuses such as `a.1`).
 */
export function canonicalHost(text: string): string | undefined {
  if (!BARE_HOST.test(text)) return undefined
  const bracketed = text.includes(':') && !text.startsWith('[') ? `[${text}]` : text
  let hostname: string
  try {
    hostname = new URL(`http://${bracketed}/`).hostname
  } catch {
    return undefined
  }
  return unmapIpv4(hostname.replace(/\.$/, ''))
}

/** `[::ffff:c0a8:114]` (how URL writes `::ffff:192.168.1.20`) -> `192.168.1.20`; anything else unchanged. */
function unmapIpv4(hostname: string): string {
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(hostname)
  if (mapped === null) return hostname
  const high = parseInt(mapped[1], 16)
  const low = parseInt(mapped[2], 16)
  return [high >> 8, high & 255, low >> 8, low & 255].join('.')
}
