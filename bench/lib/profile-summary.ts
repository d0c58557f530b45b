/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package, so the report can
 * say where a server's time goes without opening DevTools.
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export interface ProfileShare {
  name: string
  share: number
}

/** `node_modules/<pkg>` (or `@scope/pkg`), `moim:<path>` for this repo, `node:internal`, or the V8 pseudo-frame. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return `(${functionName || 'native'})`
  const modules = url.lastIndexOf('node_modules/')
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/')
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
  }
  if (url.startsWith('node:')) return 'node (internal)'
  const src = url.indexOf('/src/')
  if (src >= 0) return `moim ${url.slice(src + 1)}`
  const bench = url.indexOf('/bench/')
  if (bench >= 0) return `bench ${url.slice(bench + 1)}`
  return url
}

/** Self-time shares (0..1) of the top functions and of every package, idle time excluded. */
export function summarizeProfile(
  path: string,
  top = 12
): { functions: ProfileShare[]; packages: ProfileShare[] } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfTime = new Map<number, number>()
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const functions = new Map<string, number>()
  const packages = new Map<string, number>()
  let total = 0
  for (const [id, time] of selfTime) {
    const frame = byId.get(id)!.callFrame
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') continue
    total += time
    const file = frame.url.split('/').slice(-2).join('/')
    const fn = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`
    functions.set(fn, (functions.get(fn) ?? 0) + time)
    const pkg = packageOf(frame.url, frame.functionName)
    packages.set(pkg, (packages.get(pkg) ?? 0) + time)
  }
  const rank = (map: Map<string, number>, n: number): ProfileShare[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, time]) => ({ name, share: time / total }))
  return { functions: rank(functions, top), packages: rank(packages, top) }
}
