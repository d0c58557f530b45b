/**
 * Screen sharing through the app's own picker. When the page calls getDisplayMedia, main lists the screens and
 * windows (desktopCapturer), sends them to the page (`screen:pick`), where `moim-screen-picker` shows thumbnails and
 * names; the user's choice comes back (`screen:choose`) and main grants that source, or denies on cancel.
 *
 * `ScreenPicker` holds the pending request and is plain TypeScript; `installDisplayMediaHandler` is the glue.
 */
import { randomUUID } from 'node:crypto'
import { desktopCapturer } from 'electron'
import type { DesktopCapturerSource, Session } from 'electron'
import type { IpcResult, ScreenChoice, ScreenPickRequest, ScreenSource } from '../shared/ipc'
import { createLogger } from '../shared/logger'

const log = createLogger('screen-share')

/** A picker left open this long is treated as cancelled, so getDisplayMedia does not hang forever. */
export const PICK_TIMEOUT_MS = 120_000

interface Pending {
  requestId: string
  sourceIds: Set<string>
  resolve: (sourceId: string | null) => void
  timer: ReturnType<typeof setTimeout>
}

/** One pick at a time: asking again cancels the previous one. */
export class ScreenPicker {
  private pending: Pending | undefined

  /**
   * @param send delivers the request to the page; returns false when there is no page to ask.
   */
  constructor(
    private readonly send: (request: ScreenPickRequest) => boolean,
    private readonly timeoutMs = PICK_TIMEOUT_MS
  ) {}

  /** Asks the page to pick one of `sources`; resolves with the chosen id, or null when cancelled or unanswered. */
  pick(sources: ScreenSource[]): Promise<string | null> {
    this.withdraw()
    if (sources.length === 0) return Promise.resolve(null)
    return new Promise((resolve) => {
      const requestId = randomUUID()
      const timer = setTimeout(() => {
        log.info('screen pick timed out', { requestId })
        this.withdraw()
      }, this.timeoutMs)
      this.pending = { requestId, sourceIds: new Set(sources.map((source) => source.id)), resolve, timer }
      if (!this.send({ requestId, sources })) this.settle(null)
    })
  }

  /** The page's answer. Refuses an answer to a request that is not the pending one, or a source it was not shown. */
  choose(choice: ScreenChoice): IpcResult<null> {
    const pending = this.pending
    if (pending === undefined || pending.requestId !== choice.requestId) {
      return { ok: false, code: 'not-found', message: 'That screen request has already ended.' }
    }
    if (choice.sourceId !== null && !pending.sourceIds.has(choice.sourceId)) {
      return { ok: false, code: 'invalid', message: 'That screen or window was not offered.' }
    }
    this.settle(choice.sourceId)
    return { ok: true, value: null }
  }

  /** Cancels any pending pick (the window closed). */
  cancel(): void {
    this.withdraw()
  }

  /** Ends the pending pick without an answer from the page, and tells the page to close its picker. */
  private withdraw(): void {
    const pending = this.pending
    if (pending === undefined) return
    this.settle(null)
    this.send({ requestId: pending.requestId, sources: [] })
  }

  private settle(sourceId: string | null): void {
    const pending = this.pending
    if (pending === undefined) return
    this.pending = undefined
    clearTimeout(pending.timer)
    log.info(sourceId === null ? 'screen share cancelled' : 'screen source chosen', { sourceId })
    pending.resolve(sourceId)
  }
}

/** Sources as the page sees them: id, name, kind and a small PNG thumbnail. */
export function toScreenSources(sources: readonly DesktopCapturerSource[]): ScreenSource[] {
  return sources.map((source) => ({
    id: source.id,
    name: source.name,
    kind: source.id.startsWith('screen:') ? 'screen' : 'window',
    thumbnail: source.thumbnail.isEmpty() ? '' : source.thumbnail.toDataURL()
  }))
}

/**
 * Answers getDisplayMedia on `session` through `picker`. Only the app's own top frame may capture (`isAppFrame`);
 * system audio is not offered, the microphone already carries the sharer's voice.
 */
export function installDisplayMediaHandler(
  session: Session,
  picker: ScreenPicker,
  isAppFrame: (url: string | undefined) => boolean
): void {
  session.setDisplayMediaRequestHandler(
    (request, callback) => {
      const url = request.frame?.url
      if (!isAppFrame(url) || request.frame?.parent !== null) {
        log.warn('display capture denied: not the app page', { url })
        callback(null)
        return
      }
      void (async () => {
        try {
          const sources = await desktopCapturer.getSources({
            types: ['screen', 'window'],
            thumbnailSize: { width: 320, height: 180 },
            fetchWindowIcons: false
          })
          const chosenId = await picker.pick(toScreenSources(sources))
          const chosen = sources.find((source) => source.id === chosenId)
          log.info(chosen ? 'display capture granted' : 'display capture denied: cancelled', {
            name: chosen?.name
          })
          callback(chosen ? { video: chosen } : null)
        } catch (error) {
          log.error('display capture failed', { error: String(error) })
          callback(null)
        }
      })()
    },
    { useSystemPicker: false }
  )
}
