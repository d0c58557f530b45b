/**
 * The signaling server as it was at an earlier commit, so a run can measure a change against what it replaced on
 * the same machine at the same time. The files of src/main/signaling at `rev` are copied under
 * node_modules/.cache (so their package imports resolve) with imports of src/shared pointed at today's files.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
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

/**
 * The current signaling server with a proposed patch applied (e.g. bench/proposals/*.patch), in the same kind of
 * copy, so a proposal can be measured before anyone applies it. Null when the patch no longer applies.
 */
export function prepareProposal(patch: string): string | null {
  const name = patch
    .split('/')
    .at(-1)!
    .replace(/\.patch$/, '')
  const dir = join(ROOT, 'node_modules/.cache/moim-bench-proposal', name)
  mkdirSync(dir, { recursive: true })
  const source = join(ROOT, 'src/main/signaling')
  for (const file of readdirSync(source).filter((f) => f.endsWith('.ts'))) {
    writeFileSync(join(dir, file), readFileSync(join(source, file), 'utf8'))
  }
  try {
    execFileSync('patch', ['--silent', '--forward', '-p4', '-d', dir, '-i', join(ROOT, patch)], {
      stdio: 'pipe'
    })
  } catch {
    return null
  }
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8')
    writeFileSync(join(dir, file), text.replaceAll("'../../shared/", `'${join(ROOT, 'src/shared')}/`))
  }
  return join(dir, 'server.ts')
}
