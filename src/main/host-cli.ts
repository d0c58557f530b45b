/**
 * `npm run host [-- --port P --host ADDR --capacity N --allow-origin O --hostname NAME --resume-grace S
 * --advertise]`: runs the signaling server without Electron and serves the built web client, so browsers on the
 * network can join; with `--advertise` the desktop apps on the network list it. Stops cleanly on Ctrl-C (and
 * withdraws the advertisement).
 */
import { existsSync } from 'node:fs'
import { hostname as osHostname } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createLogger, setLogLevel } from '../shared/logger'
import type { LogLevel } from '../shared/logger'
import { checkDisplayName } from '../shared/input-rules'
import { DEFAULT_PORT, LIMITS } from '../shared/protocol'
import type { NetworkInterfaceInfo } from 'node:os'
import { LanAdvertiser } from './lan-advertiser'
import { httpUrl, isLinkLocal, listNetworkAddresses } from './network-addresses'
import { canonicalHost } from '../server/origin-policy'
import { StoreUnavailableError } from '../server/room-store'
import { createSignalingServer, DEFAULT_RESUME_GRACE_MS, DEFAULT_SERVER_LIMITS } from '../server/server'

const log = createLogger('host')

/** The largest value the limit flags take: beyond it a limit stops protecting anything. */
const MAX_FLAG = 100_000

/** The longest grace window `--resume-grace` takes: a seat held longer is a seat lost for the room. */
const MAX_GRACE_S = 600

const USAGE = `Usage: npm run host -- [--port P] [--host ADDR] [--capacity N] [--web DIR] [--log-level LEVEL]
                           [--hostname NAME]... [--allow-origin ORIGIN]...
                           [--max-connections-per-address N] [--max-rooms N] [--redis URL]
                           [--resume-grace SECONDS] [--advertise] [--advertise-name NAME]
  --port P           TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR        address to listen on (default: every interface)
  --capacity N       people per room, 2-${LIMITS.maxCapacity} (default ${LIMITS.capacity})
  --web DIR          web client to serve (default: out/renderer, built by \`npm run build\`)
  --log-level L      debug | info | warn | error | silent (default info)
  --hostname NAME    a name browsers reach this server by (moim.example.org); its pages there may connect.
                     IP addresses of this machine and localhost always count. Repeatable.
  --allow-origin O   also let pages of the web origin O connect (https://app.example.org), or * for any
                     website. Repeatable. Default: only pages this server serves, the desktop app and
                     native clients.
  --max-connections-per-address N
                     connections one client address may hold, 1-${MAX_FLAG} (default ${DEFAULT_SERVER_LIMITS.connectionsPerAddress}).
                     Raise it behind a reverse proxy or NAT, where many people share one address.
  --max-rooms N      rooms the server holds at once, 1-${MAX_FLAG} (default ${DEFAULT_SERVER_LIMITS.rooms})
  --resume-grace S   how long someone whose connection dropped keeps their place in the room to come back
                     as themselves, 0-${MAX_GRACE_S} seconds (default ${DEFAULT_RESUME_GRACE_MS / 1000})
  --redis URL        share rooms with the other servers started with the same Redis (redis://HOST:PORT;
                     or set MOIM_REDIS_URL). Default: this server on its own, rooms in its memory.
  --advertise        list this server in the lobby of every Moim app on the local network (DNS-SD
                     _moim._tcp over multicast DNS). Off by default.
  --advertise-name NAME
                     the name those lobbies show (implies --advertise; default: this machine's name)`

export interface HostOptions {
  port: number
  host: string | undefined
  capacity: number
  maxConnectionsPerAddress: number
  maxRooms: number
  webDir: string
  logLevel: LogLevel
  /** Extra web origins allowed to connect (normalised like a browser's Origin header), or '*' for any. */
  allowedOrigins: string[] | '*'
  /** Names this server is reached by, canonical (lower case, IPs as the URL parser writes them). */
  hostnames: string[]
  /** Redis shared with the other servers of a cluster (`--redis`, or MOIM_REDIS_URL); undefined: on its own. */
  redisUrl: string | undefined
  /** The name advertised on the local network (`--advertise`); undefined: not advertised. */
  advertise: string | undefined
  /** How long a dropped peer's seat is held for a resume, in milliseconds (`--resume-grace`, in seconds). */
  resumeGraceMs: number
}

/** Whole decimal numbers only: `Number()` would also take "", " 80 ", "0x50" and "1e3". */
const WHOLE_NUMBER = /^\d{1,6}$/

/**
 * Parses the CLI flags; returns an error message for anything it cannot use. `--help` is reported as
 * `{ ok: false, help: true, message: USAGE }` so the caller can print it and exit successfully.
 */
