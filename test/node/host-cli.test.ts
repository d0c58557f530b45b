import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { Server as NetServer } from 'node:net'
import type { NetworkInterfaceInfo } from 'node:os'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { joinUrls, parseHostArgs } from '../../src/main/host-cli'
import { DEFAULT_SERVER_LIMITS } from '../../src/server/server'
import type { HostOptions } from '../../src/main/host-cli'
import { DEFAULT_PORT, LIMITS } from '../../src/shared/protocol'
import { closeAll, connect, upgradeStatus } from '../support/signaling'
import { HOST_SCRIPT, hostCommand } from '../support/host-command'

const WEB = '/srv/web'

describe('parseHostArgs', () => {
  const defaults = {
    port: DEFAULT_PORT,
    host: undefined,
    capacity: LIMITS.capacity,
    maxConnectionsPerAddress: DEFAULT_SERVER_LIMITS.connectionsPerAddress,
    maxRooms: DEFAULT_SERVER_LIMITS.rooms,
    webDir: WEB,
    logLevel: 'info',
    allowedOrigins: [],
    hostnames: [],
    redisUrl: undefined,
    advertise: undefined,
    resumeGraceMs: 30_000
  }

  it.each<[string, string[], Partial<HostOptions>]>([
    ['no flags give the defaults', [], {}],
    ['--port 0 asks for any free port', ['--port', '0'], { port: 0 }],
    ['--port=5000 form', ['--port=5000'], { port: 5000 }],
    ['--port 65535 is the highest port', ['--port', '65535'], { port: 65_535 }],
    ['--host sets the address', ['--host', '127.0.0.1'], { host: '127.0.0.1' }],
    ['--host takes IPv6', ['--host', '::1'], { host: '::1' }],
    ['--capacity 2 is the smallest room', ['--capacity', '2'], { capacity: 2 }],
    [
      `--capacity ${LIMITS.maxCapacity} is the largest room`,
      ['--capacity', `${LIMITS.maxCapacity}`],
      {
        capacity: LIMITS.maxCapacity
      }
    ],
    ['--web is resolved to an absolute path', ['--web', 'dist/web'], { webDir: resolve('dist/web') }],
    ['--log-level silent', ['--log-level', 'silent'], { logLevel: 'silent' }],
    [
      '--max-connections-per-address raises the per-address cap',
      ['--max-connections-per-address', '200'],
      { maxConnectionsPerAddress: 200 }
    ],
    ['--max-rooms sets the room cap', ['--max-rooms=20'], { maxRooms: 20 }],
    [
      '--redis joins a cluster',
      ['--redis', 'redis://127.0.0.1:6390'],
      { redisUrl: 'redis://127.0.0.1:6390' }
    ],
    [
      '--allow-origin, repeated, written as a browser sends Origin',
      [
        '--allow-origin',
        'https://Moim.Example.org/',
        '--allow-origin=http://10.0.0.5:80',
        '--allow-origin',
        'app://x'
      ],
      { allowedOrigins: ['https://moim.example.org', 'http://10.0.0.5', 'app://x'] }
    ],
    ['--resume-grace sets the grace window in seconds', ['--resume-grace', '90'], { resumeGraceMs: 90_000 }],
    ['--resume-grace 0 holds no seat', ['--resume-grace=0'], { resumeGraceMs: 0 }],
    ['--allow-origin * allows any website', ['--allow-origin', '*'], { allowedOrigins: '*' }],
    [
      '--allow-origin * wins over listed origins',
      ['--allow-origin', 'https://a.example', '--allow-origin', '*'],
      { allowedOrigins: '*' }
    ],
    [
      '--hostname, repeated, in canonical form',
      ['--hostname', 'Moim.Example.org.', '--hostname', 'fd00:0::20', '--hostname', '203.0.113.5'],
      { hostnames: ['moim.example.org', '[fd00::20]', '203.0.113.5'] }
    ],
    ['--advertise names the server after this machine', ['--advertise'], { advertise: 'build-box' }],
    [
      '--advertise-name names it (and turns advertising on)',
      ['--advertise-name', ' Minsu’s room '],
      { advertise: 'Minsu’s room' }
    ],
    [
      'all flags together',
      ['--port', '1', '--host', '0.0.0.0', '--capacity', '3'],
      {
        port: 1,
        host: '0.0.0.0',
        capacity: 3
      }
    ]
  ])('accepts: %s', (_label, argv, expected) => {
    expect(parseHostArgs(argv, WEB, {}, 'build-box.example.org')).toEqual({
      ok: true,
      options: { ...defaults, ...expected }
    })
  })

  it.each<[string, string[], RegExp]>([
    ['a port above 65535', ['--port', '65536'], /--port must be a whole number from 0 to 65535/],
    ['a negative port', ['--port=-1'], /--port/],
    ['a fractional port', ['--port', '80.5'], /--port/],
    ['a word as port', ['--port', 'http'], /--port .*"http"/],
    ['an empty port', ['--port='], /--port/],
    ['a hexadecimal port', ['--port', '0x50'], /--port/],
    ['an exponent port', ['--port', '1e3'], /--port/],
    ['a port with spaces', ['--port', ' 80 '], /--port/],
    ['a capacity of 1', ['--capacity', '1'], /--capacity must be a whole number from 2 to 16/],
    [`a capacity above ${LIMITS.maxCapacity}`, ['--capacity', '17'], /--capacity/],
    ['a word as capacity', ['--capacity', 'many'], /--capacity/],
    ['an empty host', ['--host='], /--host/],
    [
      'a Redis address that is not a redis:// URL',
      ['--redis', 'http://127.0.0.1:6379'],
      /--redis .*redis:\/\//
    ],
    [
      'no connections per address',
      ['--max-connections-per-address', '0'],
      /--max-connections-per-address must be a whole number from 1 to 100000, not "0"/
    ],
    ['a word as room cap', ['--max-rooms', 'lots'], /--max-rooms must be a whole number .*"lots"/],
    ['a room cap beyond the largest', ['--max-rooms', '100001'], /--max-rooms/],
    [
      'a grace window beyond ten minutes',
      ['--resume-grace', '601'],
      /--resume-grace must be a whole number of seconds from 0 to 600, not "601"/
    ],
    ['a fractional grace window', ['--resume-grace', '1.5'], /--resume-grace/],
    [
      'an unknown log level',
      ['--log-level', 'loud'],
      /--log-level must be one of debug, info, warn, error, silent/
    ],
    [
      'an origin without a scheme',
      ['--allow-origin', 'moim.example.org'],
      /--allow-origin must be an origin .*"moim.example.org"/
    ],
    ['an origin with a path', ['--allow-origin', 'https://moim.example.org/app'], /--allow-origin .*no path/],
    ['an origin with user info', ['--allow-origin', 'https://a@moim.example.org'], /--allow-origin/],
    ['an empty origin', ['--allow-origin='], /--allow-origin/],
    ['a host name ending in a number', ['--hostname', 'a.1'], /--hostname must be a host name .*"a.1"/],
    ['a host name with a port', ['--hostname', 'moim.example.org:80'], /--hostname/],
    ['a URL as host name', ['--hostname', 'http://moim.example.org'], /--hostname/],
    ['an empty host name', ['--hostname='], /--hostname/],
    ['an unknown flag', ['--prot', '80'], /--prot/],
    ['a positional argument', ['8080'], /8080/],
    ['a flag without its value', ['--port'], /--port/],
    [
      'an advertised name with control characters',
      ['--advertise-name', 'Evil\u0007'],
      /--advertise-name must be a name of 1 to 32 visible characters/
    ],
    ['an advertised name too long to list', ['--advertise-name', 'x'.repeat(33)], /--advertise-name/]
  ])('refuses %s with a message naming the problem', (_label, argv, message) => {
    const parsed = parseHostArgs(argv, WEB, {})
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.message).toMatch(message)
    expect(!parsed.ok && parsed.help).toBeFalsy()
  })

  it('takes the Redis address from MOIM_REDIS_URL, and --redis over it', () => {
    const env = { MOIM_REDIS_URL: 'redis://10.0.0.5:6379' }
    expect(parseHostArgs([], WEB, env)).toMatchObject({ ok: true, options: { redisUrl: env.MOIM_REDIS_URL } })
    expect(parseHostArgs(['--redis', 'redis://127.0.0.1:1'], WEB, env)).toMatchObject({
      ok: true,
      options: { redisUrl: 'redis://127.0.0.1:1' }
    })
  })

  it('answers --help with the usage text, marked as help', () => {
    const parsed = parseHostArgs(['--help'], WEB)
    expect(parsed).toMatchObject({
      ok: false,
      help: true,
      message: expect.stringContaining('Usage: npm run host')
    })
  })
})

