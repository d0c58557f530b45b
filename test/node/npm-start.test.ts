import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

/**
 * `npm start` on a machine where Electron's binary has never been fetched: the real npm scripts, Electron's real
 * installer and the real electron-vite, in a copy of the project whose `electron` package is as npm installs it
 * (no dist/, no path.txt), fetching a stand-in Electron build from a mirror on loopback. The shared node_modules
 * is never written to: `electron` and `electron-vite` are copied (electron-vite finds Electron next to itself),
 * every other package is a symlink.
 */
const projectDir = fileURLToPath(new URL('../..', import.meta.url))
const sharedModules = realpathSync(join(projectDir, 'node_modules'))
const { version } = JSON.parse(readFileSync(join(sharedModules, 'electron/package.json'), 'utf8')) as {
  version: string
}
const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`

const temps: string[] = []
const servers: Server[] = []
const children: ChildProcess[] = []

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))))
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)))
  temps.push(dir)
  return dir
}

/** A copy of what `npm start` reads from the project, with a node_modules in which Electron is not yet fetched. */
function freshProject(): string {
  const dir = tempDir('moim-npm-start-')
  for (const entry of [
    'package.json',
    'electron.vite.config.ts',
    'tsconfig.json',
    'tsconfig.node.json',
    'tsconfig.web.json',
    'src',
    'resources',
    'scripts'
  ]) {
    cpSync(join(projectDir, entry), join(dir, entry), { recursive: true })
  }
  const modules = join(dir, 'node_modules')
  mkdirSync(join(modules, '.bin'), { recursive: true })
  for (const name of readdirSync(sharedModules)) {
    if (name.startsWith('.')) continue
    const from = join(sharedModules, name)
    if (name === 'electron' || name === 'electron-vite') {
      // Whatever another engineer may have fetched into the shared package stays behind.
      const fetched = [join(sharedModules, 'electron/dist'), join(sharedModules, 'electron/path.txt')]
      cpSync(from, join(modules, name), { recursive: true, filter: (src) => !fetched.includes(src) })
    } else {
      symlinkSync(from, join(modules, name))
    }
  }
  // The same relative links as npm's, so electron-vite's resolves to the copy.
  for (const bin of readdirSync(join(sharedModules, '.bin'))) {
    symlinkSync(readlinkSync(join(sharedModules, '.bin', bin)), join(modules, '.bin', bin))
  }
  return dir
}

/**
 * A zip laid out like Electron's release zip for this platform, whose `electron` is a Node script that records
 * how it was started (arguments, working directory, and the app entry Electron would load from them) and exits 0.
 */
function standInZip(record: string): Buffer {
  const dir = tempDir('moim-stand-in-')
  const executable = join(dir, 'electron')
  writeFileSync(
    executable,
    [
      '#!/usr/bin/env node',
      "const { existsSync, readFileSync, writeFileSync } = require('node:fs')",
      "const { resolve } = require('node:path')",
      'const app = resolve(process.argv[2])',
      "const main = resolve(app, JSON.parse(readFileSync(resolve(app, 'package.json'), 'utf8')).main)",
      'const started = { argv: process.argv.slice(2), cwd: process.cwd(), main, mainExists: existsSync(main) }',
      `writeFileSync(${JSON.stringify(record)}, JSON.stringify(started))`,
      ''
    ].join('\n')
  )
  chmodSync(executable, 0o755)
  writeFileSync(join(dir, 'version'), `v${version}`)
  execFileSync('zip', ['-q', '-X', 'stand-in.zip', 'electron', 'version'], { cwd: dir })
  return readFileSync(join(dir, 'stand-in.zip'))
}

/** A loopback HTTP server laid out like Electron's releases (`${mirror}v${version}/${file}`); records requests. */
async function serveMirror(
  files: Record<string, Buffer | string>
): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(req.url ?? '')
    const body = files[req.url ?? '']
    res.writeHead(body === undefined ? 404 : 200).end(body)
  })
  servers.push(server)
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests }
}

/** An address on loopback where nothing listens: a port that was just free. */
async function unreachableMirror(): Promise<string> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  await new Promise((done) => server.close(done))
  return `http://127.0.0.1:${port}/`
}

/** The environment of a fresh shell: none of this run's npm or Electron settings leak into the child. */
function freshEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|electron_|debug$)/i.test(key))
  )
  return { ...env, ...extra }
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv
): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', fail)
    child.on('close', (code) => done({ code, output }))
  })
}

