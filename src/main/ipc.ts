/**
 * The IPC handlers: one per channel of src/shared/ipc.ts. Every call is checked twice before it does anything:
 * the sender must be the app's window showing the app's page (not a frame, not another window), and every argument
 * must validate. Handlers answer `{ ok: true, value } | { ok: false, code, message }` and never throw into the page.
 */
import { BrowserWindow, ipcMain } from 'electron'
import type { IpcMainInvokeEvent } from 'electron'
import * as v from 'valibot'
import { IpcChannels } from '../shared/ipc'
import type { HostStatus, IpcChannel, IpcResult, RecentHost } from '../shared/ipc'
import { createLogger } from '../shared/logger'
import { LIMITS } from '../shared/protocol'
import { validate } from '../shared/schemas'
import type { HostingService } from './hosting'
import { isAppUrl } from './permissions'
import type { LanDiscovery } from './lan-discovery'
import type { InviteInbox } from './protocol-links'
import type { RecentHostsStore } from './recent-hosts'
import type { ScreenPicker } from './screen-share'
import { isExternalWebUrl } from './security'

const log = createLogger('ipc')

export interface IpcDependencies {
  hosting: HostingService
  recent: RecentHostsStore
  screen: ScreenPicker
  invites: InviteInbox
  /** Moim servers found on the local network. */
  lan: Pick<LanDiscovery, 'list'>
  openExternal(url: string): Promise<boolean>
  /** The one window whose page may call (null while there is none). */
  mainWindow(): BrowserWindow | null
  /** The app page's URL (`app://moim/index.html`, or the dev server's). */
  appUrl(): string
}

/** Argument schemas, as strict tuples: the exact number and shape of arguments each channel takes. */
const recentHostInputSchema = v.strictObject({
  address: v.pipe(v.string('address must be text'), v.maxLength(2_048, 'address is too long')),
  room: v.optional(v.pipe(v.string('room must be text'), v.maxLength(LIMITS.room * 4, 'room is too long')))
})
const screenChoiceSchema = v.strictObject({
  requestId: v.pipe(v.string('requestId must be text'), v.minLength(1), v.maxLength(64)),
  sourceId: v.nullable(v.pipe(v.string('sourceId must be text or null'), v.minLength(1), v.maxLength(256)))
})
const noArguments = v.strictTuple([], 'this call takes no arguments')

/**
 * True when `event` comes from the top frame of the app's own window, showing the app's page. A page in another
 * window, an iframe or a navigated-away page is refused (Electron fiddle's ipc.ts, the security checklist's
 * "validate the sender of all IPC messages").
 */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  mainWindow: BrowserWindow | null,
  appUrl: string
): boolean {
  if (mainWindow === null || mainWindow.isDestroyed()) return false
  if (BrowserWindow.fromWebContents(event.sender) !== mainWindow) return false
  // Only the window's top frame speaks for the app; an iframe (there should be none) never does.
  const frame = event.senderFrame
  if (frame === null || frame.parent !== null) return false
  return isAppUrl(frame.url, appUrl)
}

/** Registers every channel; returns a function that removes them all (used by tests and on shutdown). */
export function registerIpcHandlers(deps: IpcDependencies): () => void {
  const channels: IpcChannel[] = []

  function handle<A extends unknown[]>(
    channel: IpcChannel,
    argsSchema: v.GenericSchema<unknown, A>,
    handler: (...args: A) => Promise<IpcResult<unknown>> | IpcResult<unknown>
  ): void {
    channels.push(channel)
    ipcMain.handle(channel, async (event, ...rawArgs: unknown[]): Promise<IpcResult<unknown>> => {
      if (!isTrustedSender(event, deps.mainWindow(), deps.appUrl())) {
        log.warn('refused: sender is not the app page', {
          channel,
          url: event.senderFrame?.url?.slice(0, 200)
        })
        return { ok: false, code: 'forbidden', message: 'Only the Moim window may do this.' }
      }
      const args = validate(argsSchema, rawArgs)
      if (!args.ok) {
        log.warn('refused: invalid arguments', { channel, message: args.message })
        return { ok: false, code: 'invalid', message: args.message }
      }
      try {
        return await handler(...args.value)
      } catch (error) {
        log.error('handler failed', { channel, error: String(error) })
        return { ok: false, code: 'failed', message: `Something went wrong: ${(error as Error).message}` }
      }
    })
  }

  const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value })

  // The hosting service validates the request itself (its schema is the IPC contract), so any one value passes here.
  handle(IpcChannels.hostStart, v.strictTuple([v.unknown()]), (request) => deps.hosting.start(request))
  handle(IpcChannels.hostStop, noArguments, async (): Promise<IpcResult<HostStatus>> => {
    if (!deps.hosting.status().running)
      return { ok: false, code: 'not-hosting', message: 'No room is being hosted.' }
    return ok(await deps.hosting.stop('host-stopped'))
  })
  handle(IpcChannels.hostStatus, noArguments, () => ok(deps.hosting.status()))
  handle(IpcChannels.recentList, noArguments, async () => ok(await deps.recent.list()))
  handle(
    IpcChannels.recentAdd,
    v.strictTuple([recentHostInputSchema]),
    async (input): Promise<IpcResult<RecentHost[]>> => {
      const result = await deps.recent.add(input)
      return result.ok ? result : { ok: false, code: 'invalid', message: result.message }
    }
  )
  handle(
    IpcChannels.recentRemove,
    v.strictTuple([v.pipe(v.string('address must be text'), v.minLength(1), v.maxLength(300))]),
    async (address) => ok(await deps.recent.remove(address))
  )
  handle(IpcChannels.screenChoose, v.strictTuple([screenChoiceSchema]), (choice) =>
    deps.screen.choose(choice)
  )
  handle(
    IpcChannels.shellOpenExternal,
    v.strictTuple([
      v.pipe(
        v.string('url must be text'),
        v.check((url) => isExternalWebUrl(url), 'only http(s) links can be opened')
      )
    ]),
    async (url): Promise<IpcResult<null>> => {
      const opened = await deps.openExternal(url)
      return opened ? ok(null) : { ok: false, code: 'invalid', message: 'Only http(s) links can be opened.' }
    }
  )
  handle(IpcChannels.invitePending, noArguments, () => ok(deps.invites.take()))
  handle(IpcChannels.lanList, noArguments, () => ok(deps.lan.list()))

  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel)
  }
}
