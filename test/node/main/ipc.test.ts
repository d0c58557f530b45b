import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { IpcResult } from '../../../src/shared/ipc'
import { IpcChannels } from '../../../src/shared/ipc'
import { FakeWebContents } from '../../support/electron-fake'
import type { FakeBrowserWindow } from '../../support/electron-fake'

const electron = await vi.hoisted(async () =>
  (await import('../../support/electron-fake')).createElectronFake()
)
vi.mock('electron', () => electron.module)

const { registerIpcHandlers } = await import('../../../src/main/ipc')
const { HostingService } = await import('../../../src/main/hosting')
const { RecentHostsStore } = await import('../../../src/main/recent-hosts')
const { ScreenPicker } = await import('../../../src/main/screen-share')
const { InviteInbox } = await import('../../../src/main/protocol-links')
const { LanDiscovery } = await import('../../../src/main/lan-discovery')
const { LOOPBACK_AS_LAN, recordSource, txt } = await import('../../support/lan-fakes')

const APP_URL = 'app://moim/index.html'

/** An invoke event from the main frame of a web contents at `url`, shown in `window` (none: detached). */
function page(url: string, window: FakeBrowserWindow | null) {
  const contents = window?.webContents ?? new FakeWebContents(electron)
  contents.mainFrame.url = url
  return { sender: contents, senderFrame: contents.mainFrame }
}

let appWindow: FakeBrowserWindow
let directory: string
let unregister: () => void
let hosting: InstanceType<typeof HostingService>
let screen: InstanceType<typeof ScreenPicker>
let picks: unknown[]
let opened: string[]
let invites: InstanceType<typeof InviteInbox>
let lan: InstanceType<typeof LanDiscovery>
let records: ReturnType<typeof recordSource>

beforeEach(async () => {
  electron.reset()
  appWindow = new electron.module.BrowserWindow()
  directory = await mkdtemp(join(tmpdir(), 'moim-ipc-'))
  hosting = new HostingService({ port: 0, listenHost: '127.0.0.1' })
  picks = []
  opened = []
  screen = new ScreenPicker((request) => {
    picks.push(request)
    return true
  })
  invites = new InviteInbox()
  records = recordSource()
  lan = new LanDiscovery({ source: records.source, interfaces: () => LOOPBACK_AS_LAN })
  lan.start()
  unregister = registerIpcHandlers({
    hosting,
    recent: new RecentHostsStore(join(directory, 'recent.json'), () => 1_000),
    screen,
    invites,
    lan,
    openExternal: async (url) => {
      opened.push(url)
      return true
    },
    mainWindow: () => appWindow as never,
    appUrl: () => APP_URL
  })
})

afterEach(async () => {
  unregister()
  screen.cancel()
  await lan.stop()
  await hosting.stop('shutdown')
  await rm(directory, { recursive: true, force: true })
})

function invoke(event: unknown, channel: string, ...args: unknown[]): Promise<IpcResult<unknown>> {
  const handler = electron.ipcHandlers.get(channel)
  if (!handler) throw new Error(`no handler for ${channel}`)
  return handler(event, ...args) as Promise<IpcResult<unknown>>
}

const fromApp = () => page(APP_URL, appWindow)