describe('joinUrls', () => {
  const interfaces = {
    eth0: [
      { address: '192.168.1.20', family: 'IPv4', internal: false },
      { address: 'fe80::1c2b:3cff:fe4d:5e6f', family: 'IPv6', internal: false },
      { address: 'fd12::20', family: 'IPv6', internal: false }
    ],
    wlan0: [{ address: '169.254.10.2', family: 'IPv4', internal: false }]
  } as unknown as NodeJS.Dict<NetworkInterfaceInfo[]>

  it('leaves link-local addresses (with or without a zone) out of the URLs people are told to open', () => {
    const urls = joinUrls({ host: '::', port: 47100 }, [], interfaces)
    expect(urls).toEqual([
      'http://localhost:47100/',
      'http://192.168.1.20:47100/  (eth0)',
      'http://[fd12::20]:47100/  (eth0)'
    ])
    expect(urls.join(' ')).not.toMatch(/fe80|169\.254|%25/)
  })

  it('lists IPv4 only for 0.0.0.0, the bound address alone otherwise, and the given names last', () => {
    expect(joinUrls({ host: '0.0.0.0', port: 1 }, ['moim.example.org'], interfaces)).toEqual([
      'http://localhost:1/',
      'http://192.168.1.20:1/  (eth0)',
      'http://moim.example.org:1/'
    ])
    expect(joinUrls({ host: '127.0.0.1', port: 2 }, [], interfaces)).toEqual(['http://127.0.0.1:2/'])
  })
})

