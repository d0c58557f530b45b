/**
 * The one stand-in for the `electron` module in Node tests (the Electron binary cannot run on these machines). It
 * only records what the code under test installs (handlers, listeners, windows) so that a test can call those
 * handlers the way Electron would, and it wires `ipcRenderer` to `ipcMain` as Electron does: arguments and results
 * pass through the structured clone, the handler sees the calling web contents and its frame, and main's
 * `webContents.send` reaches the renderer's listeners as `(event, payload)`. No behaviour of its own beyond that.
 *
 *   const electron = await vi.hoisted(async () =>
 *     (await import('../../support/electron-fake')).createElectronFake())
 *   vi.mock('electron', () => electron.module)
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

// Electron's own handler signatures vary per API; the fake stores them as given and the tests cast.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (...args: any[]) => any

class Emitter {
  // Not private: the window class is built inside ElectronFake, and TypeScript cannot export its type otherwise.
  readonly listeners = new Map<string, Handler[]>()

  on(event: string, listener: Handler): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }

  once(event: string, listener: Handler): this {
    const wrapped: Handler = (...args) => {
      this.removeListener(event, wrapped)
      return listener(...args)
    }
    return this.on(event, wrapped)
  }

  removeListener(event: string, listener: Handler): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((entry) => entry !== listener)
    )
    return this
  }

  removeAllListeners(): this {
    this.listeners.clear()
    return this
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args)
  }
}

export interface FakeFrame {
  url: string
  parent: FakeFrame | null
}

/** An event as Electron hands it to `will-navigate` and the like; records whether it was prevented. */
export function preventable(): { preventDefault(): void; defaultPrevented: boolean } {
  const event = {
    defaultPrevented: false,
    preventDefault: () => {
      event.defaultPrevented = true
    }
  }
  return event
}

export class FakeWebContents extends Emitter {
  readonly mainFrame: FakeFrame = { url: '', parent: null }
  windowOpenHandler: Handler | undefined
  loading = false
  destroyed = false

  constructor(private readonly fake: ElectronFake) {
    super()
  }

  setWindowOpenHandler(handler: Handler): void {
    this.windowOpenHandler = handler
  }

  send(channel: string, payload: unknown): void {
    if (this.fake.rendererContents === this) this.fake.renderer.deliver(channel, payload)
  }

  isLoading(): boolean {
    return this.loading
  }

  isDestroyed(): boolean {
    return this.destroyed
  }

  /** Fires `event` (`will-navigate`, `will-redirect`, `will-attach-webview`) as Electron would; true if prevented. */
  navigate(event: string, url?: string): boolean {
    const navigation = preventable()
    this.emit(event, navigation, url)
    return navigation.defaultPrevented
  }
}

