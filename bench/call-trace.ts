/**
 * One call setup of N pages through Moim, traced: what bench 4 measures, but per page and per connection, with a
 * CPU profile of every page's main thread over the setup. For finding where the time between two milestones
 * goes (see bench/README.md, "Call setup").
 *
 *   npx tsx bench/call-trace.ts --peers=3 [--join=lobby|link] [--out=DIR]
 *   npx tsx bench/call-trace.ts --peers=3 --cpu=ROUNDS
 *
 * Prints each page's timeline (ms from the joiner's `room:join`): the bench's milestones, every signaling frame
 * with a description, each WebRTC call the app makes on its connections (start and end, so a call that waits for
 * the WebRTC thread shows), negotiationneeded, and the main thread's long tasks. Then the self time of the
 * busiest functions per page during the setup. Writes the .cpuprofile files (open them in DevTools) to DIR
 * (default bench/results/trace-<time>/, not committed).
 *
 * With --cpu: no trace, but the CPU each kind of process used during the setup, Moim against the mesh floor.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, CDPSession } from 'playwright-core'
import {
  KEEP_NAMES_SHIM,
  floorOnce,
  setupOnce,
  instrument,
  joinThroughLobby,
  readState,
  waitForJoin,
  waitForMesh,
  withServerAndBrowser
} from './browser'
import type { BenchWindow, JoinFrom, Opened } from './browser'
import { sleep } from './lib/proc'
import { median } from './lib/stats'
import { startServer } from './relay'

/** Installed after `instrument`: finer marks (names start with `~`, so bench 4's PHASES never match them). */
function traceMarks(): void {
  const now = (): number => performance.timeOrigin + performance.now()
  const state = (window as unknown as BenchWindow).__bench
  const mark = (name: string): void => void state.events.push({ name: `~${name}`, at: now() })
  const describe = (data: unknown): string | null => {
    if (typeof data !== 'string' || !data.includes('"signal"')) return null
    const type = /"description":\{"type":"(\w+)"/.exec(data)?.[1]
    if (type !== undefined) return type
    return data.includes('"candidate":null') ? 'end of candidates' : 'candidate'
  }
  const send = WebSocket.prototype.send
  const watched = new WeakSet<WebSocket>()
  WebSocket.prototype.send = function (
    this: WebSocket,
    data: string | ArrayBufferLike | Blob | ArrayBufferView
  ) {
    const what = describe(data)
    if (what !== null && what !== 'candidate') mark(`ws out: ${what}`)
    if (!watched.has(this)) {
      watched.add(this)
      this.addEventListener('message', (event: MessageEvent) => {
        const text = event.data
        const got = describe(text)
        if (got !== null && got !== 'candidate') mark(`ws in: ${got}`)
        else if (typeof text === 'string' && text.startsWith('42["peer:joined"')) mark('ws in: peer:joined')
      })
    }
    return send.call(this, data)
  }
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      state.events.push({
        name: `~long task ${Math.round(entry.duration)} ms (start)`,
        at: performance.timeOrigin + entry.startTime
      })
    }
  }).observe({ type: 'longtask', buffered: true })

  const Base = window.RTCPeerConnection
  let count = 0
  class Traced extends Base {
    readonly label: string
    constructor(configuration?: RTCConfiguration) {
      super(configuration)
      this.label = `pc${count++}`
      this.addEventListener('negotiationneeded', () => mark(`${this.label} negotiationneeded`))
      this.addEventListener('signalingstatechange', () =>
        mark(`${this.label} signaling ${this.signalingState}`)
      )
      this.addEventListener('icegatheringstatechange', () =>
        mark(`${this.label} gathering ${this.iceGatheringState}`)
      )
    }
    private async timed<T>(what: string, work: () => Promise<T>): Promise<T> {
      mark(`${this.label} ${what} start`)
      try {
        return await work()
      } finally {
        mark(`${this.label} ${what} done`)
      }
    }
    override setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      return this.timed(`SLD ${description?.type ?? '(implicit)'}`, () =>
        super.setLocalDescription(description)
      )
    }
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      return this.timed(`SRD ${description.type}`, () => super.setRemoteDescription(description))
    }
    override addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
      return super.addIceCandidate(candidate ?? undefined)
    }
    override addTrack(track: MediaStreamTrack, ...streams: MediaStream[]): RTCRtpSender {
      const start = now()
      const sender = super.addTrack(track, ...streams)
      mark(`${this.label} addTrack ${track.kind} took ${(now() - start).toFixed(1)} ms`)
      return sender
    }
    override addTransceiver(
      trackOrKind: MediaStreamTrack | string,
      init?: RTCRtpTransceiverInit
    ): RTCRtpTransceiver {
      const start = now()
      const transceiver = super.addTransceiver(trackOrKind, init)
      mark(`${this.label} addTransceiver took ${(now() - start).toFixed(1)} ms`)
      return transceiver
    }
  }
  window.RTCPeerConnection = Traced as typeof RTCPeerConnection
  const sender = RTCRtpSender.prototype
  const getParameters = sender.getParameters
  sender.getParameters = function (this: RTCRtpSender) {
    const start = now()
    const parameters = getParameters.call(this)
    mark(`getParameters took ${(now() - start).toFixed(1)} ms`)
    return parameters
  }
  const setParameters = sender.setParameters
  sender.setParameters = function (this: RTCRtpSender, ...args: Parameters<RTCRtpSender['setParameters']>) {
    mark('setParameters start')
    return setParameters.apply(this, args).finally(() => mark('setParameters done'))
  }
  const replaceTrack = sender.replaceTrack
  sender.replaceTrack = function (this: RTCRtpSender, track: MediaStreamTrack | null) {
    mark(`replaceTrack ${track?.kind ?? 'null'} start`)
    return replaceTrack.call(this, track).finally(() => mark('replaceTrack done'))
  }
}

