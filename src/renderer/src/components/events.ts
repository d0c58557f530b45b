/**
 * The DOM events Moim components fire. All bubble and are composed, so the app shell hears them through shadow
 * roots; they are typed here by augmenting GlobalEventHandlersEventMap so `addEventListener` knows each detail.
 */
import type { LanServer } from '../../../shared/ipc'
import type { JoinAddress } from '../../../shared/join-address'
import type { CallLayout } from '../core/preferences'
import type { Reaction } from '../../../shared/protocol'
import type { DeviceKind } from '../core/types'

/** What the lobby asks for when the user presses Join (already trimmed and validated). */
export interface JoinRequestDetail {
  name: string
  room: string
  password?: string
  /** The server, parsed once where it was typed; null to use the server the page came from. */
  server: JoinAddress | null
}

export interface SelectDeviceDetail {
  kind: DeviceKind
  id: string
}

export interface SendChatDetail {
  text: string
}

/** The microphone processing to change (only the keys given). */
export interface AudioProcessingDetail {
  noiseSuppression?: boolean
  echoCancellation?: boolean
}

/** Fires a bubbling, composed CustomEvent from `target`. */
export function fire<K extends keyof MoimEventMap>(
  target: EventTarget,
  type: K,
  ...[detail]: MoimEventMap[K] extends undefined ? [] : [MoimEventMap[K]]
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))
}

/** Event name -> detail type. */
export interface MoimEventMap {
  'moim-join': JoinRequestDetail
  /** The server address field changed to a valid address (desktop only): list that server's rooms. */
  'moim-server-change': { server: JoinAddress }
  /** A server found on the local network was picked in the lobby (desktop only). */
  'moim-lan-pick': { server: LanServer }
  'moim-select-device': SelectDeviceDetail
  'moim-toggle-mute': undefined
  'moim-toggle-camera': undefined
  'moim-toggle-screen': undefined
  'moim-toggle-chat': undefined
  /** The user wants the whiteboard opened or closed. */
  'moim-toggle-board': undefined
  'moim-leave': undefined
  'moim-send-chat': SendChatDetail
  'moim-back-to-lobby': undefined
  /** The call's layout switch. */
  'moim-layout-change': { layout: CallLayout }
  /** A tile's pin button: pin it, or unpin it if it is pinned (handled by the grid). */
  'moim-tile-pin': undefined
  /** A tile's video changed shape (width / height), or null when it shows none (handled by the grid). */
  'moim-tile-aspect': { aspect: number | null }
  'moim-toggle-hand': undefined
  'moim-send-reaction': { emoji: Reaction }
  'moim-toggle-people': undefined
  'moim-toggle-stats': undefined
  'moim-toggle-invite': undefined
  'moim-set-audio-processing': AudioProcessingDetail
}

type MoimEvents = { [K in keyof MoimEventMap]: CustomEvent<MoimEventMap[K]> }

declare global {
  interface GlobalEventHandlersEventMap extends MoimEvents {}
}
