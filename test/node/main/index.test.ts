/**
 * The main process as it starts, with only the `electron` module replaced (test/support/electron-fake.ts). Every
 * guard is checked by calling the handler that src/main/index.ts actually installed, with the inputs an attacker
 * would send, and asserting the decision: a guard that is missing, or looser than the app needs, fails here.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { IpcResult } from '../../../src/shared/ipc'
import { IpcChannels } from '../../../src/shared/ipc'
import { CONTENT_SECURITY_POLICY } from '../../../src/main/security'
import type { FakeBrowserWindow } from '../../support/electron-fake'
import { preventable } from '../../support/electron-fake'
import { closeAll, connect, joined } from '../../support/signaling'

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

beforeEach(() => {
  vi.resetModules()
  electron.reset()
})

afterEach(async () => {
  await closeAll()
})

/** Imports the main process afresh, lets Electron become ready, and answers the window it opened. */
async function startMain(): Promise<FakeBrowserWindow> {
  // A fresh module graph brings a fresh logger; keep it as quiet as test/support/quiet-logs.ts made the first.
  const { setLogLevel } = await import('../../../src/shared/logger')
  setLogLevel(process.env.MOIM_LOG_LEVEL === 'debug' ? 'debug' : 'silent')
  await import('../../../src/main/index')
  electron.ready()
  await vi.waitFor(() => expect(electron.windows).toHaveLength(1))
  return electron.windows[0]
}

/** Lets promise callbacks run, so that anything a handler started without awaiting has happened. */
const settled = () => new Promise((resolve) => setImmediate(resolve))

function invoke(channel: string, ...args: unknown[]): Promise<IpcResult<unknown>> {
  return electron.renderer.invoke(channel, ...args) as Promise<IpcResult<unknown>>
}

describe('main process start-up', () => {
  it('quits at once when another instance holds the lock', async () => {
    electron.singleInstanceLock = false
    await import('../../../src/main/index')
    expect(electron.quitCalls).toBe(1)
    expect(electron.app.listenerCount('open-url')).toBe(0)
    electron.ready()
    await settled()
    expect(electron.windows).toEqual([])
  })

  it('registers app:// as a secure standard scheme before ready (the fake throws after)', async () => {
    await startMain()
    expect(electron.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }
    ])
  })

  it('opens one sandboxed, context-isolated window without Node on the app page', async () => {
    const window = await startMain()
    expect(window.url).toBe(APP)
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false
    })
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(
      /preload[/\\]index\.cjs$/
    )
    expect(window.options.icon).toBe('/opt/moim/app.asar/resources/icon.png')
  })
})

describe('permission requests', () => {
  it.each([
    ['media', APP, true, ['audio', 'video'], true],
    ['display-capture', APP, true, ['video'], true],
    ['media', 'http://evil.example/', true, ['video'], false],
    ['display-capture', 'http://evil.example/', true, ['video'], false],
    ['media', 'file:///etc/passwd', true, ['video'], false],
    ['media', 'file:///opt/moim/out/renderer/index.html', true, ['audio'], false],
    ['display-capture', 'file:///opt/moim/out/renderer/index.html', true, ['video'], false],
    ['media', APP, false, ['video'], false],
    ['display-capture', APP, false, ['video'], false],
    ['media', 'app://moim.evil.example/index.html', true, ['video'], false],
    ['media', 'app://moim:8080/index.html', true, ['video'], false],
    ['media', 'https://evil.example/?next=app://moim/index.html', true, ['video'], false],
    ['media', 'blob:app://moim/5b1f60c0', true, ['video'], false],
    ['media', '', true, ['video'], false],
    ['media', APP, true, ['video', 'screen'], false],
    ['geolocation', APP, true, undefined, false],
    ['notifications', APP, true, undefined, false],
    ['midi', APP, true, undefined, false],
    ['midiSysex', APP, true, undefined, false],
    ['clipboard-read', APP, true, undefined, false],
    ['openExternal', APP, true, undefined, false],
    ['hid', APP, true, undefined, false]
  ])(
    'answers a %s request from %s (main frame: %s, %j) with %s',
    async (permission, requestingUrl, isMainFrame, mediaTypes, expected) => {
      const window = await startMain()
      const answer = new Promise<boolean>((resolve) =>
        electron.permissionRequestHandler!(window.webContents, permission, resolve, {
          requestingUrl,
          isMainFrame,
          ...(mediaTypes === undefined ? {} : { mediaTypes })
        })
      )
      expect(await answer).toBe(expected)
    }
  )

  it.each([
    ['media', 'app://moim', { requestingUrl: APP, isMainFrame: true, mediaType: 'audio' }, true],
    ['media', 'http://evil.example', { isMainFrame: true, mediaType: 'video' }, false],
    ['media', 'app://moim', { requestingUrl: APP, isMainFrame: false, mediaType: 'video' }, false],
    ['media', 'file://', { requestingUrl: 'file:///etc/passwd', isMainFrame: true }, false],
    ['media', 'app://moim.evil.example', { isMainFrame: true, mediaType: 'video' }, false],
    ['notifications', 'app://moim', { requestingUrl: APP, isMainFrame: true }, false],
    ['geolocation', 'app://moim', { requestingUrl: APP, isMainFrame: true }, false]
  ])('answers a %s check from %s %j with %s', async (permission, origin, details, expected) => {
    const window = await startMain()
    expect(electron.permissionCheckHandler!(window.webContents, permission, origin, details)).toBe(expected)
  })
})

