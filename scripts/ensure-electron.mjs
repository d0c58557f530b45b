#!/usr/bin/env node
// @ts-check
/**
 * Makes sure Electron's binary is installed before electron-vite runs it (`prestart`, `predev`).
 *
 * Electron's npm package downloads its binary on first use, not at `npm install`, and electron-vite finds the
 * binary only through `node_modules/electron/path.txt`, which that download writes; without it electron-vite
 * stops with "Electron uninstall". So this runs Electron's own installer (which honours ELECTRON_MIRROR,
 * electron_config_cache, electron_use_remote_checksums and the rest) when the binary is missing, and when the
 * download fails prints one line saying what is missing and how to get it, then exits non-zero.
 *
 * Plain Node and the installed `electron` package only: it runs before anything is built.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'

const require = createRequire(import.meta.url)
// Not require('electron'): its index.js starts the same download itself, with a multi-line error.
const electronDir = dirname(require.resolve('electron/package.json'))
const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'))

/** The executable electron-vite would start, or null while path.txt or the binary it names is missing. */
function installedBinary() {
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8'))
  return existsSync(binary) ? binary : null
}

// electron-vite starts ELECTRON_EXEC_PATH instead of the package's binary when it is set.
if (process.env.ELECTRON_EXEC_PATH || installedBinary() !== null) process.exit(0)

const dist = relative(process.cwd(), join(electronDir, 'dist')) || 'dist'
const installer = relative(process.cwd(), join(electronDir, 'install.js'))
// The download takes a while (about 100 MB); on a terminal say so, then clear the notice either way.
const notice = process.stderr.isTTY
if (notice) process.stderr.write(`Fetching Electron ${version} (first run only)...`)
const run = spawnSync(process.execPath, [installer], {
  // The installer's own failure is a stack trace; keep its stderr to pick out the address and the reason.
  // Its debug log names the address it downloads from, which nothing else reports.
  stdio: ['ignore', 'inherit', 'pipe'],
  env: { ...process.env, DEBUG: '@electron/get:index', DEBUG_COLORS: '0' },
  encoding: 'utf8'
})
if (notice) process.stderr.write('\r\x1b[K')
if (run.status === 0 && installedBinary() !== null) process.exit(0)

const log = `${run.stderr ?? ''}${run.error ? `\n${run.error.message}` : ''}`
const url = [...log.matchAll(/Downloading (\S+) to /g)].at(-1)?.[1]
const errorLine = log
  .split('\n')
  .map((line) => line.trim())
  .find((line) => /^\w*Error\b/.test(line))
const reason =
  errorLine ??
  (run.status === 0
    ? `the installer wrote no ${dist}`
    : `the installer exited with ${run.status ?? run.signal}`)
console.error(
  `Electron ${version} is not installed (${dist} is missing) and could not be downloaded` +
    `${url ? ` from ${url}` : ''} (${reason}). Get it with network access to Electron's downloads, a mirror ` +
    `(ELECTRON_MIRROR=https://your.mirror/electron/) or a copy of Electron's download cache from a machine that ` +
    `has it (~/.cache/electron, or the folder in electron_config_cache), then run: node ${installer}`
)
process.exit(1)
