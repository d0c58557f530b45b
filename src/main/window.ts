/**
 * The app's one window: the built renderer, sandboxed, context-isolated, no Node in the page, the typed preload.
 * Its navigation guards come from index.ts, which installs them on every web contents as it is created.
 */
import { BrowserWindow } from 'electron'
import { createLogger } from '../shared/logger'

const log = createLogger('window')

export interface MainWindowOptions {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  preload: string
  /** The app page to load (`app://moim/index.html`, or the dev server in `npm run dev`). */
  appUrl: string
  /** An icon for Linux window managers (Windows and macOS take it from the packaged app). */
  icon?: string
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 640,
    minHeight: 480,
    title: 'Moim',
    // Shown once the page has painted, so there is no white flash.
    show: false,
    backgroundColor: '#111318',
    autoHideMenuBar: true,
    icon: options.icon,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // A call in a background window must keep sending and receiving video at full rate.
      backgroundThrottling: false
    }
  })
  window.once('ready-to-show', () => window.show())
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error('renderer gone', { reason: details.reason, exitCode: details.exitCode })
  })
  window.loadURL(options.appUrl).catch((error: unknown) => {
    log.error('could not load the app page', { url: options.appUrl, error: String(error) })
  })
  return window
}
