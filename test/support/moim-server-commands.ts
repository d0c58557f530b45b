/**
 * Browser commands (they run in Node, called from browser tests through `commands` of `vitest/browser`): a real
 * signaling server on 127.0.0.1 port 0 per test, and the two things a test does to it from outside, ending it
 * and cutting one client's transport as a network drop would. Browser-side types: test/browser/core/server.ts.
 */
import type { BrowserCommand } from 'vitest/node'
import { createSignalingServer } from '../../src/server/server'
import type { SignalingServer } from '../../src/server/server'
import { createLogger } from '../../src/shared/logger'
import type { Logger } from '../../src/shared/logger'

const servers = new Map<string, SignalingServer>()
/** Tests assert on behaviour, not on log lines; `MOIM_LOG_LEVEL=debug` shows the server's. */
const ignore = (): void => undefined
const quiet: Logger =
  process.env.MOIM_LOG_LEVEL === 'debug'
    ? createLogger('test-server')
    : { debug: ignore, info: ignore, warn: ignore, error: ignore }
let started = 0

const startMoimServer: BrowserCommand<
  [options?: { capacity?: number; resumeGraceMs?: number }],
  { id: string; url: string }
> = async (_context, options = {}) => {
  // The test page's origin (Vitest's own server, its port chosen at start-up) must be let in.
  const server = createSignalingServer({ ...options, allowedOrigins: '*', logger: quiet })
  const { port } = await server.listen(0, '127.0.0.1')
  started += 1
  const id = `server-${started}`
  servers.set(id, server)
  return { id, url: `http://127.0.0.1:${port}` }
}

const stopMoimServer: BrowserCommand<[id: string]> = async (_context, id) => {
  const server = servers.get(id)
  servers.delete(id)
  await server?.close('shutdown')
}

/** Destroys the client's TCP connection under its WebSocket: no close frame, as when a network drops. */
const dropMoimClient: BrowserCommand<[id: string, socketId: string], boolean> = (_context, id, socketId) => {
  const socket = servers.get(id)?.io.sockets.sockets.get(socketId)
  const transport = socket?.conn.transport as { socket?: { _socket?: { destroy(): void } } } | undefined
  transport?.socket?._socket?.destroy()
  return socket !== undefined
}

/** Registered in vitest.config.ts for the browser project. */
export const moimServerCommands = { startMoimServer, stopMoimServer, dropMoimClient }
