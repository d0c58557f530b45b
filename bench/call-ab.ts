/**
 * Two builds of the web client, A and B, through bench 4's call setup in the same browser, interleaved run by run
 * (ABBA order) with the mesh floor: on a loaded shared machine a change to the call core is only visible as a
 * difference within one run like this. Prints the median milestone table of each build and of the floor.
 *
 *   npx electron-vite build && cp -r out/renderer /tmp/moim-a   # before the change
 *   npx electron-vite build && cp -r out/renderer /tmp/moim-b   # after it
 *   npx tsx bench/call-ab.ts --a=/tmp/moim-a --b=/tmp/moim-b --peers=3 --runs=6 [--join=lobby|link]
 */
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../vitest.config'
import { PHASES, floorOnce, medianPhases, setupOnce } from './browser'
import type { Child } from './lib/proc'
import { median } from './lib/stats'
import { startServer } from './relay'
import type { StartParams } from './servers/server-child'

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)

async function main(): Promise<void> {
  const dirs = { A: arg('a'), B: arg('b') }
  if (dirs.A === undefined || dirs.B === undefined)
    throw new Error('usage: --a=DIR --b=DIR [--peers=3] [--runs=6]')
  const peers = Number(arg('peers') ?? 3)
  const runs = Number(arg('runs') ?? 6)
  const joinFrom = arg('join') === 'link' ? 'link' : 'lobby'
  const children: Child[] = []
  let browser: Browser | undefined
  try {
    const start = async (label: string, params: StartParams): Promise<string> => {
      const { server, port } = await startServer(label, params)
      children.push(server)
      return String(port)
    }
    const urls = {
      A: `http://127.0.0.1:${await start('server A', { kind: 'moim', staticDir: dirs.A })}`,
      B: `http://127.0.0.1:${await start('server B', { kind: 'moim', staticDir: dirs.B })}`
    }
    const relay = `ws://127.0.0.1:${await start('relay', { kind: 'ws' })}`
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
    const totals: Record<'A' | 'B' | 'floor', number[]> = { A: [], B: [], floor: [] }
    const phases: Record<'A' | 'B', Record<string, number>[]> = { A: [], B: [] }
    for (let run = 0; run < runs; run++) {
      totals.floor.push(await floorOnce(browser, urls.A, relay, `floor-${run}`, peers))
      for (const variant of run % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
        try {
          const result = await setupOnce(browser, urls[variant], `ab-${variant}-${run}`, peers, joinFrom)
          totals[variant].push(result.total)
          phases[variant].push(result.phases)
        } catch (error) {
          console.error(`${variant} run ${run + 1}: ${String(error)}`)
        }
      }
      console.error(
        `run ${run + 1}/${runs}: A ${totals.A.at(-1)}, B ${totals.B.at(-1)}, floor ${totals.floor.at(-1)}`
      )
    }
    const round = (ms: number): string => String(Math.round(ms))
    console.log(
      `${peers} peers, ${runs} runs, joining from the ${joinFrom}; median ms from the joiner's room:join\n`
    )
    console.log(`| build | total | vs floor | ${PHASES.join(' | ')} |`)
    console.log(`| --- | --- | --- | ${PHASES.map(() => '---').join(' | ')} |`)
    const floor = median(totals.floor)
    for (const variant of ['A', 'B'] as const) {
      const table = medianPhases(phases[variant])
      const total = median(totals[variant])
      console.log(
        `| ${variant} | ${round(total)} | ${(total / floor).toFixed(2)}× | ${PHASES.map((p) => (table[p] === undefined ? '—' : round(table[p]))).join(' | ')} |`
      )
    }
    console.log(`| mesh floor | ${round(floor)} | 1.00× |${PHASES.map(() => ' ').join('|')}|`)
    console.log(
      `\nruns: A ${totals.A.map(round).join(', ')}; B ${totals.B.map(round).join(', ')}; floor ${totals.floor.map(round).join(', ')}`
    )
  } finally {
    await browser?.close().catch(() => undefined)
    for (const child of children) await child.stop()
  }
}

await main()
