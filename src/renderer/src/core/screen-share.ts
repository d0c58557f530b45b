/** Capturing a screen or window with getDisplayMedia, as a video track tuned for screen content. */
import { describeMediaError, errorName } from './media-errors'
import type { MediaDevicesLike } from './devices'
import type { CallError } from './types'

/** A captured screen, or why there is none (error null: the user cancelled, nothing to report). */
export type ScreenCapture = { ok: true; track: MediaStreamTrack } | { ok: false; error: CallError | null }

/** Asks the user for a screen or window (the browser's picker, or the desktop app's in-app one). */
export async function captureScreen(devices: MediaDevicesLike | undefined): Promise<ScreenCapture> {
  if (devices === undefined || typeof devices.getDisplayMedia !== 'function') {
    return {
      ok: false,
      error: { code: 'media-unavailable', device: 'screen', message: 'Screen sharing is not available here.' }
    }
  }
  let stream: MediaStream
  try {
    stream = await devices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false })
  } catch (error) {
    // Cancelling the picker is a NotAllowedError too: not worth an error banner.
    return {
      ok: false,
      error: errorName(error) === 'NotAllowedError' ? null : describeMediaError(error, 'screen')
    }
  }
  const track = stream.getVideoTracks()[0]
  if (track === undefined) return { ok: false, error: null }
  // Text on a shared screen must stay sharp: encoders keep resolution and drop frame rate instead.
  track.contentHint = 'detail'
  return { ok: true, track }
}
