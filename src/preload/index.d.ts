import type { MoimBridge } from '../shared/ipc'

declare global {
  interface Window {
    /** Present only in the desktop app (exposed by the preload through contextBridge). */
    moim?: MoimBridge
  }
}
