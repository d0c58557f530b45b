/**
 * The main process's wiring, with only the `electron` module replaced by a recording fake: one instance, the
 * app:// scheme registered before ready, a sandboxed window on the app page, every handler installed, and quitting
 * when the window closes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { IpcResult } from '../../../src/shared/ipc'
import { closeAll, connect, joined } from '../../support/signaling'

type Listener = (...args: unknown[]) => unknown

const fake = vi.hoisted(() => {
  const state = {
    lock: true,
    calls: [] as string[],
    appListeners: new Map<string, Listener[]>(),
    windows: [] as {
      options: Record<string, unknown>
      url: string
      listeners: Map<string, Listener>
      webContents: unknown
    }[],
    ipcChannels: [] as string[],
    ipcHandlers: new Map<string, Listener>(),
    readyResolve: () => {}
  }
  const record = (name: string) => () => void state.calls.push(name)
  class BrowserWindow {
    static getAllWindows = () => state.windows
    static fromWebContents = (contents: unknown) =>
      state.windows.find((window) => window.webContents === contents) ?? null
    listeners = new Map<string, Listener>()
    webContents = {
      on: (event: string, listener: Listener) => this.listeners.set(`contents:${event}`, listener),
      setWindowOpenHandler: record('setWindowOpenHandler'),
      send: record('send'),
      isLoading: () => false
    }
    constructor(readonly options: Record<string, unknown>) {
      state.windows.push(this as never)
    }
    url = ''
    once = (event: string, listener: Listener) => this.listeners.set(event, listener)
    on = (event: string, listener: Listener) => this.listeners.set(event, listener)
    loadURL = async (url: string) => void (this.url = url)
    isDestroyed = () => false
    show = record('show')
  }
  const session = {
    protocol: { handle: (scheme: string) => void state.calls.push(`protocol.handle:${scheme}`) },
    setPermissionRequestHandler: record('setPermissionRequestHandler'),
    setPermissionCheckHandler: record('setPermissionCheckHandler'),
    setDisplayMediaRequestHandler: record('setDisplayMediaRequestHandler')
  }
  const electron = {
    app: {
      requestSingleInstanceLock: () => {
        state.calls.push('requestSingleInstanceLock')
        return state.lock
      },
      quit: record('quit'),
      whenReady: () => new Promise<void>((resolve) => (state.readyResolve = resolve)),
      on: (event: string, listener: Listener) => {
        state.appListeners.set(event, [...(state.appListeners.get(event) ?? []), listener])
      },
      getPath: () => '/tmp/moim-test-user-data',
      getAppPath: () => '/opt/moim/app.asar',
      setAsDefaultProtocolClient: (scheme: string) => {
        state.calls.push(`setAsDefaultProtocolClient:${scheme}`)
        return true
      }
    },
    BrowserWindow,
    session: { defaultSession: session },
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string; privileges: Record<string, boolean> }[]) =>
        state.calls.push(`registerSchemesAsPrivileged:${JSON.stringify(schemes)}`)
    },
    ipcMain: {
      handle: (channel: string, handler: Listener) => {
        state.ipcChannels.push(channel)
        state.ipcHandlers.set(channel, handler)
      },
      removeHandler: () => {}
    },
    desktopCapturer: {},
    net: {},
    shell: {}
  }
  return { state, electron }
})

vi.mock('electron', () => fake.electron)

beforeEach(() => {
  vi.resetModules()
  fake.state.lock = true
  fake.state.calls.length = 0
  fake.state.appListeners.clear()
  fake.state.windows.length = 0
  fake.state.ipcChannels.length = 0
  fake.state.ipcHandlers.clear()
})

afterEach(async () => {
  vi.restoreAllMocks()
  await closeAll()
})

async function startMain(): Promise<void> {
  await import('../../../src/main/index')
  fake.state.readyResolve()
  await vi.waitFor(() => expect(fake.state.windows).toHaveLength(1))
}

describe('main process', () => {
  it('quits at once when another instance holds the lock', async () => {
    fake.state.lock = false
    await import('../../../src/main/index')
    expect(fake.state.calls).toContain('quit')
    expect(fake.state.appListeners.has('open-url')).toBe(false)
    expect(fake.state.windows).toEqual([])
  })

  it('registers app:// as a secure standard scheme before anything else, and moim:// as its protocol', async () => {
    await startMain()
    const [first] = fake.state.calls
    expect(first).toMatch(/^registerSchemesAsPrivileged:/)
    expect(JSON.parse(first.slice(first.indexOf(':') + 1))).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }
    ])
    expect(fake.state.calls).toContain('setAsDefaultProtocolClient:moim')
    expect(fake.state.appListeners.has('open-url')).toBe(true)
  })

  it('opens one sandboxed, context-isolated window without Node on the app page, with every guard installed', async () => {
    await startMain()
    const [window] = fake.state.windows
    expect(window.url).toBe('app://moim/index.html')
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false
    })
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(
      /preload[/\\]index\.cjs$/
    )
    expect(window.options.icon).toBe('/opt/moim/app.asar/resources/icon.png')
    for (const call of [
      'protocol.handle:app',
      'setPermissionRequestHandler',
      'setPermissionCheckHandler',
      'setDisplayMediaRequestHandler',
      'setWindowOpenHandler'
    ]) {
      expect(fake.state.calls).toContain(call)
    }
    for (const event of [
      'contents:will-navigate',
      'contents:will-redirect',
      'contents:will-attach-webview'
    ]) {
      expect(window.listeners.has(event)).toBe(true)
    }
    expect(fake.state.ipcChannels).toContain('host:start')
    expect(fake.state.ipcChannels).toContain('screen:choose')
  })

  it('quits when the window closes, and lets quitting go ahead when nothing is hosted', async () => {
    await startMain()
    for (const listener of fake.state.appListeners.get('window-all-closed') ?? []) listener()
    expect(fake.state.calls.filter((call) => call === 'quit')).toHaveLength(1)
    const event = { preventDefault: vi.fn() }
    for (const listener of fake.state.appListeners.get('before-quit') ?? []) listener(event)
    expect(event.preventDefault).not.toHaveBeenCalled()
  })

  it('quitting while hosting first tells every guest the host stopped, then quits', async () => {
    await startMain()
    const [window] = fake.state.windows
    const fromApp = {
      sender: window.webContents,
      senderFrame: { url: 'app://moim/index.html', parent: null }
    }
    const started = (await fake.state.ipcHandlers.get('host:start')!(fromApp, {
      name: 'Ann',
      room: 'team'
    })) as IpcResult<{
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
      const event = { preventDefault: vi.fn() }
      for (const listener of fake.state.appListeners.get('before-quit') ?? []) listener(event)
      expect(event.preventDefault).toHaveBeenCalledTimes(1)
      expect(await closing).toEqual({ reason: 'host-stopped' })
      await vi.waitFor(() => expect(fake.state.calls).toContain('quit'))
    } finally {
      await fake.state.ipcHandlers.get('host:stop')!(fromApp)
    }
  })
})
