/**
 * Child processes for the benchmarks: servers and load generators each get their own process (and event loop),
 * talk to the orchestrator over the fork IPC channel with a tiny request/response protocol, and are always
 * killed when the orchestrator finishes, fails or is interrupted.
 */
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

interface Request {
  rpc: number
  method: string
  params: unknown
}

type Response = { rpc: number; ok: true; value: unknown } | { rpc: number; ok: false; error: string }

const live = new Set<ChildProcess>()

function killAll(): void {
  for (const child of live) child.kill('SIGKILL')
  live.clear()
}

// Whatever way the orchestrator ends, no server or generator outlives it.
process.once('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll()
    process.exit(130)
  })
}

export interface ChildOptions {
  /** Extra node flags, e.g. `--expose-gc`, `--cpu-prof`. */
  nodeFlags?: string[]
  env?: Record<string, string>
  /** Longest time any single call may take before the child is declared stuck (default 120 s). */
  callTimeoutMs?: number
}

/** A forked benchmark process that answers `call(method, params)`. */
export class Child {
  private nextRpc = 1
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >()
  private exited = false
  readonly process: ChildProcess

  private constructor(
    readonly name: string,
    script: string,
    args: string[],
    private readonly options: ChildOptions
  ) {
    this.process = fork(script, args, {
      execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    live.add(this.process)
    this.process.on('message', (message: Response) => {
      const entry = this.pending.get(message.rpc)
      if (entry === undefined) return
      this.pending.delete(message.rpc)
      clearTimeout(entry.timer)
      if (message.ok) entry.resolve(message.value)
      else entry.reject(new Error(`${this.name}: ${message.error}`))
    })
    this.process.on('exit', (code, signal) => {
      this.exited = true
      live.delete(this.process)
      for (const entry of this.pending.values()) {
        clearTimeout(entry.timer)
        entry.reject(new Error(`${this.name} exited (code ${code}, signal ${signal})`))
      }
      this.pending.clear()
    })
  }

  /** Forks `script` (a module URL or path) and waits for its `ready` answer. */
  static async start(name: string, script: string | URL, args: string[] = [], options: ChildOptions = {}) {
    const path = script instanceof URL ? fileURLToPath(script) : script
    const child = new Child(name, path, args, options)
    try {
      await child.call('ready')
    } catch (error) {
      child.kill()
      throw error
    }
    return child
  }

  call<T = unknown>(method: string, params: unknown = {}, timeoutMs = this.options.callTimeoutMs ?? 120_000) {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`))
    const rpc = this.nextRpc++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rpc)
        reject(new Error(`${this.name}: ${method} timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(rpc, { resolve: resolve as (value: unknown) => void, reject, timer })
      this.process.send({ rpc, method, params } satisfies Request)
    })
  }

  /** Asks the child to close what it opened and exit; kills it if it has not gone within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.exited) return
    const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()))
    this.call('close', {}, graceMs).catch(() => undefined)
    const timer = setTimeout(() => this.kill(), graceMs)
    await gone
    clearTimeout(timer)
  }

  kill(): void {
    if (!this.exited) this.process.kill('SIGKILL')
  }
}

/**
 * The child side: serves `handlers` over the IPC channel. `close` runs the handler (if any) then exits. The child
 * also exits when the orchestrator disappears or after `maxLifetimeMs`, so nothing is left behind.
 */
export function serveChild(
  handlers: Record<string, (params: never) => unknown>,
  maxLifetimeMs = 30 * 60_000
): void {
  if (process.send === undefined) throw new Error('this module runs as a forked benchmark child')
  const send = (response: Response): void => {
    if (process.connected) process.send!(response)
  }
  const lifetime = setTimeout(() => {
    console.error(`[bench child] lifetime of ${maxLifetimeMs} ms exceeded; exiting`)
    process.exit(3)
  }, maxLifetimeMs)
  lifetime.unref()
  process.on('disconnect', () => process.exit(0))
  process.on('message', (request: Request) => {
    void (async () => {
      try {
        const handler = handlers[request.method]
        if (request.method === 'ready' && handler === undefined)
          return send({ rpc: request.rpc, ok: true, value: null })
        if (handler === undefined && request.method !== 'close')
          throw new Error(`unknown method ${request.method}`)
        const value = handler === undefined ? null : await handler(request.params as never)
        send({ rpc: request.rpc, ok: true, value: value ?? null })
        if (request.method === 'close') setTimeout(() => process.exit(0), 20)
      } catch (error) {
        send({
          rpc: request.rpc,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error)
        })
        if (request.method === 'close') setTimeout(() => process.exit(1), 20)
      }
    })()
  })
}

/** CPU time used by this process between `start()` and `stop()`, as a share of one core (1.0 = one full core). */
export class CpuMeter {
  private startCpu = process.cpuUsage()
  private startWall = performance.now()

  start(): void {
    this.startCpu = process.cpuUsage()
    this.startWall = performance.now()
  }

  stop(): { cores: number; cpuMs: number; wallMs: number } {
    const used = process.cpuUsage(this.startCpu)
    const wallMs = performance.now() - this.startWall
    const cpuMs = (used.user + used.system) / 1000
    return { cores: cpuMs / wallMs, cpuMs, wallMs }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Busy CPU time of the whole machine (all processes, all cores) from /proc/stat, in milliseconds; 0 elsewhere. */
export function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]
    // cpu  user nice system idle iowait irq softirq steal ...: everything but idle and iowait is busy.
    const ticks = line.trim().split(/\s+/).slice(1).map(Number)
    const busy = ticks.reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0)
    return (busy * 1000) / CLOCK_TICKS
  } catch {
    return 0
  }
}

/** USER_HZ on Linux is 100 on every common architecture. */
const CLOCK_TICKS = 100
