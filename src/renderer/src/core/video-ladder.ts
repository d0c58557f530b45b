/**
 * What each video sender sends as the mesh grows. Kept free of DOM objects so the benchmark can import it.
 */

/** Encoding limits for one video sender. */
export interface VideoLadderStep {
  maxBitrate: number
  scaleResolutionDownBy: number
}

/**
 * The bitrate/resolution ladder: every remote peer costs us one more encode and upload, so each sender gets less
 * as the mesh grows. Up to three remote peers keep full resolution (only the bitrate drops).
 */
export function videoLadder(remotePeers: number): VideoLadderStep {
  if (remotePeers <= 1) return { maxBitrate: 2_500_000, scaleResolutionDownBy: 1 }
  if (remotePeers === 2) return { maxBitrate: 1_500_000, scaleResolutionDownBy: 1 }
  if (remotePeers === 3) return { maxBitrate: 1_000_000, scaleResolutionDownBy: 1 }
  if (remotePeers <= 5) return { maxBitrate: 600_000, scaleResolutionDownBy: 1.5 }
  return { maxBitrate: 400_000, scaleResolutionDownBy: 2 }
}
