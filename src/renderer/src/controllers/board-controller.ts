import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { BoardModel } from '../core/board-model'
import type { BoardState } from '../core/board-model'
import type { BoardChannel } from '../core/board-channel'

/**
 * The whiteboard's lifecycle for its component: a BoardModel over the call's board channel while the host is
 * connected (synced from the server when it connects, disposed when it goes), its state as `value`.
 */
export class BoardController implements ReactiveController {
  model: BoardModel | null = null
  value: BoardState | null = null
  private _unsubscribe: (() => void) | null = null

  constructor(
    private readonly _host: ReactiveControllerHost,
    private readonly _channel: () => BoardChannel | null,
    /** Called on every change, before the host renders (the canvas draws from here). */
    private readonly _onChange: (state: BoardState) => void
  ) {
    _host.addController(this)
  }

  hostConnected(): void {
    const channel = this._channel()
    if (channel === null || this.model !== null) return
    const model = new BoardModel(channel)
    this.model = model
    this.value = model.state
    this._unsubscribe = model.subscribe((state) => {
      this.value = state
      this._onChange(state)
      this._host.requestUpdate()
    })
    void model.sync()
  }

  hostDisconnected(): void {
    this._unsubscribe?.()
    this._unsubscribe = null
    this.model?.dispose()
    this.model = null
    this.value = null
  }
}
