import { LitElement, css, html, nothing } from 'lit'
import { customElement } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import type { LanServer } from '../../../shared/ipc'
import { LanServersController } from '../controllers/lan-servers-controller'
import { fire } from './events'
import { lockIcon } from './icons'
import { sharedStyles } from './shared.styles'

/**
 * "On your network": the Moim servers the desktop app found on the local network and verified (main's
 * LanDiscovery, through `platform.lan`), each one button. A host's room joins with that click; a server of many
 * rooms fills the server address, so its open rooms are listed. Names are text from the network: rendered as text
 * only, never as HTML. Loaded by the lobby in the desktop app only; a browser never downloads it.
 *
 * @fires moim-lan-pick - a server was picked
 */
@customElement('moim-lan-rooms')
@localized()
export class MoimLanRooms extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: 0.6rem;
      }

      h3 {
        margin: 0;
        font-size: 0.95rem;
        color: var(--_muted-text);
        font-weight: 600;
      }

      ul {
        display: grid;
        gap: 0.4rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }

      button {
        width: 100%;
        display: flex;
        align-items: center;
        gap: 0.6rem;
        text-align: left;
        background: var(--_bg);
      }

      .title {
        font-weight: 500;
      }

      .title,
      .where {
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .where {
        flex: 1;
        color: var(--_muted-text);
        font-size: 0.85rem;
      }

      .empty {
        margin: 0;
        color: var(--_muted-text);
        font-size: 0.9rem;
      }
    `
  ]

  private readonly _servers = new LanServersController(this)

  private _onPick(server: LanServer): void {
    fire(this, 'moim-lan-pick', { server })
  }

  private _label(server: LanServer): string {
    const { name, display } = server
    if (server.room === undefined) return msg(str`Open ${name} at ${display}`)
    const room = server.room
    return server.locked
      ? msg(str`Join ${room}, hosted by ${name} at ${display}, needs a password`)
      : msg(str`Join ${room}, hosted by ${name} at ${display}`)
  }

  override render() {
    const servers = this._servers.value
    return html`
      <h3 id="lan-heading">${msg('On your network')}</h3>
      ${
        servers.length === 0
          ? html`<p class="empty">
              ${msg('No rooms found on your network yet. They appear here by themselves.')}
            </p>`
          : html`<ul aria-labelledby="lan-heading">
              ${servers.map(
                (server) =>
                  html`<li>
                    <button
                      type="button"
                      aria-label=${this._label(server)}
                      @click=${() => this._onPick(server)}
                    >
                      <span class="title">${server.room ?? server.name}</span>
                      <span class="where"
                        >${server.room === undefined ? server.display : `${server.name} · ${server.display}`}</span
                      >
                      ${server.locked ? lockIcon : nothing}
                    </button>
                  </li>`
              )}
            </ul>`
      }
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-lan-rooms': MoimLanRooms
  }
}