interface Traced extends Opened {
  name: string
  cdp: CDPSession
}

async function openTraced(
  browser: Browser,
  url: string,
  room: string,
  name: string,
  joinFrom: JoinFrom
): Promise<Traced> {
  const context = await browser.newContext({ viewport: { width: 960, height: 540 } })
  try {
    await context.addInitScript(KEEP_NAMES_SHIM)
    await context.addInitScript(instrument)
    await context.addInitScript(traceMarks)
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
    const opened = { context, page, name, cdp }
    const lobby = name === 'joiner' && joinFrom === 'lobby'
    if (name === 'joiner' && !lobby) await cdp.send('Profiler.start')
    await page.goto(
      `${url}/?room=${encodeURIComponent(room)}${lobby ? '' : `&name=${encodeURIComponent(name)}`}`
    )
    if (lobby) {
      await joinThroughLobby(page, name, () => cdp.send('Profiler.start').then(() => undefined))
    }
    return opened
  } catch (error) {
    await context.close()
    throw error
  }
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** Self time (ms) over the whole profile: busy total, then the busiest functions. */
function selfTimes(profile: CpuProfile, top = 15): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]))
  const byName = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!
    const file = frame.url.split('/').at(-1) ?? ''
    const name = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`
    byName.set(name, (byName.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  const idle = byName.get('(idle)') ?? 0
  const span = (profile.endTime - profile.startTime) / 1000
  const lines = [...byName.entries()]
    .filter(([name]) => name !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => `  ${ms.toFixed(1).padStart(7)} ms  ${name}`)
  return `${Math.round(span - idle)} ms busy of ${Math.round(span)} ms profiled\n${lines.join('\n')}`
}

async function trace(peers: number, out: string, joinFrom: JoinFrom): Promise<void> {
  mkdirSync(out, { recursive: true })
  await withServerAndBrowser(async (url, browser) => {
    const pages: Traced[] = []
    const room = `trace-${peers}`
    try {
      for (let i = 0; i < peers - 1; i++)
        pages.push(await openTraced(browser, url, room, `early ${i}`, joinFrom))
      await waitForMesh(pages, peers - 2, 30_000)
      if (peers === 2) await waitForJoin(pages[0].page)
      // The early pages are profiled from just before the joiner arrives.
      for (const p of pages) await p.cdp.send('Profiler.start')
      pages.push(await openTraced(browser, url, room, 'joiner', joinFrom))
      const states = await waitForMesh(pages, peers - 1, 20_000)
      const t0 = states.at(-1)!.joinAt!
      const t1 = Math.max(...states.flatMap((s) => s.frames.map((f) => f.at)))
      console.log(`# ${peers} peers: full mesh ${Math.round(t1 - t0)} ms after the joiner's room:join\n`)
      for (const [i, p] of pages.entries()) {
        const { profile } = (await p.cdp.send('Profiler.stop')) as { profile: unknown }
        const file = join(out, `${p.name.replace(/\s+/g, '-')}.cpuprofile`)
        writeFileSync(file, JSON.stringify(profile))
        const state = await readState(p.page)
        console.log(`## ${p.name}`)
        for (const e of state.events.filter((e) => e.at >= t0 - 5 && e.at <= t1 + 5)) {
          console.log(`${String(Math.round(e.at - t0)).padStart(6)}  ${e.name}`)
        }
        console.log(`\n  main thread, ${p.name}: ${selfTimes(profile as CpuProfile)}`)
        console.log(i < pages.length - 1 ? '' : `\nprofiles in ${out}`)
      }
    } finally {
      await Promise.all(pages.map((p) => p.context.close().catch(() => undefined)))
    }
  })
}

