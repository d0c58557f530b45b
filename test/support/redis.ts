/**
 * A real redis-server (Debian's `redis-server`, never a mock) for tests: started on a free loopback port with
 * persistence off, in its own process, and stopped (even when a test fails) by `stopRedis()` in `afterAll`.
 * `restart()` stops and starts it on the same port, as an operator restarting Redis mid-call would.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer, connect as tcpConnect } from 'node:net'

export const REDIS_SERVER_PATH = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server'

export interface TestRedis {
  port: number
  /** `redis://127.0.0.1:PORT` */
  url: string
  /** Kills redis-server (SIGKILL: everything in it is lost, as persistence is off) and starts it again. */
  restart(): Promise<void>
  /** Stops it (SIGKILL) without starting it again. */
  stop(): Promise<void>
  /** Starts it again after `stop()`. */
  start(): Promise<void>
}

const running = new Set<ChildProcess>()

/** A port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Resolves once redis-server answers PING on `port`; rejects after `ms`. */
async function untilReady(port: number, child: ChildProcess, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`)
    const answered = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1')
      socket.setTimeout(500, () => socket.destroy())
      socket.once('error', () => resolve(false))
      socket.once('close', () => resolve(false))
      socket.once('connect', () => socket.write('PING\r\n'))
      socket.once('data', (data) => {
        resolve(data.toString().startsWith('+PONG'))
        socket.destroy()
      })
    })
    if (answered) return
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function launch(port: number): ChildProcess {
  const child = spawn(
    REDIS_SERVER_PATH,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning'
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] }
  )
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGKILL')
  await gone
}

/** Starts a redis-server on a free loopback port; call `stopRedis()` in `afterAll`/`afterEach`. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort()
  let child: ChildProcess | undefined = launch(port)
  await untilReady(port, child)
  const redis: TestRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await kill(child)
      child = undefined
    },
    async start() {
      if (child !== undefined) return
      child = launch(port)
      await untilReady(port, child)
    },
    async restart() {
      await redis.stop()
      await redis.start()
    }
  }
  return redis
}

/** Kills every redis-server these helpers started. */
export async function stopRedis(): Promise<void> {
  await Promise.all([...running].map((child) => kill(child)))
}
