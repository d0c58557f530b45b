/**
 * Summarises V8 heap snapshots (from `v8.writeHeapSnapshot()`): self size by constructor, and the difference
 * between two snapshots divided by a client count, so the report can say which objects each idle client costs.
 */
import { readFileSync } from 'node:fs'

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }
  nodes: number[]
  strings: string[]
}

/** Total self size and count per `type:name` (e.g. `object:Socket`, `closure:onMessage`, `string`). */
export function sizeByConstructor(path: string): Map<string, { size: number; count: number }> {
  const data = JSON.parse(readFileSync(path, 'utf8')) as Snapshot
  const fields = data.snapshot.meta.node_fields
  const types = data.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const totals = new Map<string, { size: number; count: number }>()
  for (let i = 0; i < data.nodes.length; i += width) {
    const type = types[data.nodes[i + typeAt]]
    // Strings and code are grouped by type only: their "names" are their contents.
    const name =
      type === 'object' || type === 'closure' ? `${type}:${data.strings[data.nodes[i + nameAt]]}` : type
    const entry = totals.get(name) ?? { size: 0, count: 0 }
    entry.size += data.nodes[i + sizeAt]
    entry.count++
    totals.set(name, entry)
  }
  return totals
}

export interface HeapGrowth {
  name: string
  bytesPerClient: number
  countPerClient: number
}

/** What grew between `before` and `after`, per client, largest first. */
export function heapGrowth(before: string, after: string, clients: number, top = 15): HeapGrowth[] {
  const a = sizeByConstructor(before)
  const b = sizeByConstructor(after)
  const rows: HeapGrowth[] = []
  for (const [name, entry] of b) {
    const old = a.get(name) ?? { size: 0, count: 0 }
    rows.push({
      name,
      bytesPerClient: (entry.size - old.size) / clients,
      countPerClient: (entry.count - old.count) / clients
    })
  }
  return rows.sort((x, y) => y.bytesPerClient - x.bytesPerClient).slice(0, top)
}
