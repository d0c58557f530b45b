/**
 * Icons only the call uses (its layout switch, tile buttons, people, reactions, stats, invite), in chunks that load
 * with the call: in icons.ts they would load with the lobby, which has a size budget. Decorative, as all icons:
 * every control also has a text name.
 */
import { svg } from 'lit'
import { icon } from './icons'

export const pinIcon = icon(svg`<path d="M9 3h6l-1 6 4 4H6l4-4zM12 13v8"/>`)
export const fullscreenIcon = icon(svg`<path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5"/>`)
export const exitFullscreenIcon = icon(svg`<path d="M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5"/>`)
export const pipIcon = icon(
  svg`<rect x="3" y="5" width="18" height="14" rx="2"/><rect x="12" y="12" width="7" height="5" rx="1"/>`
)
export const gridIcon = icon(
  svg`<rect x="4" y="4" width="7" height="7" rx="1"/><rect x="13" y="4" width="7" height="7" rx="1"/><rect x="4" y="13" width="7" height="7" rx="1"/><rect x="13" y="13" width="7" height="7" rx="1"/>`
)
export const speakerLayoutIcon = icon(
  svg`<rect x="3" y="4" width="13" height="16" rx="1"/><path d="M19 5v4M19 11v3M19 16v3"/>`
)
export const handIcon = icon(
  svg`<path d="M8 13V5.5a1.5 1.5 0 0 1 3 0V11M11 10V4.5a1.5 1.5 0 0 1 3 0V11M14 10.5V6a1.5 1.5 0 0 1 3 0v7a7 7 0 0 1-7 7 6 6 0 0 1-5-2.7L3.3 14.6a1.5 1.5 0 0 1 2.4-1.8L8 15"/>`
)
export const smileIcon = icon(
  svg`<circle cx="12" cy="12" r="9"/><path d="M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01"/>`
)
export const peopleIcon = icon(
  svg`<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0M16 4.8a3.5 3.5 0 0 1 0 6.4M18 14.5a6.5 6.5 0 0 1 3.5 5.5"/>`
)
export const linkIcon = icon(
  svg`<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>`
)
export const statsIcon = icon(svg`<path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/>`)
export const closeIcon = icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`)
export const cameraOffIcon = icon(
  svg`<path d="M3 3l18 18M15 11.5V8a2 2 0 0 0-2-2H9.5M5 6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2M15 10l6-3v10"/>`
)
export const chatIcon = icon(svg`<path d="M4 5h16v11H9l-5 4z"/>`)
export const leaveIcon = icon(
  svg`<path d="M3 15.5c5-4.7 13-4.7 18 0l-2.5 2.5-3-1.5v-2.5a9 9 0 0 0-7 0v2.5l-3 1.5z"/>`
)
export const settingsIcon = icon(
  svg`<path d="M4 7h10M18 7h2M4 17h4M12 17h8"/><circle cx="16" cy="7" r="2"/><circle cx="10" cy="17" r="2"/>`
)
export const boardIcon = icon(
  svg`<rect x="3" y="4" width="18" height="13" rx="2"/><path d="M7 13l3-4 3 3 4-5M8 21l4-4 4 4"/>`
)