export function parseHostArgs(
  argv: string[],
  defaultWebDir: string,
  env: NodeJS.ProcessEnv = process.env,
  machineName: string = osHostname()
): { ok: true; options: HostOptions } | { ok: false; message: string; help?: boolean } {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        capacity: { type: 'string' },
        'max-connections-per-address': { type: 'string' },
        'max-rooms': { type: 'string' },
        web: { type: 'string' },
        'log-level': { type: 'string' },
        hostname: { type: 'string', multiple: true },
        'allow-origin': { type: 'string', multiple: true },
        redis: { type: 'string' },
        advertise: { type: 'boolean' },
        'advertise-name': { type: 'string' },
        'resume-grace': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true,
      allowPositionals: false
    }).values
  } catch (error) {
    return { ok: false, message: (error as Error).message }
  }
  if (values.help) return { ok: false, help: true, message: USAGE }
  const port = values.port === undefined ? DEFAULT_PORT : parseWhole(values.port)
  if (port < 0 || port > 65_535) {
    return { ok: false, message: `--port must be a whole number from 0 to 65535, not "${values.port}"` }
  }
  const capacity = values.capacity === undefined ? LIMITS.capacity : parseWhole(values.capacity)
  if (capacity < 2 || capacity > LIMITS.maxCapacity) {
    return {
      ok: false,
      message: `--capacity must be a whole number from 2 to ${LIMITS.maxCapacity}, not "${values.capacity}"`
    }
  }
  const limitFlags = {
    'max-connections-per-address': DEFAULT_SERVER_LIMITS.connectionsPerAddress,
    'max-rooms': DEFAULT_SERVER_LIMITS.rooms
  }
  const limits: Record<string, number> = {}
  for (const [flag, fallback] of Object.entries(limitFlags)) {
    const text = values[flag as keyof typeof limitFlags]
    const value = text === undefined ? fallback : parseWhole(text)
    if (value < 1 || value > MAX_FLAG) {
      return { ok: false, message: `--${flag} must be a whole number from 1 to ${MAX_FLAG}, not "${text}"` }
    }
    limits[flag] = value
  }
  const graceText = values['resume-grace']
  const grace = graceText === undefined ? DEFAULT_RESUME_GRACE_MS / 1000 : parseWhole(graceText)
  if (grace < 0 || grace > MAX_GRACE_S) {
    return {
      ok: false,
      message: `--resume-grace must be a whole number of seconds from 0 to ${MAX_GRACE_S}, not "${graceText}"`
    }
  }
  if (values.host !== undefined && values.host.trim() === '') {
    return { ok: false, message: '--host must be an address such as 127.0.0.1, 0.0.0.0 or ::' }
  }
  const levels: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent']
  const logLevel = (values['log-level'] ?? 'info') as LogLevel
  if (!levels.includes(logLevel)) {
    return { ok: false, message: `--log-level must be one of ${levels.join(', ')}` }
  }
  const hostnames: string[] = []
  for (const name of values.hostname ?? []) {
    const canonical = canonicalHost(name)
    if (canonical === undefined) {
      return { ok: false, message: `--hostname must be a host name such as moim.example.org, not "${name}"` }
    }
    hostnames.push(canonical)
  }
  let allowedOrigins: string[] | '*' = []
  for (const text of values['allow-origin'] ?? []) {
    const origin = parseOrigin(text)
    if (origin === undefined) {
      return {
        ok: false,
        message: `--allow-origin must be an origin such as https://moim.example.org (no path), or *, not "${text}"`
      }
    }
    if (origin === '*' || allowedOrigins === '*') allowedOrigins = '*'
    else allowedOrigins.push(origin)
  }
  const redisText = values.redis ?? env.MOIM_REDIS_URL
  const redisUrl = redisText === undefined || redisText === '' ? undefined : parseRedisUrl(redisText)
  if (redisUrl === null) {
    return {
      ok: false,
      message: `--redis (or MOIM_REDIS_URL) must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379, not "${redisText}"`
    }
  }
  let advertise: string | undefined
  if (values['advertise-name'] !== undefined) {
    // The lobbies that list it apply this same rule, and ignore an advertisement that breaks it.
    const name = checkDisplayName(values['advertise-name'])
    if (!name.ok) {
      return {
        ok: false,
        message: `--advertise-name must be a name of 1 to ${LIMITS.name} visible characters, not "${values['advertise-name']}"`
      }
    }
    advertise = name.value
  } else if (values.advertise) {
    const name = checkDisplayName(machineName.split('.')[0].slice(0, LIMITS.name))
    advertise = name.ok ? name.value : 'Moim'
  }
  return {
    ok: true,
    options: {
      port,
      host: values.host,
      capacity,
      maxConnectionsPerAddress: limits['max-connections-per-address'],
      maxRooms: limits['max-rooms'],
      webDir: resolve(values.web ?? defaultWebDir),
      logLevel,
      allowedOrigins,
      hostnames,
      redisUrl,
      advertise,
      resumeGraceMs: grace * 1000
    }
  }
}

/**
 * `*`, or a web origin written as a browser sends it in `Origin` (`https://moim.example.org`, `app://moim`:
 * scheme and host, lower case, no default port, no path), or undefined when `text` is not one.
 */
function parseOrigin(text: string): string | undefined {
  if (text === '*') return '*'
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  const bare = url.username === '' && url.password === '' && url.search === '' && url.hash === ''
  if (!bare || url.host === '' || (url.pathname !== '' && url.pathname !== '/')) return undefined
  return `${url.protocol}//${url.host}`
}