describe('screen capture requests', () => {
  const screen = { id: 'screen:0:0', name: 'Screen', thumbnail: { isEmpty: () => true } }

  function requestCapture(frame: { url: string; parent: unknown } | null) {
    return new Promise<unknown>((resolve) => electron.displayMediaRequestHandler!({ frame }, resolve))
  }

  it.each([
    ['http://evil.example/', null],
    ['file:///etc/passwd', null],
    ['app://moim.evil.example/index.html', null],
    [APP, { url: APP, parent: null }]
  ])('denies capture to %s (parent frame %j) without showing the picker', async (url, parent) => {
    await startMain()
    electron.screenSources = [screen]
    const picks: unknown[] = []
    electron.renderer.on(IpcChannels.screenPick, (_event, request) => picks.push(request))
    expect(await requestCapture({ url, parent })).toBeNull()
    expect(await requestCapture(null)).toBeNull()
    expect(picks).toEqual([])
  })

  it('lets the app page capture the source the user picks in the app', async () => {
    await startMain()
    electron.screenSources = [screen]
    const picks: { requestId: string }[] = []
    electron.renderer.on(IpcChannels.screenPick, (_event, request) => picks.push(request))
    const granted = requestCapture({ url: APP, parent: null })
    await vi.waitFor(() => expect(picks).toHaveLength(1))
    const { requestId } = picks[0]
    expect(await invoke(IpcChannels.screenChoose, { requestId, sourceId: 'screen:0:0' })).toEqual({
      ok: true,
      value: null
    })
    expect(await granted).toEqual({ video: screen })
  })
})