/** Runs the CLI the way `npm run host` does (the tsx binary), in its own process group like a terminal job. */
function runHost(args: string[]): {
  child: ChildProcess
  output: { stdout: string; stderr: string }
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
} {
  const [command, commandArgs] = hostCommand(args)
  const child = spawn(command, commandArgs, {
    cwd: resolve('.'),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  children.add(child)
  const output = { stdout: '', stderr: '' }
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal }))
  )
  return { child, output, exited }
}

/** Resolves when `read()` matches `pattern`, polling; rejects after `ms`. */
async function until(read: () => string, pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms
  for (;;) {
    const match = read().match(pattern)
    if (match) return match
    if (Date.now() > deadline) throw new Error(`output never matched ${pattern}: ${JSON.stringify(read())}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const children = new Set<ChildProcess>()
let blocker: NetServer | undefined

afterEach(async () => {
  await closeAll()
  for (const child of children) {
    // Kill the whole group (tsx and its node child) if a test left it running.
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
  children.clear()
  await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)))
  blocker = undefined
})

describe('npm run host', () => {
  it('is the command these tests run: the server in one process with its V8 flags, no wrapper relaying Ctrl-C', async () => {
    const manifest = JSON.parse(await readFile(resolve('package.json'), 'utf8')) as {
      scripts: { host: string }
    }
    expect(manifest.scripts.host).toBe(HOST_SCRIPT)
  })

  it('prints the URL it listens on, serves there, and exits 0 on Ctrl-C after telling clients', async () => {
    const host = runHost(['--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'])
    const [, url] = await until(() => host.output.stdout, /^ {2}(http:\/\/127\.0\.0\.1:\d+)\/$/m)
    const identity = (await (await fetch(`${url}/moim.json`)).json()) as unknown
    expect(identity).toEqual({ app: 'moim', protocol: 1, capacity: LIMITS.capacity, mode: 'single' })
    const client = await connect(url)

    process.kill(-(host.child.pid as number), 'SIGINT')

    expect(await client.inbox.waitFor('server:closing')).toEqual({ reason: 'shutdown' })
    expect(await host.exited).toEqual({ code: 0, signal: null })
    expect(host.output.stderr).toBe('')
  }, 30_000)

  it('closes cleanly when one Ctrl-C arrives twice (terminal and wrapper both deliver it)', async () => {
    const host = runHost(['--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'])
    const [, url] = await until(() => host.output.stdout, /^ {2}(http:\/\/127\.0\.0\.1:\d+)\/$/m)
    const client = await connect(url)

    process.kill(-(host.child.pid as number), 'SIGINT')
    process.kill(-(host.child.pid as number), 'SIGINT')

    expect(await client.inbox.waitFor('server:closing')).toEqual({ reason: 'shutdown' })
    expect(await host.exited).toEqual({ code: 0, signal: null })
  }, 30_000)

  it('reports a port in use in one line on stderr, without a stack trace, and exits 1', async () => {
    blocker = createServer()
    const port = await new Promise<number>((done) =>
      blocker?.listen(0, '127.0.0.1', () => done((blocker?.address() as { port: number }).port))
    )
    const host = runHost(['--port', String(port), '--host', '127.0.0.1'])

    expect(await host.exited).toEqual({ code: 1, signal: null })
    const lines = host.output.stderr.trimEnd().split('\n')
    expect(lines).toEqual([expect.stringContaining(`port ${port} is already in use`)])
    expect(host.output.stderr).not.toMatch(/\bat \S+ \(|Error:/)
    expect(host.output.stdout).not.toContain('http://')
  }, 30_000)

  it('lets only its own pages, the desktop app and native clients connect by default', async () => {
    const host = runHost(['--port', '0', '--host', '127.0.0.1', '--log-level', 'silent'])
    const [, url, port] = await until(() => host.output.stdout, /^ {2}(http:\/\/127\.0\.0\.1:(\d+))\/$/m)
    const from = (origin: string): Promise<number> =>
      upgradeStatus(Number(port), { Origin: origin, Host: `127.0.0.1:${port}` })
    expect(await from('http://anywhere.example')).toBe(400)
    expect(await from(url)).toBe(101)
    expect(await from('app://moim')).toBe(101)
    await expect(connect(url)).resolves.toMatchObject({ id: expect.any(String) })
    const probe = await fetch(`${url}/moim.json`, { headers: { Origin: 'http://anywhere.example' } })
    expect(probe.headers.get('access-control-allow-origin')).toBeNull()
  }, 30_000)

  it('lets --allow-origin pages and pages under a --hostname name connect', async () => {
    const host = runHost([
      ...['--port', '0', '--host', '127.0.0.1', '--log-level', 'silent'],
      ...['--allow-origin', 'https://app.example.org', '--hostname', 'moim.example.org']
    ])
    const [, port] = await until(() => host.output.stdout, /^ {2}http:\/\/127\.0\.0\.1:(\d+)\/$/m)
    expect(host.output.stdout).toContain(`http://moim.example.org:${port}/`)
    const upgrade = (origin: string, name: string): Promise<number> =>
      upgradeStatus(Number(port), { Origin: origin, Host: `${name}:${port}` })
    expect(await upgrade('https://app.example.org', '127.0.0.1')).toBe(101)
    expect(await upgrade(`http://moim.example.org:${port}`, 'moim.example.org')).toBe(101)
    expect(await upgrade(`http://other.example.org:${port}`, 'other.example.org')).toBe(400)
  }, 30_000)

  it('reports a bad flag in one line on stderr and exits 2', async () => {
    const host = runHost(['--port', 'http'])
    expect(await host.exited).toEqual({ code: 2, signal: null })
    expect(host.output.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^moim: --port .*"http"/)
    ])
  }, 30_000)
})
