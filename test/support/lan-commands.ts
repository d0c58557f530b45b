/**
 * Browser commands (run in Node) that give a browser test the main process's real LanDiscovery: advertisements are
 * announced through a record source (test/support/lan-fakes.ts) as multicast DNS would deliver them, checked and
 * verified against real servers on 127.0.0.1 (presented as a LAN interface), and the test page's stand-in bridge
 * reads the resulting list. Browser-side types: test/browser/components/lan.ts.
 */
import type { BrowserCommand } from 'vitest/node'
import { LanDiscovery } from '../../src/main/lan-discovery'
import type { LanServer } from '../../src/shared/ipc'
import { LOOPBACK_AS_LAN, recordSource, txt } from './lan-fakes'

let running: { discovery: LanDiscovery; records: ReturnType<typeof recordSource> } | undefined

const startLanDiscovery: BrowserCommand<[]> = async () => {
  await running?.discovery.stop()
  const records = recordSource()
  const discovery = new LanDiscovery({ source: records.source, interfaces: () => LOOPBACK_AS_LAN })
  discovery.start()
  running = { discovery, records }
}

const stopLanDiscovery: BrowserCommand<[]> = async () => {
  await running?.discovery.stop()
  running = undefined
}

/** Announces an instance whose TXT holds `fields`, at 127.0.0.1:`port`. */
const announceLan: BrowserCommand<[instance: string, port: number, fields: Record<string, string>]> = (
  _context,
  instance,
  port,
  fields
) => {
  running?.records.announce({ instance, port, addresses: ['127.0.0.1'], txt: txt(fields) })
}

const goodbyeLan: BrowserCommand<[instance: string]> = (_context, instance) => {
  running?.records.goodbye(instance)
}

const listLan: BrowserCommand<[], LanServer[]> = () => running?.discovery.list() ?? []

/** Registered in vitest.config.ts for the browser project. */
export const lanCommands = { startLanDiscovery, stopLanDiscovery, announceLan, goodbyeLan, listLan }
