/** A real signaling server for a browser test, run in Node by the commands of test/support/moim-server-commands.ts. */
import { commands } from 'vitest/browser'
import { parseJoinAddress } from '../../../src/shared/join-address'
import type { JoinAddress } from '../../../src/shared/join-address'

declare module 'vitest/browser' {
  interface BrowserCommands {
    startMoimServer: (options?: ServerOptions) => Promise<{ id: string; url: string }>
    stopMoimServer: (id: string) => Promise<void>
    dropMoimClient: (id: string, socketId: string) => Promise<boolean>
  }
}

export interface ServerOptions {
  capacity?: number
  /** How long a dropped peer's seat is held for a resume (the server's default when absent). */
  resumeGraceMs?: number
}

export interface TestServer {
  address: JoinAddress
  /** Ends the server as a host stopping their room does (`server:closing`, then every client dropped). */
  close(): Promise<void>
  /**
   * Cuts one client's TCP connection from the server side, as a network drop would (the seat is held for a
   * resume); false if no socket has that id.
   */
  drop(socketId: string): Promise<boolean>
}

/** Starts a server on 127.0.0.1 port 0; close it in every test. */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const { id, url } = await commands.startMoimServer(options)
  const parsed = parseJoinAddress(url)
  if (!parsed.ok) throw new Error(parsed.message)
  return {
    address: parsed.value,
    close: () => commands.stopMoimServer(id),
    drop: (socketId) => commands.dropMoimClient(id, socketId)
  }
}
