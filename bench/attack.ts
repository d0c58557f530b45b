/**
 * Bench 8: the slow-reader attack (100 connections from one address that stop reading while they keep sending
 * within their limits) against a Moim server in its own process, beside the same server and probe without the
 * attack. Reports the server's peak resident memory and the latency a well-behaved client sees meanwhile.
 */
import { peakRssBytes, slowReaderAttack } from './clients/slow-readers'
import { Child } from './lib/proc'
import { summarize } from './lib/stats'
import type { Summary } from './lib/stats'
import { SERVER_URL } from './relay'

export interface AttackRow {
  label: string
  /** The server's peak RSS (VmHWM) over its whole life, which the attack is part of. */
  peakRssBytes: number
  probe: Summary
  probeTimeouts: number
  /** Attacking connections the server still held after the attack and its heartbeat. */
  stillOpen: number
}

export async function slowReaders(options: { sockets: number; durationMs: number }): Promise<AttackRow[]> {
  const rows: AttackRow[] = []
  for (const attack of [false, true]) {
    const server = await Child.start('attack server', SERVER_URL)
    try {
      // The server's defaults, with room for the attack's connections and joins from one loopback address.
      const limits = {
        connectionsPerAddress: options.sockets + 50,
        joinsPerAddress: { burst: options.sockets + 50, perSecond: 2 }
      }
      const { port, pid } = await server.call<{ port: number; pid: number }>('start', {
        kind: 'moim',
        limits
      })
      const result = await slowReaderAttack({
        port,
        serverConnections: () => server.call<number>('connections'),
        sockets: options.sockets,
        durationMs: options.durationMs,
        attack
      })
      rows.push({
        label: attack ? `${options.sockets} slow readers` : 'no attack',
        peakRssBytes: await peakRssBytes(pid),
        probe: summarize(result.probeMs),
        probeTimeouts: result.probeTimeouts,
        stillOpen: result.stillOpen
      })
    } finally {
      await server.stop()
    }
  }
  return rows
}
