/**
 * Rooms on your network, over real multicast DNS between two machines: network namespaces joined by a veth pair
 * (test/support/netns.ts), so nothing reaches a real network. Machine A runs the advertisers (the desktop app's
 * HostingService with its LanAdvertiser, `npm run host --advertise`, and a hostile multicast-dns advertiser),
 * sharing port 5353 as they would with a system responder; machine B runs the real LanDiscovery with its defaults.
 * Each runs as its own process, started with `ip netns exec`, so each can be stopped or SIGKILLed.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LanServer } from '../../../src/shared/ipc'
import { canCreateNetns, createVirtualLan } from '../../support/netns'
import type { VirtualLan } from '../../support/netns'

const ROOT = resolve(import.meta.dirname, '../../..')
const script = (path: string): string[] => ['--import', 'tsx', resolve(ROOT, path)]

/** One process in a namespace, its stdout read as lines (JSON where it parses), each stamped on arrival. */
class Child {
  readonly lines: { at: number; text: string; json?: Record<string, unknown> }[] = []
  private waiters = new Set<() => void>()
  exited = false

  constructor(readonly process: ChildProcessWithoutNullStreams) {
    let rest = ''
    process.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n')
      rest = parts.pop() ?? ''
      for (const text of parts) {
        let json: Record<string, unknown> | undefined
        try {
          json = JSON.parse(text) as Record<string, unknown>
        } catch {
          json = undefined
        }
        this.lines.push({ at: Date.now(), text, json })
      }
      for (const waiter of this.waiters) waiter()
    })
    process.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (globalThis.process.env.MOIM_LOG_LEVEL === 'debug') globalThis.process.stderr.write(chunk)
    })
    process.on('exit', () => (this.exited = true))
  }

  /** The first line (from `from` on) for which `test` holds, waiting up to `timeoutMs`. */
  line(
    test: (line: Child['lines'][number]) => boolean,
    timeoutMs: number,
    from = 0
  ): Promise<Child['lines'][number]> {
    return new Promise((resolvePromise, reject) => {
      const look = (): boolean => {
        const found = this.lines.slice(from).find(test)
        if (found === undefined) return false
        clearTimeout(timer)
        this.waiters.delete(check)
        resolvePromise(found)
        return true
      }
      const check = (): void => void look()
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        reject(
          new Error(`no such line within ${timeoutMs} ms; got:\n${this.lines.map((l) => l.text).join('\n')}`)
        )
      }, timeoutMs)
      if (!look()) this.waiters.add(check)
    })
  }

  /** Stops the process by its id (SIGTERM, or SIGKILL), and resolves once it exited. */
  async end(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.exited) return
    const exited = new Promise((done) => this.process.once('exit', done))
    this.process.kill(signal)
    await exited
  }
}

/** The servers a browse line lists, or undefined for any other line. */
const serversOf = (line: Child['lines'][number]): LanServer[] | undefined =>
  line.json?.servers as LanServer[] | undefined

const hasServer = (test: (server: LanServer) => boolean) => (line: Child['lines'][number]) =>
  serversOf(line)?.some(test) ?? false
const lacksServer = (test: (server: LanServer) => boolean) => (line: Child['lines'][number]) =>
  serversOf(line) !== undefined && !serversOf(line)!.some(test)

const able = await canCreateNetns()

