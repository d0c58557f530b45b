/**
 * What we capture from the camera and what each video sender sends as the mesh grows. Every remote peer costs us
 * one more encode and upload, so each sender gets less as the room grows: 1280×720 up to two remote peers, then
 * the encoder scales the same capture down (no new getUserMedia, no renegotiation). Kept free of DOM objects so
 * the benchmark's floor can send exactly what the app sends (bench/browser.ts).
 */

/** Encoding limits for one video sender. */
export interface VideoLadderStep {
  maxBitrate: number
  scaleResolutionDownBy: number
}

/** The camera capture we ask for (ideal: a camera that cannot gives its nearest). */
export const CAMERA_CAPTURE = { width: 1280, height: 720, frameRate: 24 } as const

/** The ladder step for a mesh with `remotePeers` others. */
export function videoLadder(remotePeers: number): VideoLadderStep {
  if (remotePeers <= 1) return { maxBitrate: 2_500_000, scaleResolutionDownBy: 1 }
  if (remotePeers === 2) return { maxBitrate: 1_500_000, scaleResolutionDownBy: 1 }
  // 640×360, 427×240 and 320×180 from a 720p capture: the sizes the 640×360 capture used to be scaled to.
  if (remotePeers === 3) return { maxBitrate: 1_000_000, scaleResolutionDownBy: 2 }
  if (remotePeers <= 5) return { maxBitrate: 600_000, scaleResolutionDownBy: 3 }
  return { maxBitrate: 400_000, scaleResolutionDownBy: 4 }
}

/** The frame size each sender sends with `remotePeers` others, from a camera that gives CAMERA_CAPTURE. */
export function sentVideoSize(remotePeers: number): { width: number; height: number } {
  const scale = videoLadder(remotePeers).scaleResolutionDownBy
  return {
    width: Math.round(CAMERA_CAPTURE.width / scale),
    height: Math.round(CAMERA_CAPTURE.height / scale)
  }
}
