/**
 * The desktop bridge's `lan` section for browser tests, fed by the main process's real LanDiscovery running in
 * Node (test/support/lan-commands.ts). The page cannot be pushed to, so `onChanged` polls the list, as often as a
 * person would notice.
 */
import { commands } from 'vitest/browser'
import type { LanServer, MoimBridge } from '../../../src/shared/ipc'

declare module 'vitest/browser' {
  interface BrowserCommands {
    startLanDiscovery: () => Promise<void>
    stopLanDiscovery: () => Promise<void>
    announceLan: (instance: string, port: number, fields: Record<string, string>) => Promise<void>
    goodbyeLan: (instance: string) => Promise<void>
    listLan: () => Promise<LanServer[]>
  }
}

export const lanBridge: MoimBridge['lan'] = {
  list: async () => ({ ok: true, value: await commands.listLan() }),
  onChanged(listener) {
    let last = '[]'
    let stopped = false
    const poll = async (): Promise<void> => {
      while (!stopped) {
        const servers = await commands.listLan()
        const key = JSON.stringify(servers)
        if (!stopped && key !== last) {
          last = key
          listener(servers)
        }
        await new Promise((done) => setTimeout(done, 100))
      }
    }
    void poll()
    return () => {
      stopped = true
    }
  }
}
