import type { ReactiveController, ReactiveControllerHost } from 'lit'

/** Tracks a CSS media query (e.g. `(min-width: 1200px)`) and re-renders its host when the answer changes. */
export class MediaQueryController implements ReactiveController {
  private readonly _query: MediaQueryList
  /** Whether the query matches now. */
  matches: boolean

  constructor(
    private readonly _host: ReactiveControllerHost,
    query: string
  ) {
    this._query = window.matchMedia(query)
    this.matches = this._query.matches
    _host.addController(this)
  }

  hostConnected(): void {
    this.matches = this._query.matches
    this._query.addEventListener('change', this._onChange)
  }

  hostDisconnected(): void {
    this._query.removeEventListener('change', this._onChange)
  }

  private readonly _onChange = (event: MediaQueryListEvent): void => {
    this.matches = event.matches
    this._host.requestUpdate()
  }
}