/** A redis:// or rediss:// URL with a host, as given; null when it is not one. */
function parseRedisUrl(text: string): string | null {
  try {
    const url = new URL(text)
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '' ? text : null
  } catch {
    return null
  }
}

/**
 * The URLs `npm run host` tells people to open: localhost and every interface address of a wildcard listener
 * (IPv4 only for 0.0.0.0), or the one address bound, then the names the operator gave. Link-local addresses
 * (169.254/16, fe80::/10) are left out: no browser opens `http://[fe80::1%25eth0]:47100/`, and the OS picks them
 * when a network gives no address.
 */
export function joinUrls(
  bound: { host: string; port: number },
  hostnames: readonly string[],
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>
): string[] {
  const wildcard = bound.host === '::' || bound.host === '0.0.0.0'
  const urls = wildcard
    ? [
        httpUrl('localhost', bound.port),
        ...listNetworkAddresses(interfaces)
          .filter((entry) => bound.host === '::' || entry.family === 'IPv4')
          .filter((entry) => !isLinkLocal(entry.address))
          .map((entry) => `${httpUrl(entry.address, bound.port)}  (${entry.interface})`)
      ]
    : [httpUrl(bound.host, bound.port)]
  // Names the operator gave are how browsers are meant to reach this server; bracketed IPv6 is already URL form.
  urls.push(...hostnames.map((name) => `http://${name}:${bound.port}/`))
  return urls
}

/** The value as a whole number, or -1 when it is not one. */
function parseWhole(value: string): number {
  return WHOLE_NUMBER.test(value) ? Number(value) : -1
}

async function main(): Promise<void> {
  const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
  const parsed = parseHostArgs(process.argv.slice(2), join(projectRoot, 'out/renderer'), process.env)
  if (!parsed.ok) {
    if (parsed.help) {
      console.log(parsed.message)
      process.exit(0)
    }
    console.error(`moim: ${parsed.message} (see --help)`)
    process.exit(2)
  }
  const {
    port,
    host,
    capacity,
    maxConnectionsPerAddress,
    maxRooms,
    webDir,
    logLevel,
    allowedOrigins,
    hostnames,
    redisUrl,
    advertise,
    resumeGraceMs
  } = parsed.options
  setLogLevel(logLevel)
  const webClientBuilt = existsSync(join(webDir, 'index.html'))

  const server = createSignalingServer({
    capacity,
    staticDir: webClientBuilt ? webDir : undefined,
    allowedOrigins,
    hostnames,
    limits: { connectionsPerAddress: maxConnectionsPerAddress, rooms: maxRooms },
    resumeGraceMs,
    cluster: redisUrl === undefined ? undefined : { redisUrl }
  })
  let bound
  try {
    bound = await server.listen(port, host)
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      console.error(`moim: ${error.message}`)
      process.exit(1)
    }
    const code = (error as NodeJS.ErrnoException).code
    const where = `${host ?? 'every interface'} port ${port}`
    const reason =
      code === 'EADDRINUSE'
        ? `port ${port} is already in use (try --port ${port + 1}, or --port 0 for any free port)`
        : code === 'EACCES'
          ? `permission denied for ${where} (ports below 1024 need privileges)`
          : code === 'EADDRNOTAVAIL'
            ? `${host} is not an address of this machine`
            : (error as Error).message
    console.error(`moim: cannot listen on ${where}: ${reason}`)
    process.exit(1)
  }

  // Warned only once listening, so a start that fails prints its one error line and nothing else.
  if (!webClientBuilt) log.warn(`no web client at ${webDir}: browsers cannot join (run \`npm run build\`)`)
  const urls = joinUrls(bound, hostnames)
  const mode = redisUrl === undefined ? '' : `, sharing rooms through ${redisUrl}`
  console.log(`Moim server running (rooms of up to ${capacity}${mode}). Join at:`)
  for (const url of urls) console.log(`  ${url}`)
  const advertiser = advertise === undefined ? undefined : new LanAdvertiser()
  if (advertiser !== undefined && advertise !== undefined) {
    // Not awaited: the server already serves while the advertisement is probed and announced.
    void advertiser.start({ name: advertise, locked: false, port: bound.port })
    console.log(`Advertised on the local network as "${advertise}".`)
  }
  console.log('Press Ctrl-C to stop.')

  let stoppingSince: number | undefined
  const stop = (): void => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C reaches this process twice: from the terminal (the whole process group) and relayed by npm.
      // Only a second press, a moment later, forces the exit.
      if (Date.now() - stoppingSince > 1_000) process.exit(130)
      return
    }
    stoppingSince = Date.now()
    console.log('\nStopping: telling everyone the room is closing...')
    // Goodbye on the network first, so the lobbies listing this server drop it at once.
    void Promise.resolve(advertiser?.stop())
      .then(() => server.close('shutdown'))
      .then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

// Run only when executed, not when a test imports parseHostArgs.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main()
