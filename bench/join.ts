/** Bench 2: a join storm, N clients joining R rooms at once, against each server. */
import type { Child } from './lib/proc'
import type { Summary } from './lib/stats'
import { startServerAndGenerator } from './relay'
import type { ServerConfig } from './relay'

export interface JoinRow {
  label: string
  clients: number
  rooms: number
  connectMs: number
  completeMs: number
  refused: number
  join: Summary
  full: Summary
  generatorCores: number
}

export async function joinStorm(config: ServerConfig, clients: number, rooms: number): Promise<JoinRow> {
  const children: Child[] = []
  try {
    const { gen, port } = await startServerAndGenerator(config, children)
    const result = await gen.call<Omit<JoinRow, 'label' | 'clients' | 'rooms'>>('joinStorm', {
      kind: config.kind,
      port,
      clients,
      rooms,
      prefix: 'storm-'
    })
    return { label: config.label, clients, rooms, ...result }
  } finally {
    await Promise.all(children.map((child) => child.stop()))
  }
}