/** CPU ms so far of every process descended from this one, by kind (Chromium's process types, the servers). */
function cpuByKind(): Map<string, number> {
  const parents = new Map<number, number>()
  const info = new Map<number, { kind: string; ms: number }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const pid = Number(entry)
      parents.set(pid, Number(fields[1]))
      // Chromium rewrites its children's command lines into one space-separated string.
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ')
      const type = /--type=(\S+)/.exec(cmdline)?.[1]
      const sub = /--utility-sub-type=(\S+)/.exec(cmdline)?.[1]
      const kind = /chrom/i.test(cmdline.split(' ')[0] ?? '')
        ? type === undefined
          ? 'browser'
          : type === 'utility'
            ? `utility ${sub?.split('.')[0] ?? ''}`
            : type
        : 'servers (node)'
      // utime + stime (fields 14, 15 of stat; `fields` starts at field 3), in clock ticks of 10 ms.
      info.set(pid, { kind, ms: (Number(fields[11]) + Number(fields[12])) * 10 })
    } catch {
      // The process exited while we were reading.
    }
  }
  const out = new Map<string, number>()
  for (const [pid, { kind, ms }] of info) {
    for (let p = parents.get(pid), hops = 0; p !== undefined && hops < 20; p = parents.get(p), hops++) {
      if (p === process.pid) {
        out.set(kind, (out.get(kind) ?? 0) + ms)
        break
      }
    }
  }
  return out
}

const sum = (cpu: Map<string, number>): number => [...cpu.values()].reduce((a, b) => a + b, 0)

/** Busy ms of the whole machine so far (all cores), from /proc/stat. */
function machineBusyMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/)
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number)
  return (user! + nice! + system! + irq! + softirq! + steal!) * 10
}

/**
 * `rounds` setups of `peers` pages through Moim and through the mesh floor, interleaved: the CPU every process
 * of the bench used from the last page's join until the full mesh was seen, by kind, and the rest of the
 * machine's meanwhile. On a machine this loaded, setup time follows the CPU work it needs.
 */
