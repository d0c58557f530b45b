import type { ReactiveController, ReactiveControllerHost } from 'lit'

/**
 * Single-key shortcuts keyed by `KeyboardEvent.code` (`KeyM`, `KeyV`): the key's position, not the character it
 * types, so they work on every layout (on a Korean one the M key types 'ㅡ', on a Russian one 'ь').
 */
export type ShortcutMap = Record<string, () => void>

const TEXT_INPUT_TYPES = new Set([
  'text',
  'search',
  'email',
  'url',
  'tel',
  'password',
  'number',
  'date',
  'time',
  'datetime-local',
  'month',
  'week'
])

/** True when a key press at `target` is typing (text field, textarea, select, contenteditable), not a command. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  return target instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(target.type)
}

/**
 * Listens for single-key shortcuts on the window while its host is connected. Keys typed into a text field
 * (even inside a shadow root: the event's composed path is checked), composing with an input method, or pressed
 * with Ctrl/Alt/Meta are ignored.
 */
export class KeyboardShortcutsController implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    private readonly _shortcuts: ShortcutMap
  ) {
    host.addController(this)
  }

  hostConnected(): void {
    window.addEventListener('keydown', this._onKeyDown)
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this._onKeyDown)
  }

  private readonly _onKeyDown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.repeat || event.isComposing) return
    if (event.ctrlKey || event.altKey || event.metaKey) return
    // The event is retargeted at shadow boundaries; the first node of the composed path is where focus really is.
    if (isTypingTarget(event.composedPath()[0] ?? null)) return
    // Own keys only: `code` comes from the event, and "toString" must not find Object.prototype's.
    const action = Object.hasOwn(this._shortcuts, event.code) ? this._shortcuts[event.code] : undefined
    if (!action) return
    event.preventDefault()
    action()
  }
}
