/**
 * The signaling server as it was at an earlier commit, so a run can measure a change against what it replaced on
 * the same machine at the same time. The files of src/main/signaling at `rev` are copied under
 * node_modules/.cache (so their package imports resolve) with imports of src/shared pointed at today's files.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../test/support/e2e'

/** Copies src/main/signaling at `rev` and returns the path of its server.ts. Throws if `rev` is unknown. */
export function prepareBaseline(rev: string): string {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' })
  const commit = git('rev-parse', '--verify', `${rev}^{commit}`).trim()
  const dir = join(ROOT, 'node_modules/.cache/moim-bench-baseline', commit)
  mkdirSync(dir, { recursive: true })
  const files = git('ls-tree', '--name-only', `${commit}:src/main/signaling`)
    .split('\n')
    .filter((name) => name.endsWith('.ts'))
  for (const name of files) {
    const source = git('show', `${commit}:src/main/signaling/${name}`)
    writeFileSync(join(dir, name), source.replaceAll("'../../shared/", `'${join(ROOT, 'src/shared')}/`))
  }
  return join(dir, 'server.ts')
}