/** `value` with an own `__proto__` key, as JSON.parse and the structured clone of IPC deliver it. */
function polluted(value: object): unknown {
  return JSON.parse(JSON.stringify(value).replace(/^\{/, '{"__proto__":{"polluted":true},'))
}

describe('IPC handlers', () => {
  it('register a handler for every request channel of the contract', () => {
    const events = new Set<string>([
      IpcChannels.hostChanged,
      IpcChannels.screenPick,
      IpcChannels.inviteOpened,
      IpcChannels.lanChanged
    ])
    const requests = Object.values(IpcChannels).filter((channel) => !events.has(channel))
    expect([...electron.ipcHandlers.keys()].sort()).toEqual(requests.sort())
  })

  it.each([
    ['another window', () => page(APP_URL, new electron.module.BrowserWindow())],
    ['no window (a detached web contents)', () => page(APP_URL, null)],
    ['a frame Electron no longer knows', () => ({ ...page(APP_URL, appWindow), senderFrame: null })],
    ['a page that navigated elsewhere', () => page('https://evil.example/', appWindow)],
    ['a file: page in the app window', () => page('file:///tmp/index.html', appWindow)],
    [
      'an iframe inside the app page',
      () => {
        const event = fromApp()
        return { ...event, senderFrame: { url: APP_URL, parent: event.senderFrame } }
      }
    ]
  ])('refuse a sender from %s, before doing anything', async (_name, makeEvent) => {
    for (const [channel, args] of [
      [IpcChannels.hostStart, [{ name: 'Ann', room: 'team' }]],
      [IpcChannels.recentAdd, [{ address: '10.0.0.2' }]],
      [IpcChannels.shellOpenExternal, ['https://example.org/']],
      [IpcChannels.hostStatus, []],
      [IpcChannels.lanList, []]
    ] as const) {
      expect(await invoke(makeEvent(), channel, ...args)).toMatchObject({ ok: false, code: 'forbidden' })
    }
    expect(hosting.status().running).toBe(false)
    expect(opened).toEqual([])
    expect(await invoke(fromApp(), IpcChannels.recentList)).toEqual({ ok: true, value: [] })
  })

  it.each([
    [IpcChannels.hostStart, [], /expected object/i],
    [IpcChannels.hostStart, [{ name: '', room: 'team' }], /name must not be empty/],
    [IpcChannels.hostStart, [{ name: 'Ann', room: 'team', capacity: '6' }], /capacity must be a number/],
    [IpcChannels.hostStatus, ['extra'], /takes no arguments/],
    [IpcChannels.recentList, [1, 2], /takes no arguments/],
    [IpcChannels.lanList, ['all'], /takes no arguments/],
    [IpcChannels.recentAdd, [{ address: 42 }], /address must be text/],
    [IpcChannels.recentAdd, [{ address: '10.0.0.2:99999' }], /not a port/],
    [
      IpcChannels.recentAdd,
      [{ address: '10.0.0.2', room: 'bad/room' }],
      /room name “bad\/room” cannot be used/
    ],
    [IpcChannels.recentRemove, [null], /address must be text/],
    [IpcChannels.screenChoose, [{ requestId: 'x' }], /sourceId/],
    [IpcChannels.screenChoose, [{ requestId: 'x', sourceId: 5 }], /sourceId must be text or null/],
    [IpcChannels.shellOpenExternal, ['file:///etc/passwd'], /only http\(s\)/],
    [IpcChannels.shellOpenExternal, ['javascript:alert(1)'], /only http\(s\)/],
    [IpcChannels.shellOpenExternal, [{ url: 'https://x' }], /url must be text/],
    [IpcChannels.shellOpenExternal, [`https://x.org/${'a'.repeat(3_000)}`], /only http\(s\)/],
    [IpcChannels.shellOpenExternal, ['https://example.org/', 'extra'], /expected never/i],
    [IpcChannels.hostStart, ['Ann'], /expected object/i],
    [IpcChannels.hostStart, [{ name: 'Ann', room: 'r'.repeat(1_000_000) }], /room must be at most/],
    [IpcChannels.hostStart, [polluted({ name: 'Ann', room: 'team' })], /invalid key/i],
    [IpcChannels.recentAdd, [{ address: 'a'.repeat(1_000_000) }], /address is too long/],
    [IpcChannels.recentAdd, [polluted({ address: '10.0.0.2' })], /invalid key/i],
    [IpcChannels.recentAdd, [[{ address: '10.0.0.2' }]], /address/],
    [IpcChannels.recentRemove, ['x'.repeat(301)], /.+/],
    [IpcChannels.screenChoose, [polluted({ requestId: 'x', sourceId: null })], /invalid key/i]
  ])('answer bad arguments to %s %j with a typed error', async (channel, args, message) => {
    const result = await invoke(fromApp(), channel, ...args)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.code).toBe('invalid')
      expect(result.message).toMatch(message)
    }
    expect(opened).toEqual([])
    expect(hosting.status().running).toBe(false)
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('start, report and stop hosting for the app page', async () => {
    const started = await invoke(fromApp(), IpcChannels.hostStart, { name: 'Ann', room: 'team', capacity: 4 })
    expect(started).toMatchObject({ ok: true, value: { running: true, room: 'team', capacity: 4 } })
    expect(await invoke(fromApp(), IpcChannels.hostStart, { name: 'Ann', room: 'team' })).toMatchObject({
      ok: false,
      code: 'already-hosting'
    })
    expect(await invoke(fromApp(), IpcChannels.hostStatus)).toMatchObject({
      ok: true,
      value: { running: true }
    })
    expect(await invoke(fromApp(), IpcChannels.hostStop)).toEqual({ ok: true, value: { running: false } })
    expect(await invoke(fromApp(), IpcChannels.hostStop)).toMatchObject({ ok: false, code: 'not-hosting' })
  })

  it('keep recent hosts newest first, one per server, in a file', async () => {
    await invoke(fromApp(), IpcChannels.recentAdd, { address: '192.168.1.20' })
    await invoke(fromApp(), IpcChannels.recentAdd, { address: 'moim://[fd00::1]:5000/team' })
    const added = await invoke(fromApp(), IpcChannels.recentAdd, { address: '192.168.1.20:47100', room: 'b' })
    expect(added).toEqual({
      ok: true,
      value: [
        { address: '192.168.1.20:47100', room: 'b', lastJoined: 1_000 },
        { address: '[fd00::1]:5000', room: 'team', lastJoined: 1_000 }
      ]
    })
    const removed = await invoke(fromApp(), IpcChannels.recentRemove, '192.168.1.20:47100')
    expect(removed).toEqual({
      ok: true,
      value: [{ address: '[fd00::1]:5000', room: 'team', lastJoined: 1_000 }]
    })
    expect(await invoke(fromApp(), IpcChannels.recentList)).toEqual(removed)
  })

  it('pass a screen choice to the pending pick, and refuse a source that was not offered', async () => {
    const sources = [{ id: 'screen:0:0', name: 'Entire screen', kind: 'screen' as const, thumbnail: '' }]
    const chosen = screen.pick(sources)
    const { requestId } = picks[0] as { requestId: string }
    expect(
      await invoke(fromApp(), IpcChannels.screenChoose, { requestId, sourceId: 'window:9:0' })
    ).toMatchObject({
      ok: false,
      code: 'invalid'
    })
    expect(
      await invoke(fromApp(), IpcChannels.screenChoose, { requestId: 'old', sourceId: null })
    ).toMatchObject({
      ok: false,
      code: 'not-found'
    })
    expect(await invoke(fromApp(), IpcChannels.screenChoose, { requestId, sourceId: 'screen:0:0' })).toEqual({
      ok: true,
      value: null
    })
    expect(await chosen).toBe('screen:0:0')
  })

  it('open only http(s) links externally, and hand out the launch invite once', async () => {
    expect(await invoke(fromApp(), IpcChannels.shellOpenExternal, 'https://example.org/help')).toEqual({
      ok: true,
      value: null
    })
    expect(opened).toEqual(['https://example.org/help'])
    invites.receive('moim://192.168.1.20:47100/team')
    expect(await invoke(fromApp(), IpcChannels.invitePending)).toEqual({
      ok: true,
      value: 'moim://192.168.1.20:47100/team'
    })
    expect(await invoke(fromApp(), IpcChannels.invitePending)).toEqual({ ok: true, value: null })
  })

  it('list the servers on the network that answered as Moim servers, and only those', async () => {
    const server = await hosting.start({ name: 'Minsu', room: 'standup' })
    if (!server.ok || !server.value.running) throw new Error('hosting did not start')
    const port = server.value.port
    records.announce({
      instance: 'Minsu._moim._tcp.local',
      port,
      addresses: ['127.0.0.1'],
      txt: txt({ v: '1', name: 'Minsu', room: 'standup', locked: '0' })
    })
    // Nothing listens on port 9: advertised, but not a Moim server.
    records.announce({
      instance: 'Ghost._moim._tcp.local',
      port: 9,
      addresses: ['127.0.0.1'],
      txt: txt({ v: '1', name: 'Ghost', locked: '0' })
    })
    const minsu = {
      id: `127.0.0.1:${port}`,
      name: 'Minsu',
      room: 'standup',
      locked: false,
      address: '127.0.0.1',
      port,
      display: `127.0.0.1:${port}`
    }
    await vi.waitFor(async () =>
      expect(await invoke(fromApp(), IpcChannels.lanList)).toEqual({ ok: true, value: [minsu] })
    )
    records.goodbye('Minsu._moim._tcp.local')
    expect(await invoke(fromApp(), IpcChannels.lanList)).toEqual({ ok: true, value: [] })
  })
})
