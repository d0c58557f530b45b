import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { LanServer } from '../../../shared/ipc'
import { createLogger } from '../../../shared/logger'
import { platform } from '../platform'

const log = createLogger('lan')

/**
 * The Moim servers on the local network, as main last said (`platform.lan`, desktop only): subscribes while the
 * host is connected, reads the current list once, and requests an update on every change. The list is main's
 * (LanDiscovery); this is a view of it.
 */
export class LanServersController implements ReactiveController {
  value: LanServer[] = []
  private _unsubscribe: (() => void) | null = null

  constructor(private readonly _host: ReactiveControllerHost) {
    _host.addController(this)
  }

  hostConnected(): void {
    const lan = platform.lan
    if (lan === undefined) return
    let changed = false
    this._unsubscribe = lan.onChanged((servers) => {
      changed = true
      this._set(servers)
    })
    void lan.list().then((result) => {
      // A change that arrived while the list was asked for is newer than the answer.
      if (result.ok && !changed) this._set(result.value)
      else if (!result.ok) log.warn('could not list the servers on the network', { message: result.message })
    })
  }

  hostDisconnected(): void {
    this._unsubscribe?.()
    this._unsubscribe = null
  }

  private _set(servers: LanServer[]): void {
    this.value = servers
    this._host.requestUpdate()
  }
}