/** The renderer side: the preload's `ipcRenderer`, bound to one web contents (`fake.rendererContents`). */
class FakeIpcRenderer extends Emitter {
  constructor(private readonly fake: ElectronFake) {
    super()
  }

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const contents = this.fake.rendererContents
    if (contents === undefined) throw new Error('no web contents runs the preload')
    const handler = this.fake.ipcHandlers.get(channel)
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`)
    const event = { sender: contents, senderFrame: this.fake.rendererFrame ?? contents.mainFrame }
    return structuredClone(await handler(event, ...structuredClone(args)))
  }

  deliver(channel: string, payload: unknown): void {
    this.emit(channel, { sender: this }, structuredClone(payload))
  }
}

export class ElectronFake {
  readonly app = new Emitter()
  windows: FakeBrowserWindow[] = []
  ipcHandlers = new Map<string, Handler>()
  protocolHandlers = new Map<string, Handler>()
  privilegedSchemes: unknown[] = []
  permissionRequestHandler: Handler | undefined
  permissionCheckHandler: Handler | undefined
  displayMediaRequestHandler: Handler | undefined
  /** URLs handed to `shell.openExternal`. */
  opened: string[] = []
  /** What `desktopCapturer.getSources` answers. */
  screenSources: unknown[] = []
  /** What `contextBridge.exposeInMainWorld` put on the page's `window`. */
  mainWorld: Record<string, unknown> = {}
  /** The web contents whose page the preload runs in (default: the first window's). */
  rendererContents: FakeWebContents | undefined
  /** The frame `ipcRenderer.invoke` calls from, when not the main frame of `rendererContents`. */
  rendererFrame: FakeFrame | undefined
  readonly renderer = new FakeIpcRenderer(this)
  singleInstanceLock = true
  quitCalls = 0
  userData = '/nonexistent/moim-user-data'
  private isReady = false
  private resolveReady: () => void = () => {}
  private readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve))

  /** Forgets everything recorded, for a test that imports the main process afresh. */
  reset(): void {
    this.app.removeAllListeners()
    this.renderer.removeAllListeners()
    this.windows = []
    this.ipcHandlers.clear()
    this.protocolHandlers.clear()
    this.privilegedSchemes = []
    this.permissionRequestHandler = undefined
    this.permissionCheckHandler = undefined
    this.displayMediaRequestHandler = undefined
    this.opened = []
    this.screenSources = []
    this.mainWorld = {}
    this.rendererContents = undefined
    this.rendererFrame = undefined
    this.singleInstanceLock = true
    this.quitCalls = 0
    this.isReady = false
    this.readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve))
  }

  /** Resolves `app.whenReady()`, as Electron does once it has started. */
  ready(): void {
    this.isReady = true
    this.resolveReady()
  }

  readonly module = this.createModule()

  private createModule() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fake = this
    class BrowserWindow extends Emitter {
      static getAllWindows = () => fake.windows
      static fromWebContents = (contents: unknown) =>
        fake.windows.find((window) => window.webContents === contents) ?? null
      readonly webContents = new FakeWebContents(fake)
      url = ''
      destroyed = false

      constructor(readonly options: Record<string, unknown> = {}) {
        super()
        fake.windows.push(this)
        fake.rendererContents ??= this.webContents
        fake.app.emit('web-contents-created', {}, this.webContents)
      }

      async loadURL(url: string): Promise<void> {
        this.url = url
        this.webContents.mainFrame.url = url
      }

      isDestroyed = () => this.destroyed
      isMinimized = () => false
      restore = () => {}
      focus = () => {}
      show = () => {}
    }
    const session = {
      protocol: { handle: (scheme: string, handler: Handler) => fake.protocolHandlers.set(scheme, handler) },
      setPermissionRequestHandler: (handler: Handler) => (fake.permissionRequestHandler = handler),
      setPermissionCheckHandler: (handler: Handler) => (fake.permissionCheckHandler = handler),
      setDisplayMediaRequestHandler: (handler: Handler) => (fake.displayMediaRequestHandler = handler)
    }
    return {
      app: Object.assign(fake.app, {
        requestSingleInstanceLock: () => fake.singleInstanceLock,
        quit: () => void fake.quitCalls++,
        whenReady: () => fake.readyPromise,
        getPath: (name: string) => {
          if (name !== 'userData') throw new Error(`the fake knows only userData, not ${name}`)
          return fake.userData
        },
        getAppPath: () => '/opt/moim/app.asar',
        setAsDefaultProtocolClient: () => true
      }),
      BrowserWindow,
      session: { defaultSession: session },
      protocol: {
        registerSchemesAsPrivileged: (schemes: unknown[]) => {
          // Electron refuses this after ready: the session has already read its schemes.
          if (fake.isReady) throw new Error('registerSchemesAsPrivileged must be called before ready')
          fake.privilegedSchemes.push(...schemes)
        }
      },
      ipcMain: {
        handle: (channel: string, handler: Handler) => {
          if (fake.ipcHandlers.has(channel))
            throw new Error(`Attempted to register a second handler for '${channel}'`)
          fake.ipcHandlers.set(channel, handler)
        },
        removeHandler: (channel: string) => fake.ipcHandlers.delete(channel)
      },
      ipcRenderer: fake.renderer,
      contextBridge: {
        exposeInMainWorld: (key: string, api: unknown) => {
          if (key in fake.mainWorld)
            throw new Error(`Cannot bind an API on top of an existing property ${key}`)
          fake.mainWorld[key] = api
        }
      },
      shell: {
        openExternal: async (url: string) => void fake.opened.push(url)
      },
      desktopCapturer: { getSources: async () => fake.screenSources },
      net: {
        // The app protocol fetches its own files; a missing one fails as a network error does.
        fetch: async (url: string) => new Response(await readFile(fileURLToPath(url)))
      }
    }
  }
}

export type FakeBrowserWindow = InstanceType<ElectronFake['module']['BrowserWindow']>

export function createElectronFake(): ElectronFake {
  return new ElectronFake()
}
