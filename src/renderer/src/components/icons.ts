/** Inline SVG icons (stroke style, 24x24). Decorative: every control that shows one also has a text name. */
import { svg } from 'lit'
import type { SVGTemplateResult } from 'lit'

export const icon = (body: SVGTemplateResult) =>
  svg`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${body}</svg>`

export const micIcon = icon(
  svg`<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3"/>`
)
export const micOffIcon = icon(
  svg`<path d="M3 3l18 18M9 9v2a3 3 0 0 0 5.1 2.1M15 10V6a3 3 0 0 0-5.7-1.3M19 11a7 7 0 0 1-1.2 3.9M5 11a7 7 0 0 0 10.6 6M12 18v3"/>`
)
export const cameraIcon = icon(
  svg`<rect x="3" y="6" width="12" height="12" rx="2"/><path d="M15 10l6-3v10l-6-3z"/>`
)
export const screenIcon = icon(
  svg`<rect x="3" y="4" width="18" height="12" rx="2"/><path d="M8 20h8M12 16v4"/>`
)
export const lockIcon = icon(
  svg`<rect x="5" y="11" width="14" height="9" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>`
)
export const speakerIcon = icon(svg`<path d="M4 9h4l5-4v14l-5-4H4zM17 9a4 4 0 0 1 0 6"/>`)
export const speakingIcon = icon(svg`<path d="M6 10v4M10 7v10M14 9v6M18 11v2"/>`)
export const waveIcon = icon(svg`<path d="M3 12h2M7 8v8M11 5v14M15 9v6M19 11v2"/>`)
export const echoIcon = icon(
  svg`<path d="M4 9h3l4-4v14l-4-4H4zM15 9.5a3.5 3.5 0 0 1 0 5M18 7a7 7 0 0 1 0 10"/>`
)
