import type { ReactiveController, ReactiveControllerHost } from 'lit'

/** Single-key shortcuts (e.g. `m`, `v`), matched case-insensitively, without modifier keys. */
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
 * (even inside a shadow root: the event's composed path is checked) or pressed with Ctrl/Alt/Meta are ignored.
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
    if (event.defaultPrevented || event.repeat || event.ctrlKey || event.altKey || event.metaKey) return
    // The event is retargeted at shadow boundaries; the first node of the composed path is where focus really is.
    if (isTypingTarget(event.composedPath()[0] ?? null)) return
    const action = this._shortcuts[event.key.toLowerCase()]
    if (!action) return
    event.preventDefault()
    action()
  }
}
