/**
 * The real preload, run against the real main process: only the `electron` module is replaced
 * (test/support/electron-fake.ts), whose `ipcRenderer.invoke` calls the handlers src/main/index.ts registered, as
 * the app's window. So `window.moim.x(...)` goes preload -> IPC -> main's sender check and validation -> the real
 * service, and main's events come back through `webContents.send` to the preload's subscribers.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MoimBridge } from '../../../src/shared/ipc'
import type { FakeBrowserWindow } from '../../support/electron-fake'

const electron = await vi.hoisted(async () =>
  (await import('../../support/electron-fake')).createElectronFake()
)
vi.mock('electron', () => electron.module)
// The main process browses and advertises on the network: here, outside a network namespace, through inert
// stand-ins (real multicast is tested in lan-discovery.test.ts, between namespaces).
const network = await vi.hoisted(async () => (await import('../../support/lan-fakes')).networkLibraries)
vi.mock('@homebridge/ciao', () => network.ciao())
vi.mock('multicast-dns', () => network.multicastDns())

const APP = 'app://moim/index.html'

let userData: string
let window: FakeBrowserWindow
let moim: MoimBridge

beforeEach(async () => {
  vi.resetModules()
  electron.reset()
  userData = await mkdtemp(join(tmpdir(), 'moim-preload-'))
  electron.userData = userData
  // A fresh module graph brings a fresh logger; keep it as quiet as test/support/quiet-logs.ts made the first.
  const { setLogLevel } = await import('../../../src/shared/logger')
  setLogLevel(process.env.MOIM_LOG_LEVEL === 'debug' ? 'debug' : 'silent')
  await import('../../../src/main/index')
  electron.ready()
  await vi.waitFor(() => expect(electron.windows).toHaveLength(1))
  window = electron.windows[0]
  await import('../../../src/preload/index')
  moim = electron.mainWorld.moim as MoimBridge
})

afterEach(async () => {
  await moim.host.stop()
  await rm(userData, { recursive: true, force: true })
})

describe('preload bridge', () => {
  it('exposes only window.moim, marked as the app, with no raw ipcRenderer', () => {
    expect(Object.keys(electron.mainWorld)).toEqual(['moim'])
    expect(moim.isMoimApp).toBe(true)
    expect(moim.os).toBe(process.platform)
    expect(Object.keys(moim).sort()).toEqual([
      'host',
      'invite',
      'isMoimApp',
      'lan',
      'os',
      'recent',
      'screen',
      'shell'
    ])
    const methods = Object.values(moim).flatMap((group) =>
      typeof group === 'object' ? Object.keys(group as object) : []
    )
    expect(methods.join(' ')).not.toMatch(/ipc|send|invoke/i)
  })

  it('remembers recent hosts in the user-data folder, newest first, and forgets one', async () => {
    expect(await moim.recent.list()).toEqual({ ok: true, value: [] })
    await moim.recent.add({ address: '192.168.1.20' })
    const added = await moim.recent.add({ address: 'moim://10.0.0.2:5000/team' })
    expect(added).toMatchObject({
      ok: true,
      value: [{ address: '10.0.0.2:5000', room: 'team' }, { address: '192.168.1.20:47100' }]
    })
    const onDisk = JSON.parse(await readFile(join(userData, 'recent-hosts.json'), 'utf8'))
    expect(onDisk.map((entry: { address: string }) => entry.address)).toEqual([
      '10.0.0.2:5000',
      '192.168.1.20:47100'
    ])
    expect(await moim.recent.remove('10.0.0.2:5000')).toMatchObject({
      ok: true,
      value: [{ address: '192.168.1.20:47100' }]
    })
    expect(await moim.recent.list()).toMatchObject({ ok: true, value: [{ address: '192.168.1.20:47100' }] })
  })

  it('reports that nothing is hosted', async () => {
    expect(await moim.host.status()).toEqual({ ok: true, value: { running: false } })
    expect(await moim.host.stop()).toMatchObject({ ok: false, code: 'not-hosting' })
  })

  it.each([
    ['recent.add with a number', () => moim.recent.add({ address: 42 as never })],
    ['recent.add with a huge address', () => moim.recent.add({ address: 'a'.repeat(1_000_000) })],
    ['recent.add with an ftp address', () => moim.recent.add({ address: 'ftp://10.0.0.1' })],
    [
      'recent.add with a __proto__ key',
      () => moim.recent.add(JSON.parse('{"address":"10.0.0.2","__proto__":{"polluted":true}}'))
    ],
    ['recent.remove with null', () => moim.recent.remove(null as never)],
    ['host.start with an empty name', () => moim.host.start({ name: '', room: 'team' })],
    ['host.start with a huge room', () => moim.host.start({ name: 'Ann', room: 'r'.repeat(100_000) })],
    [
      'host.start with an extra field',
      () => moim.host.start({ name: 'Ann', room: 'team', admin: true } as never)
    ],
    ['shell.openExternal with file:', () => moim.shell.openExternal('file:///etc/passwd')],
    ['shell.openExternal with javascript:', () => moim.shell.openExternal('javascript:alert(1)')],
    [
      'screen.choose with a numeric source',
      () => moim.screen.choose({ requestId: 'r', sourceId: 5 as never })
    ]
  ])('refuses %s with a typed invalid result, changing nothing', async (_name, call) => {
    const result = await call()
    expect(result).toMatchObject({ ok: false, code: 'invalid', message: expect.any(String) })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(await moim.recent.list()).toEqual({ ok: true, value: [] })
    expect(await moim.host.status()).toEqual({ ok: true, value: { running: false } })
    expect(electron.opened).toEqual([])
  })

  it('opens an http(s) link in the system browser', async () => {
    expect(await moim.shell.openExternal('https://example.org/help')).toEqual({ ok: true, value: null })
    expect(electron.opened).toEqual(['https://example.org/help'])
  })

  it('is refused by main when it runs in a window other than the app’s', async () => {
    const other = new electron.module.BrowserWindow({})
    await other.loadURL(APP)
    electron.rendererContents = other.webContents
    expect(await moim.recent.add({ address: '10.0.0.2' })).toMatchObject({ ok: false, code: 'forbidden' })
    expect(await moim.shell.openExternal('https://example.org/')).toMatchObject({
      ok: false,
      code: 'forbidden'
    })
    electron.rendererContents = window.webContents
    expect(await moim.recent.list()).toEqual({ ok: true, value: [] })
    expect(electron.opened).toEqual([])
  })

  it('hands an invite from a second launch to the page, payload only, until it unsubscribes', async () => {
    const received: unknown[][] = []
    const off = moim.invite.onOpened((...args) => received.push(args))
    window.webContents.emit('did-finish-load')
    electron.app.emit('second-instance', {}, ['moim', 'moim://10.0.0.2:47100/team'])
    expect(received).toEqual([['moim://10.0.0.2:47100/team']])
    off()
    electron.app.emit('second-instance', {}, ['moim', 'moim://10.0.0.3:47100/b'])
    expect(received).toHaveLength(1)
  })

  it('hands the launch invite out once', async () => {
    electron.app.emit('open-url', { preventDefault: () => {} }, 'moim://10.0.0.2:47100/team')
    expect(await moim.invite.pending()).toEqual({ ok: true, value: 'moim://10.0.0.2:47100/team' })
    expect(await moim.invite.pending()).toEqual({ ok: true, value: null })
  })

  it('shows a screen request in the page and grants the source the page chooses', async () => {
    const screen = { id: 'screen:0:0', name: 'Screen', thumbnail: { isEmpty: () => true } }
    electron.screenSources = [screen]
    const picks: unknown[][] = []
    moim.screen.onPick((...args) => picks.push(args))
    const granted = new Promise((resolve) =>
      electron.displayMediaRequestHandler!({ frame: { url: APP, parent: null } }, resolve)
    )
    await vi.waitFor(() => expect(picks).toHaveLength(1))
    const [[request]] = picks as [[{ requestId: string; sources: unknown[] }]]
    expect(request.sources).toEqual([{ id: 'screen:0:0', name: 'Screen', kind: 'screen', thumbnail: '' }])
    expect(await moim.screen.choose({ requestId: request.requestId, sourceId: 'window:9:0' })).toMatchObject({
      ok: false,
      code: 'invalid'
    })
    expect(await moim.screen.choose({ requestId: request.requestId, sourceId: 'screen:0:0' })).toEqual({
      ok: true,
      value: null
    })
    expect(await granted).toEqual({ video: screen })
  })

  it('starts and stops hosting, and the page hears each change', async () => {
    const changes: unknown[][] = []
    moim.host.onChanged((...args) => changes.push(args))
    const started = await moim.host.start({ name: 'Ann', room: 'team', capacity: 3 })
    expect(started).toMatchObject({ ok: true, value: { running: true, room: 'team', capacity: 3 } })
    expect(await moim.host.status()).toMatchObject({ ok: true, value: { running: true, name: 'Ann' } })
    expect(await moim.host.stop()).toEqual({ ok: true, value: { running: false } })
    expect(changes).toEqual([
      [expect.objectContaining({ running: true, room: 'team' })],
      [{ running: false }]
    ])
  })

  it('advertises the hosted room on the network while hosting, and withdraws it when hosting stops', async () => {
    network.services.length = 0
    const started = await moim.host.start({ name: 'Ann', room: 'team', password: 'pw' })
    if (!started.ok || !started.value.running) throw new Error('hosting did not start')
    await vi.waitFor(() => expect(network.services.at(-1)?.advertised).toBe(true))
    expect(network.services).toEqual([
      {
        options: {
          name: 'Ann',
          type: 'moim',
          port: started.value.port,
          txt: { v: '1', name: 'Ann', room: 'team', locked: '1' }
        },
        advertised: true
      }
    ])
    await moim.host.stop()
    expect(network.services[0].advertised).toBe(false)
  })

  it('lists the servers found on the network and hands the page every change, payload only', async () => {
    expect(network.queries).toBeGreaterThan(0)
    expect(await moim.lan.list()).toEqual({ ok: true, value: [] })
    const changes: unknown[][] = []
    const off = moim.lan.onChanged((...args) => changes.push(args))
    const server = {
      id: '10.0.0.2:47100',
      name: 'Minsu',
      locked: false,
      address: '10.0.0.2',
      port: 47100,
      display: '10.0.0.2:47100'
    }
    window.webContents.send('lan:changed', [server])
    off()
    window.webContents.send('lan:changed', [])
    expect(changes).toEqual([[[server]]])
  })
})