describe.skipIf(!able)('rooms on your network, between two network namespaces', () => {
  let lan: VirtualLan
  const children: Child[] = []

  const start = (machine: 'a' | 'b', args: string[]): Child => {
    const child = new Child(lan[machine].spawn(process.execPath, args, { NO_COLOR: '1' }))
    children.push(child)
    return child
  }

  beforeAll(async () => {
    lan = await createVirtualLan()
  })

  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.end('SIGKILL')))
  })

  afterAll(async () => {
    await lan?.close()
  })

  it('lists a hosting app and an `npm run host --advertise` server within 3 s, verified, and drops them within 10 s of a stop or a SIGKILL', async () => {
    const browse = start('b', script('test/support/lan/browse.ts'))
    await browse.line((line) => line.json?.ready === true, 20_000)

    const cli = start('a', [
      ...script('src/main/host-cli.ts'),
      '--port',
      '0',
      '--advertise-name',
      'Build server',
      '--web',
      '/nonexistent',
      '--log-level',
      'warn'
    ])
    const advertised = await cli.line(
      (line) => line.text.startsWith('Advertised on the local network'),
      20_000
    )
    const cliPort = Number(
      (await cli.line((line) => line.text.includes(`http://${lan.a.address}:`), 1_000)).text.match(
        /:(\d+)\//
      )?.[1]
    )
    const cliSeen = await browse.line(
      hasServer((s) => s.name === 'Build server'),
      10_000
    )
    const cliServer = serversOf(cliSeen)!.find((s) => s.name === 'Build server')
    expect(cliServer).toEqual({
      id: `${lan.a.address}:${cliPort}`,
      name: 'Build server',
      locked: false,
      address: lan.a.address,
      port: cliPort,
      display: `${lan.a.address}:${cliPort}`
    })

    const host = start('a', script('test/support/lan/host.ts'))
    const hosting = await host.line((line) => typeof line.json?.port === 'number', 20_000)
    const hostSeen = await browse.line(
      hasServer((s) => s.room === '회의'),
      10_000
    )
    expect(serversOf(hostSeen)!.find((s) => s.room === '회의')).toEqual({
      id: `${lan.a.address}:${hosting.json!.port}`,
      name: '민수',
      room: '회의',
      locked: true,
      address: lan.a.address,
      port: hosting.json!.port,
      display: `${lan.a.address}:${hosting.json!.port}`
    })

    // Stopped as an operator does (Ctrl-C): a goodbye on the network, then the server closes.
    const stoppedAt = Date.now()
    const fromStop = browse.lines.length
    await cli.end('SIGTERM')
    const cliGone = await browse.line(
      lacksServer((s) => s.name === 'Build server'),
      15_000,
      fromStop
    )
    // Killed: no goodbye; the next check of /moim.json finds nothing there.
    const killedAt = Date.now()
    const fromKill = browse.lines.length
    await host.end('SIGKILL')
    const hostGone = await browse.line(
      lacksServer((s) => s.room === '회의'),
      15_000,
      fromKill
    )

    const timings = {
      cliAppearsMs: cliSeen.at - advertised.at,
      hostAppearsMs: hostSeen.at - hosting.at,
      goneAfterStopMs: cliGone.at - stoppedAt,
      goneAfterKillMs: hostGone.at - killedAt
    }
    console.info('lan timings', timings)
    expect(timings.cliAppearsMs).toBeLessThanOrEqual(3_000)
    expect(timings.hostAppearsMs).toBeLessThanOrEqual(3_000)
    expect(timings.goneAfterStopMs).toBeLessThanOrEqual(10_000)
    expect(timings.goneAfterKillMs).toBeLessThanOrEqual(10_000)
  }, 90_000)

  it('ignores advertisements with control characters, a 10 KB record, addresses outside the network or no Moim server, and keeps an HTML name as text', async () => {
    const browse = start('b', script('test/support/lan/browse.ts'))
    await browse.line((line) => line.json?.ready === true, 20_000)
    const hostile = start('a', [...script('test/support/lan/hostile.ts'), lan.a.address, lan.a.remoteAddress])
    const { json } = await hostile.line((line) => typeof line.json?.moimPort === 'number', 20_000)
    const html = await browse.line(
      hasServer((s) => s.name.startsWith('<img')),
      10_000
    )
    // Every hostile advertisement has been announced several times (and checked) by now.
    await new Promise((done) => setTimeout(done, 4_000))
    const last = [...browse.lines].reverse().find((line) => serversOf(line) !== undefined)!
    expect(serversOf(last)).toEqual([
      {
        id: `${lan.a.address}:${json!.moimPort}`,
        name: '<img src=x onerror=alert(1)><b>',
        locked: false,
        address: lan.a.address,
        port: json!.moimPort,
        display: `${lan.a.address}:${json!.moimPort}`
      }
    ])
    // Nothing else was ever listed, not even for a moment.
    const everListed = new Set(
      browse.lines.flatMap((line) => serversOf(line) ?? []).map((server) => server.name)
    )
    expect([...everListed]).toEqual(['<img src=x onerror=alert(1)><b>'])
    expect(html).toBeDefined()
  }, 60_000)
})
