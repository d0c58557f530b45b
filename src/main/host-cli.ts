/**
 * `npm run host [-- --port P --host ADDR --capacity N]`: runs the signaling server without Electron and serves the
 * built web client, so browsers on the network can join. Stops cleanly on Ctrl-C.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createLogger, setLogLevel } from '../shared/logger'
import type { LogLevel } from '../shared/logger'
import { DEFAULT_PORT, LIMITS } from '../shared/protocol'
import { httpUrl, listNetworkAddresses } from './network-addresses'
import { createSignalingServer, DEFAULT_SERVER_LIMITS } from './signaling/server'

const log = createLogger('host')

/** The largest value the limit flags take: beyond it a limit stops protecting anything. */
const MAX_FLAG = 100_000

const USAGE = `Usage: npm run host -- [--port P] [--host ADDR] [--capacity N] [--web DIR] [--log-level LEVEL]
  --port P        TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR     address to listen on (default: every interface)
  --capacity N    people per room, 2-${LIMITS.maxCapacity} (default ${LIMITS.capacity})
  --max-connections-per-address N
                  connections one client address may hold, 1-${MAX_FLAG} (default ${DEFAULT_SERVER_LIMITS.connectionsPerAddress})
  --max-rooms N   rooms the server holds at once, 1-${MAX_FLAG} (default ${DEFAULT_SERVER_LIMITS.rooms})
  --web DIR       web client to serve (default: out/renderer, built by \`npm run build\`)
  --log-level L   debug | info | warn | error | silent (default info)`

export interface HostOptions {
  port: number
  host: string | undefined
  capacity: number
  maxConnectionsPerAddress: number
  maxRooms: number
  webDir: string
  logLevel: LogLevel
}

/** Whole decimal numbers only: `Number()` would also take "", " 80 ", "0x50" and "1e3". */
const WHOLE_NUMBER = /^\d{1,6}$/

/**
 * Parses the CLI flags; returns an error message for anything it cannot use. `--help` is reported as
 * `{ ok: false, help: true, message: USAGE }` so the caller can print it and exit successfully.
 */
export function parseHostArgs(
  argv: string[],
  defaultWebDir: string
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
  if (values.host !== undefined && values.host.trim() === '') {
    return { ok: false, message: '--host must be an address such as 127.0.0.1, 0.0.0.0 or ::' }
  }
  const levels: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent']
  const logLevel = (values['log-level'] ?? 'info') as LogLevel
  if (!levels.includes(logLevel)) {
    return { ok: false, message: `--log-level must be one of ${levels.join(', ')}` }
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
      logLevel
    }
  }
}

/** The value as a whole number, or -1 when it is not one. */
function parseWhole(value: string): number {
  return WHOLE_NUMBER.test(value) ? Number(value) : -1
}

async function main(): Promise<void> {
  const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
  const parsed = parseHostArgs(process.argv.slice(2), join(projectRoot, 'out/renderer'))
  if (!parsed.ok) {
    if (parsed.help) {
      console.log(parsed.message)
      process.exit(0)
    }
    console.error(`moim: ${parsed.message} (see --help)`)
    process.exit(2)
  }
  const { port, host, capacity, maxConnectionsPerAddress, maxRooms, webDir, logLevel } = parsed.options
  setLogLevel(logLevel)
  const webClientBuilt = existsSync(join(webDir, 'index.html'))

  const server = createSignalingServer({
    capacity,
    staticDir: webClientBuilt ? webDir : undefined,
    limits: { connectionsPerAddress: maxConnectionsPerAddress, rooms: maxRooms }
  })
  let bound
  try {
    bound = await server.listen(port, host)
  } catch (error) {
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
  const wildcard = bound.host === '::' || bound.host === '0.0.0.0'
  const urls = wildcard
    ? [
        httpUrl('localhost', bound.port),
        ...listNetworkAddresses()
          .filter((entry) => bound.host === '::' || entry.family === 'IPv4')
          .map((entry) => `${httpUrl(entry.address, bound.port)}  (${entry.interface})`)
      ]
    : [httpUrl(bound.host, bound.port)]
  console.log(`Moim server running (rooms of up to ${capacity}). Join at:`)
  for (const url of urls) console.log(`  ${url}`)
  console.log('Press Ctrl-C to stop.')

  let stoppingSince: number | undefined
  const stop = (): void => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C reaches this process twice: from the terminal (the whole process group) and relayed by the
      // tsx/npm wrappers. Only a second press, a moment later, forces the exit.
      if (Date.now() - stoppingSince > 1_000) process.exit(130)
      return
    }
    stoppingSince = Date.now()
    console.log('\nStopping: telling everyone the room is closing...')
    void server.close('shutdown').then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

// Run only when executed, not when a test imports parseHostArgs.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main()
