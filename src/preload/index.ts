/**
 * The preload: exposes `window.moim`, one typed method per IPC channel (src/shared/ipc.ts) and nothing else. The
 * page never gets `ipcRenderer` itself, nor the event objects (whose `sender` would leak it).
 *
 * Runs sandboxed, so it is bundled to CommonJS (out/preload/index.cjs) and imports only `electron` and types.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import { IpcChannels } from '../shared/ipc'
import type {
  HostStartRequest,
  HostStatus,
  IpcResult,
  LanServer,
  MoimBridge,
  RecentHost,
  RecentHostInput,
  ScreenChoice,
  ScreenPickRequest
} from '../shared/ipc'

/** Subscribes to a main -> renderer event, handing the listener only the payload. */
function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, payload: T): void => listener(payload)
  ipcRenderer.on(channel, wrapped)
  return () => {
    ipcRenderer.removeListener(channel, wrapped)
  }
}

const bridge: MoimBridge = {
  isMoimApp: true,
  os: process.platform,
  host: {
    start: (request: HostStartRequest): Promise<IpcResult<HostStatus>> =>
      ipcRenderer.invoke(IpcChannels.hostStart, request),
    stop: (): Promise<IpcResult<HostStatus>> => ipcRenderer.invoke(IpcChannels.hostStop),
    status: (): Promise<IpcResult<HostStatus>> => ipcRenderer.invoke(IpcChannels.hostStatus),
    onChanged: (listener: (status: HostStatus) => void) => subscribe(IpcChannels.hostChanged, listener)
  },
  recent: {
    list: (): Promise<IpcResult<RecentHost[]>> => ipcRenderer.invoke(IpcChannels.recentList),
    add: (entry: RecentHostInput): Promise<IpcResult<RecentHost[]>> =>
      ipcRenderer.invoke(IpcChannels.recentAdd, entry),
    remove: (address: string): Promise<IpcResult<RecentHost[]>> =>
      ipcRenderer.invoke(IpcChannels.recentRemove, address)
  },
  screen: {
    onPick: (listener: (request: ScreenPickRequest) => void) => subscribe(IpcChannels.screenPick, listener),
    choose: (choice: ScreenChoice): Promise<IpcResult<null>> =>
      ipcRenderer.invoke(IpcChannels.screenChoose, choice)
  },
  shell: {
    openExternal: (url: string): Promise<IpcResult<null>> =>
      ipcRenderer.invoke(IpcChannels.shellOpenExternal, url)
  },
  invite: {
    pending: (): Promise<IpcResult<string | null>> => ipcRenderer.invoke(IpcChannels.invitePending),
    onOpened: (listener: (link: string) => void) => subscribe(IpcChannels.inviteOpened, listener)
  },
  lan: {
    list: (): Promise<IpcResult<LanServer[]>> => ipcRenderer.invoke(IpcChannels.lanList),
    onChanged: (listener: (servers: LanServer[]) => void) => subscribe(IpcChannels.lanChanged, listener)
  }
}

contextBridge.exposeInMainWorld('moim', bridge)
