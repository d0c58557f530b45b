/**
 * The DOM events Moim components fire. All bubble and are composed, so the app shell hears them through shadow
 * roots; they are typed here by augmenting GlobalEventHandlersEventMap so `addEventListener` knows each detail.
 */
import type { JoinAddress } from '../../../shared/join-address'
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
}

type MoimEvents = { [K in keyof MoimEventMap]: CustomEvent<MoimEventMap[K]> }

declare global {
  interface GlobalEventHandlersEventMap extends MoimEvents {}
}