// The stand-in is laid out as Electron's Linux zip is (macOS wants an Electron.app bundle, Windows an .exe).
describe.skipIf(process.platform !== 'linux')('npm start on a fresh install', { timeout: 120_000 }, () => {
  it('builds, fetches Electron through its own installer from ELECTRON_MIRROR and launches it with the built main', async () => {
    const project = freshProject()
    const record = join(tempDir('moim-record-'), 'started.json')
    const cache = tempDir('moim-electron-cache-')
    const zip = standInZip(record)
    const sha256 = createHash('sha256').update(zip).digest('hex')
    const mirror = await serveMirror({
      [`/v${version}/${zipName}`]: zip,
      [`/v${version}/SHASUMS256.txt`]: `${sha256} *${zipName}\n`
    })
    const env = freshEnv({
      ELECTRON_MIRROR: mirror.url,
      // The stand-in is not the build whose checksum the package ships: check it against the mirror's list.
      electron_use_remote_checksums: '1',
      electron_config_cache: cache
    })
    const electronDir = join(project, 'node_modules/electron')
    expect(existsSync(join(electronDir, 'path.txt'))).toBe(false)

    const start = await run('npm', ['start'], project, env)

    expect(start.code, start.output).toBe(0)
    expect(existsSync(join(project, 'out/main/index.js'))).toBe(true)
    expect(existsSync(join(project, 'out/preload/index.cjs'))).toBe(true)
    expect(existsSync(join(project, 'out/renderer/index.html'))).toBe(true)
    expect(mirror.requests).toEqual([`/v${version}/${zipName}`, `/v${version}/SHASUMS256.txt`])
    expect(readFileSync(join(electronDir, 'path.txt'), 'utf8')).toBe('electron')
    expect(readFileSync(join(electronDir, 'dist/version'), 'utf8')).toBe(`v${version}`)
    expect(readdirSync(cache, { recursive: true })).toContainEqual(expect.stringContaining(zipName))
    // electron-vite starts Electron with the project as the app, which loads package.json's main: out/main.
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({
      argv: ['.'],
      cwd: project,
      main: join(project, 'out/main/index.js'),
      mainExists: true
    })

    // Once fetched, nothing is fetched again.
    const again = await run('node', ['scripts/ensure-electron.mjs'], project, env)
    expect(again).toEqual({ code: 0, output: '' })
    expect(mirror.requests).toHaveLength(2)
  })

  it('prints one line saying what is missing and how to get it when the download cannot be reached', async () => {
    const project = freshProject()
    const mirror = await unreachableMirror()
    const env = freshEnv({ ELECTRON_MIRROR: mirror, electron_config_cache: tempDir('moim-electron-cache-') })

    // --silent: without npm's own "> moim@0.1.0 prestart" banner and "npm error" lines, all that is left is
    // what the project prints.
    const start = await run('npm', ['start', '--silent'], project, env)

    expect(start.code).not.toBe(0)
    const lines = start.output.trimEnd().split('\n')
    expect(lines, start.output).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^Electron ${version.replace(/\./g, '\\.')} is not installed`))
    expect(lines[0]).toContain(`could not be downloaded from ${mirror}v${version}/${zipName}`)
    expect(lines[0]).toContain('ELECTRON_MIRROR=')
    expect(lines[0]).toMatch(/then run: node node_modules\/electron\/install\.js$/)
    // It stopped before electron-vite: nothing built, nothing installed.
    expect(existsSync(join(project, 'out'))).toBe(false)
    expect(existsSync(join(project, 'node_modules/electron/path.txt'))).toBe(false)
  })

  it('says which address answered what when the mirror does not have this build', async () => {
    const project = freshProject()
    const mirror = await serveMirror({})
    const env = freshEnv({
      ELECTRON_MIRROR: mirror.url,
      electron_config_cache: tempDir('moim-electron-cache-')
    })

    const start = await run('npm', ['start', '--silent'], project, env)

    expect(start.code).not.toBe(0)
    const lines = start.output.trimEnd().split('\n')
    expect(lines, start.output).toHaveLength(1)
    expect(lines[0]).toContain(
      `could not be downloaded from ${mirror.url}v${version}/${zipName} (HTTPError: `
    )
    expect(lines[0]).toContain('404')
    expect(mirror.requests).toEqual([`/v${version}/${zipName}`])
  })
})