async function cpu(peers: number, rounds: number): Promise<void> {
  await withServerAndBrowser(async (url, browser) => {
    const { server: relayChild, port } = await startServer('mesh floor relay', { kind: 'ws' })
    try {
      const relay = `ws://127.0.0.1:${port}`
      const rows: Record<
        'moim' | 'floor',
        { wall: number; others: number; cpu: Map<string, number>; steady: Map<string, number> }[]
      > = {
        moim: [],
        floor: []
      }
      for (let round = 0; round < rounds; round++) {
        for (const what of round % 2 === 0 ? (['floor', 'moim'] as const) : (['moim', 'floor'] as const)) {
          let before = new Map<string, number>()
          let busyBefore = 0
          let wallBefore = 0
          let row: (typeof rows)['moim'][number] | undefined
          const hooks = {
            beforeJoin: () => {
              before = cpuByKind()
              busyBefore = machineBusyMs()
              wallBefore = performance.now()
            },
            meshed: async () => {
              const after = cpuByKind()
              const used = new Map([...after].map(([kind, ms]) => [kind, ms - (before.get(kind) ?? 0)]))
              const wall = performance.now() - wallBefore
              const others = machineBusyMs() - busyBefore - sum(used)
              // Then the call as it runs: its CPU per second once set up.
              await sleep(1_000)
              const steadyBefore = cpuByKind()
              const steadyWall = performance.now()
              await sleep(2_000)
              const seconds = (performance.now() - steadyWall) / 1000
              const steady = new Map(
                [...cpuByKind()].map(([kind, ms]) => [kind, (ms - (steadyBefore.get(kind) ?? 0)) / seconds])
              )
              row = { wall, others, cpu: used, steady }
            }
          }
          if (what === 'floor') await floorOnce(browser, url, relay, `cpu-floor-${round}`, peers, hooks)
          else await setupOnce(browser, url, `cpu-moim-${round}`, peers, 'lobby', hooks)
          if (row !== undefined) rows[what].push(row)
        }
      }
      const kinds = [...new Set([...rows.moim, ...rows.floor].flatMap((r) => [...r.cpu.keys()]))].sort()
      console.log(
        `# ${peers} pages, ${rounds} rounds: CPU ms from the last join to the full mesh (medians)\n`
      )
      console.log(`| | wall ms | ${kinds.join(' | ')} | all of the bench | rest of the machine |`)
      console.log(`| --- | --- | ${kinds.map(() => '---').join(' | ')} | --- | --- |`)
      for (const what of ['floor', 'moim'] as const) {
        const r = rows[what]
        const m = (f: (row: (typeof r)[number]) => number) => String(Math.round(median(r.map(f))))
        console.log(
          `| ${what} | ${m((x) => x.wall)} | ${kinds.map((k) => m((x) => x.cpu.get(k) ?? 0)).join(' | ')} | ${m((x) => sum(x.cpu))} | ${m((x) => x.others)} |`
        )
      }
      console.log(`\nThen, the call once up: CPU ms per second (medians)\n`)
      console.log(`| | ${kinds.join(' | ')} | all of the bench |`)
      console.log(`| --- | ${kinds.map(() => '---').join(' | ')} | --- |`)
      for (const what of ['floor', 'moim'] as const) {
        const r = rows[what]
        const m = (f: (row: (typeof r)[number]) => number) => String(Math.round(median(r.map(f))))
        console.log(
          `| ${what} | ${kinds.map((k) => m((x) => x.steady.get(k) ?? 0)).join(' | ')} | ${m((x) => sum(x.steady))} |`
        )
      }
    } finally {
      await relayChild.stop()
    }
  })
}

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const peers = Number(arg('peers') ?? 3)
const out = arg('out') ?? join('bench/results', `trace-${new Date().toISOString().replace(/[:.]/g, '-')}`)
const rounds = arg('cpu')
if (rounds !== undefined) await cpu(peers, Number(rounds))
else await trace(peers, out, arg('join') === 'link' ? 'link' : 'lobby')
