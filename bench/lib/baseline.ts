/**
 * The signaling server as it was at an earlier commit, so a run can measure a change against what it replaced on
 * the same machine at the same time. The server's files at `rev` (src/server, or src/main/signaling before the
 * move) are copied under node_modules/.cache (so their package imports resolve) with imports of src/shared
 * pointed at today's files.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../test/support/e2e'

/** Copies the server at `rev` and returns the path of its server.ts. Throws if `rev` is unknown. */
export function prepareBaseline(rev: string): string {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' })
  const commit = git('rev-parse', '--verify', `${rev}^{commit}`).trim()
  const dir = join(ROOT, 'node_modules/.cache/moim-bench-baseline', commit)
  mkdirSync(dir, { recursive: true })
  // The server moved from src/main/signaling to src/server; a baseline may predate the move.
  const layout = git('ls-tree', '--name-only', commit, 'src/server').trim()
    ? { dir: 'src/server', shared: "'../shared/" }
    : { dir: 'src/main/signaling', shared: "'../../shared/" }
  const files = git('ls-tree', '--name-only', `${commit}:${layout.dir}`)
    .split('\n')
    .filter((name) => name.endsWith('.ts'))
  for (const name of files) {
    const source = git('show', `${commit}:${layout.dir}/${name}`)
    writeFileSync(join(dir, name), source.replaceAll(layout.shared, `'${join(ROOT, 'src/shared')}/`))
  }
  return join(dir, 'server.ts')
}
