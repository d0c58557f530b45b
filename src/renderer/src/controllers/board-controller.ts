import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { BoardModel, BoardState } from '../core/board-model'

/**
 * The whiteboard component's hold on its room's BoardModel (which the call view keeps while the board is
 * closed): subscribed while the host is connected, its state as `value`.
 */
export class BoardController implements ReactiveController {
  model: BoardModel | null = null
  value: BoardState | null = null
  private _unsubscribe: (() => void) | null = null
  private _connected = false

  constructor(
    private readonly _host: ReactiveControllerHost,
    /** Called on every change, before the host renders (the canvas draws from here). */
    private readonly _onChange: (state: BoardState) => void
  ) {
    _host.addController(this)
  }

  /** Follows `model`; the host calls this whenever the model it was given may have changed. */
  follow(model: BoardModel | null): void {
    if (model === this.model) return
    this._stop()
    this.model = model
    this.value = model?.state ?? null
    if (this._connected) this._start()
  }

  hostConnected(): void {
    this._connected = true
    this._start()
  }

  hostDisconnected(): void {
    this._connected = false
    this._stop()
  }

  private _start(): void {
    const model = this.model
    if (model === null || this._unsubscribe !== null) return
    this._unsubscribe = model.subscribe((state) => {
      this.value = state
      this._onChange(state)
      this._host.requestUpdate()
    })
    // It may have changed while nobody listened (the board closed while a stroke came in).
    this.value = model.state
    this._host.requestUpdate()
  }

  private _stop(): void {
    this._unsubscribe?.()
    this._unsubscribe = null
  }
}
