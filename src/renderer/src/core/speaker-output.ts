/** Speaker output: playing remote audio through the speaker the user chose. */
import { createLogger } from '../../../shared/logger'

const log = createLogger('speaker-output')

/** Plays a media element through the chosen speaker (null: the system default), where the browser can. */
export async function applySpeaker(element: HTMLMediaElement, id: string | null): Promise<void> {
  const withSink = element as HTMLMediaElement & {
    setSinkId?: (id: string) => Promise<void>
    sinkId?: string
  }
  if (typeof withSink.setSinkId !== 'function') return
  const sink = id ?? ''
  if (withSink.sinkId === sink) return
  try {
    await withSink.setSinkId(sink)
  } catch (error) {
    log.warn('could not select speaker', { id, error: String(error) })
  }
}
