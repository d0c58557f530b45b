/**
 * The Electron main process: one instance, one window, host mode, invites, screen share. Each concern lives in its
 * own module; this file only wires them together in the order Electron requires.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, session } from 'electron'
import { IpcChannels } from '../shared/ipc'
import { createLogger } from '../shared/logger'
import { APP_PAGE_URL, pageOrigin, registerAppScheme, serveAppProtocol } from './app-protocol'
import { HostingService } from './hosting'
import { registerIpcHandlers } from './ipc'
import { LanAdvertiser } from './lan-advertiser'
import { LanDiscovery } from './lan-discovery'
import { installPermissionHandlers, isAppUrl } from './permissions'
import { InviteInbox, installProtocolLinks, inviteFromArgv } from './protocol-links'
import { RecentHostsStore } from './recent-hosts'
import { ScreenPicker, installDisplayMediaHandler } from './screen-share'
import { guardWebContents, openExternally } from './security'
import { createMainWindow } from './window'

const log = createLogger('main')

const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url))
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))
/** `npm run dev` serves the renderer from Vite with hot reload; everything else loads the built files. */
const appUrl = process.env.ELECTRON_RENDERER_URL ?? APP_PAGE_URL

// Before `ready`: the app:// scheme must be privileged (secure context, fetch) when the session starts.
registerAppScheme()

// Every web contents, not only the window's, is kept on the app page: whatever Electron creates later (a window
// that slipped past the open handler, devtools) gets the same guards (security checklist, items 13 and 14).
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, () => appUrl))

const invites = new InviteInbox()

if (!app.requestSingleInstanceLock()) {
  // Another Moim is running: it receives our argv (with any invite) through `second-instance`.
  app.quit()
} else {
  invites.receive(inviteFromArgv(process.argv))
  installProtocolLinks(invites)
  void app.whenReady().then(start)
}

let mainWindow: BrowserWindow | null = null

function start(): void {
  const ses = session.defaultSession
  if (appUrl === APP_PAGE_URL) serveAppProtocol(ses, rendererDir)
  installPermissionHandlers(ses, () => appUrl)

  // Guests' pages come from the hosted server itself (always allowed) or are this app (app://moim); nothing else.
  const hosting = new HostingService({
    staticDir: rendererDir,
    allowedOrigins: [pageOrigin(appUrl)],
    advertiser: new LanAdvertiser()
  })
  // The lobby's "On your network" list; browsing starts with the app (on macOS this is when it first asks for
  // local network access).
  const lan = new LanDiscovery({ isOwn: (server) => hosting.isOwnServer(server.address, server.port) })
  lan.start()
  lan.onChange((servers) => send(IpcChannels.lanChanged, servers))
  const recent = new RecentHostsStore(join(app.getPath('userData'), 'recent-hosts.json'))
  const screen = new ScreenPicker((request) => send(IpcChannels.screenPick, request))
  installDisplayMediaHandler(ses, screen, (url) => isAppUrl(url, appUrl))
  registerIpcHandlers({
    hosting,
    recent,
    screen,
    invites,
    lan,
    openExternal: openExternally,
    mainWindow: () => mainWindow,
    appUrl: () => appUrl
  })
  hosting.onChange((status) => send(IpcChannels.hostChanged, status))

  openWindow(screen)

  app.on('second-instance', (_event, argv) => {
    if (mainWindow === null) openWindow(screen)
    else {
      if (mainWindow.isMinimized()) mainWindow.restore()
      mainWindow.focus()
    }
    invites.receive(inviteFromArgv(argv))
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow(screen)
  })

  // Quitting while hosting: tell the guests the host ended the room before the server goes away.
  let stopped = false
  app.on('before-quit', (event) => {
    void lan.stop()
    if (stopped || !hosting.status().running) return
    event.preventDefault()
    void hosting.stop('host-stopped').finally(() => {
      stopped = true
      app.quit()
    })
  })
}

function openWindow(screen: ScreenPicker): void {
  // resources/ sits at the app's root, inside app.asar when packaged (Electron reads images from there).
  const icon = join(app.getAppPath(), 'resources/icon.png')
  const window = createMainWindow({ preload: preloadPath, appUrl, icon })
  mainWindow = window
  // Invites that arrive while the page runs go straight to it; earlier ones wait for `invite:pending`.
  window.webContents.on('did-finish-load', () =>
    invites.connect((link) => send(IpcChannels.inviteOpened, link))
  )
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null
    invites.connect(undefined)
    screen.cancel()
  })
  log.info('window opened', { url: appUrl })
}

/** Sends an event to the app page; false when there is no page to receive it. */
function send(channel: string, payload: unknown): boolean {
  const window = mainWindow
  if (window === null || window.isDestroyed() || window.webContents.isLoading()) return false
  window.webContents.send(channel, payload)
  return true
}

// Closing the window ends the app on every OS: a host's room should not keep running unseen.
app.on('window-all-closed', () => app.quit())
