import type { ReactiveController, ReactiveControllerHost } from 'lit'

/** Anything in the call core that exposes an immutable `state` and notifies on change (`Call`, `LocalMedia`). */
export interface Store<S> {
  readonly state: S
  subscribe(listener: (state: S) => void): () => void
}

/**
 * Bridges a call-core store to a Lit host: subscribes while the host is connected, exposes the current state as
 * `value`, and requests an update on every change. The core stays free of Lit.
 */
export class StoreController<S> implements ReactiveController {
  value: S
  private _unsubscribe: (() => void) | null = null

  constructor(
    private readonly _host: ReactiveControllerHost,
    private readonly _store: Store<S>
  ) {
    this.value = _store.state
    _host.addController(this)
  }

  hostConnected(): void {
    this.value = this._store.state
    this._unsubscribe = this._store.subscribe((state) => {
      this.value = state
      this._host.requestUpdate()
    })
  }

  hostDisconnected(): void {
    this._unsubscribe?.()
    this._unsubscribe = null
  }
}