describe('navigation and new windows', () => {
  it.each([
    ['http://evil.example/', true, ['http://evil.example/']],
    ['https://example.org/help', true, ['https://example.org/help']],
    ['javascript:alert(1)', true, []],
    ['file:///etc/passwd', true, []],
    ['app://moim.evil.example/index.html', true, []],
    ['moim://10.0.0.2:47100/team', true, []],
    ['app://moim/index.html?room=team', false, []]
  ])('on will-navigate to %s prevents it: %s, and opens externally %j', async (url, prevented, opened) => {
    const window = await startMain()
    expect(window.webContents.navigate('will-navigate', url)).toBe(prevented)
    await settled()
    expect(electron.opened).toEqual(opened)
  })

  it.each(['http://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)'])(
    'stops a redirect to %s without opening anything',
    async (url) => {
      const window = await startMain()
      expect(window.webContents.navigate('will-redirect', url)).toBe(true)
      await settled()
      expect(electron.opened).toEqual([])
    }
  )

  it.each([
    ['https://example.org', ['https://example.org']],
    ['http://evil.example/x', ['http://evil.example/x']],
    ['javascript:alert(1)', []],
    ['file:///etc/passwd', []],
    [APP, []]
  ])('denies window.open(%s) and opens externally %j', async (url, opened) => {
    const window = await startMain()
    expect(window.webContents.windowOpenHandler!({ url, frameName: '', features: '' })).toEqual({
      action: 'deny'
    })
    await settled()
    expect(electron.opened).toEqual(opened)
  })

  it('keeps a web contents created after the window on the app page too', async () => {
    await startMain()
    const later = new electron.module.BrowserWindow({})
    expect(later.webContents.navigate('will-navigate', 'http://evil.example/')).toBe(true)
    expect(later.webContents.navigate('will-attach-webview')).toBe(true)
    expect(later.webContents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
  })

  it('refuses to attach a <webview>', async () => {
    const window = await startMain()
    expect(window.webContents.navigate('will-attach-webview')).toBe(true)
  })
})

describe('the app:// protocol', () => {
  async function fetchApp(url: string): Promise<Response> {
    await startMain()
    return electron.protocolHandlers.get('app')!({ url })
  }

  it('serves the app page with the strict CSP and nosniff', async () => {
    const response = await fetchApp(APP)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const csp = response.headers.get('content-security-policy')
    expect(csp).toBe(CONTENT_SECURITY_POLICY)
    const directives = new Map(
      csp!.split('; ').map((directive) => {
        const [name, ...values] = directive.split(' ')
        return [name, values] as const
      })
    )
    expect(directives.get('default-src')).toEqual(["'none'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('frame-ancestors')).toEqual(["'none'"])
    expect(directives.get('base-uri')).toEqual(["'none'"])
  })

  it.each([
    // package.json exists two folders above the renderer: an escape would serve it.
    'app://moim/..%2f..%2fpackage.json',
    'app://moim/%2e%2e/%2e%2e/package.json',
    'app://evil.example/index.html',
    'app://moim/index.html%00.js',
    'app://moim/no-such-file.js'
  ])('answers %s with 404', async (url) => {
    expect((await fetchApp(url)).status).toBe(404)
  })
})

describe('IPC senders', () => {
  it('answers the app window’s top frame', async () => {
    await startMain()
    expect(await invoke(IpcChannels.hostStatus)).toEqual({ ok: true, value: { running: false } })
  })

  it('refuses another window showing the app page', async () => {
    await startMain()
    const other = new electron.module.BrowserWindow({})
    await other.loadURL(APP)
    electron.rendererContents = other.webContents
    expect(await invoke(IpcChannels.hostStatus)).toMatchObject({ ok: false, code: 'forbidden' })
  })

  it('refuses a subframe of the app window', async () => {
    const window = await startMain()
    electron.rendererFrame = { url: APP, parent: window.webContents.mainFrame }
    expect(await invoke(IpcChannels.hostStatus)).toMatchObject({ ok: false, code: 'forbidden' })
  })

  it('refuses the app window once it has navigated elsewhere', async () => {
    const window = await startMain()
    window.webContents.mainFrame.url = 'http://evil.example/'
    expect(await invoke(IpcChannels.shellOpenExternal, 'https://example.org/')).toMatchObject({
      ok: false,
      code: 'forbidden'
    })
    expect(electron.opened).toEqual([])
  })

  it('refuses the app window once it has closed', async () => {
    const window = await startMain()
    window.emit('closed')
    expect(await invoke(IpcChannels.hostStatus)).toMatchObject({ ok: false, code: 'forbidden' })
  })
})

describe('invite links', () => {
  it('keeps a moim:// link from open-url for the page, and ignores anything else', async () => {
    await startMain()
    for (const url of ['javascript:alert(1)', 'https://evil.example/', 'moim://10.0.0.2:47100/team']) {
      const event = preventable()
      electron.app.emit('open-url', event, url)
      expect(event.defaultPrevented).toBe(true)
    }
    expect(await invoke(IpcChannels.invitePending)).toEqual({
      ok: true,
      value: 'moim://10.0.0.2:47100/team'
    })
  })
})

describe('quitting', () => {
  it('quits when the window closes, and lets quitting go ahead when nothing is hosted', async () => {
    await startMain()
    electron.app.emit('window-all-closed')
    expect(electron.quitCalls).toBe(1)
    const event = preventable()
    electron.app.emit('before-quit', event)
    expect(event.defaultPrevented).toBe(false)
  })

  it('quitting while hosting first tells every guest the host stopped, then quits', async () => {
    await startMain()
    const started = (await invoke(IpcChannels.hostStart, { name: 'Ann', room: 'team' })) as IpcResult<{
      port: number
    }>
    if (!started.ok) throw new Error(started.message)
    try {
      const url = `http://127.0.0.1:${started.value.port}`
      // The hosted server takes the app's own page and native clients, not any website.
      await expect(connect(url, { extraHeaders: { origin: 'http://evil.example' } })).rejects.toThrow()
      await expect(connect(url, { extraHeaders: { origin: 'app://moim' } })).resolves.toBeDefined()
      const guest = await joined(url, 'team', 'Bo')
      const closing = guest.inbox.waitFor('server:closing')
      const event = preventable()
      electron.app.emit('before-quit', event)
      expect(event.defaultPrevented).toBe(true)
      expect(await closing).toEqual({ reason: 'host-stopped' })
      await vi.waitFor(() => expect(electron.quitCalls).toBe(1))
    } finally {
      await invoke(IpcChannels.hostStop)
    }
  })
})
