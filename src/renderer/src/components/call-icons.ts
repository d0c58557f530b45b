/**
 * Icons only the call uses (its layout switch and tile buttons), in the call view's chunk: in icons.ts they would
 * load with the lobby, which has a size budget. Decorative, as all icons: every control also has a text name.
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
