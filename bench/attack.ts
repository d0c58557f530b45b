/**
 * Bench 8: the slow-reader attack (100 connections from one address that stop reading while they keep sending
 * within their limits) against a Moim server in its own process, beside the same server and probe without the
 * attack. Reports the server's peak resident memory and the latency a well-behaved client sees meanwhile.
 */
import { peakRssBytes, slowReaderAttack } from './clients/slow-readers'
import type { SlowReaderResult } from './clients/slow-readers'
import { summarize } from './lib/stats'
import type { Summary } from './lib/stats'
import { startServer } from './relay'

export interface AttackRow {
  label: string
  /** The server's peak RSS (VmHWM) over its whole life, which the attack is part of. */
  peakRssBytes: number
  probe: Summary
  probeTimeouts: number
  /** Attacking connections the server still held after the attack and its heartbeat. */
  stillOpen: number
}

/**
 * Runs the slow-reader attack (or, with `attack: false`, only its probe) against a fresh Moim server in its own
 * process, with the server's defaults but room for the attack's connections and joins from one loopback address.
 * Resolves with what the probe saw and the server's peak resident memory.
 */
export async function attackFreshServer(options: {
  sockets: number
  durationMs: number
  attack: boolean
}): Promise<SlowReaderResult & { peakRssBytes: number }> {
  const limits = {
    connectionsPerAddress: options.sockets + 50,
    joinsPerAddress: { burst: options.sockets + 50, perSecond: 2 }
  }
  const { server, port, pid } = await startServer('attack server', { kind: 'moim', limits })
  try {
    const result = await slowReaderAttack({
      port,
      serverConnections: () => server.call<number>('connections'),
      ...options
    })
    return { ...result, peakRssBytes: await peakRssBytes(pid) }
  } finally {
    await server.stop()
  }
}

export async function slowReaders(options: { sockets: number; durationMs: number }): Promise<AttackRow[]> {
  const rows: AttackRow[] = []
  for (const attack of [false, true]) {
    const result = await attackFreshServer({ ...options, attack })
    rows.push({
      label: attack ? `${options.sockets} slow readers` : 'no attack',
      peakRssBytes: result.peakRssBytes,
      probe: summarize(result.probeMs),
      probeTimeouts: result.probeTimeouts,
      stillOpen: result.stillOpen
    })
  }
  return rows
}
