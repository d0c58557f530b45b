import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import type { ConnectionQuality, PeerConnectionState } from '../core/types'
import { fire } from './events'
import { cameraOffIcon, closeIcon, handIcon, statsIcon } from './call-icons'
import { cameraIcon, micIcon, micOffIcon, screenIcon } from './icons'
import { handText, qualityText } from './people-words'
import { sharedStyles } from './shared.styles'
import { sidePanelStyles } from './side-panel.styles'

/** One person as the list shows them: what they send and how the connection to them is doing. */
export interface PersonRow {
  id: string
  name: string
  self: boolean
  audio: boolean
  video: boolean
  screen: boolean
  /** Peer.hand, the raise order, or undefined when the hand is down. */
  hand: number | undefined
  /** Null for ourselves. */
  connection: PeerConnectionState | null
  quality: ConnectionQuality | null
}

function connectionWord(row: PersonRow): string | null {
  if (row.connection === null) return null
  switch (row.connection) {
    case 'connecting':
      return msg('Connecting…')
    case 'reconnecting':
      return msg('Reconnecting…')
    case 'failed':
      return msg('Connection failed')
    case 'connected':
      return row.quality === null ? msg('Connected') : qualityText(row.quality)
  }
}

/**
 * Everyone in the call: raised hands first, in the order they went up, then every person (you first) with their
 * microphone, camera, screen, hand and connection. Each state is an icon with its words beside it for screen
 * readers (and as a tooltip), so a row reads as one sentence.
 *
 * @fires moim-toggle-stats - the user wants the connection stats instead
 */
@customElement('moim-people-panel')
@localized()
export class MoimPeoplePanel extends LitElement {
  static override styles = [
    sharedStyles,
    sidePanelStyles,
    css`
      ul,
      ol {
        margin: 0;
        padding: 0 0.5rem;
        list-style: none;
      }

      li {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        padding: 0.45rem 0.5rem;
        border-radius: 8px;
      }

      li:hover {
        background: var(--_surface-2);
      }

      .avatar {
        flex: none;
        display: grid;
        place-items: center;
        width: 2rem;
        height: 2rem;
        border-radius: 50%;
        background: var(--_surface-2);
        border: 1px solid var(--_border);
        font-weight: 600;
        text-transform: uppercase;
        color: var(--_muted-text);
      }

      .who {
        flex: 1;
        min-width: 0;
        display: grid;
      }

      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .detail {
        font-size: 0.8rem;
        color: var(--_muted-text);
      }

      .detail.weak {
        color: var(--_warning);
      }

      .detail.bad,
      .detail.failed {
        color: #ffb4b6;
      }

      .states {
        display: flex;
        gap: 0.35rem;
        color: var(--_muted-text);
      }

      .states svg.icon {
        width: 1.1rem;
        height: 1.1rem;
      }

      .off {
        color: #ffb4b6;
      }

      .on-air {
        color: var(--_accent);
      }

      .hand {
        color: #f5c451;
      }

      .place {
        flex: none;
        min-width: 1.5rem;
        font-weight: 700;
        color: #f5c451;
        text-align: center;
      }
    `
  ]

  /** Ourselves first, then the others in join order. */
  @property({ attribute: false }) people: PersonRow[] = []

  /** Moves focus to the panel's heading, so a screen reader says where it is. */
  override focus(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus()
  }

  private _name(row: PersonRow): string {
    return row.self ? msg(str`${row.name} (you)`) : row.name
  }

  /** One state as an icon, with its words for screen readers and as a tooltip. */
  private _state(icon: unknown, text: string, className = '') {
    return html`<span class=${className} title=${text}
      >${icon}<span class="visually-hidden">${text}</span></span
    >`
  }

  private _renderRow(row: PersonRow) {
    const initial = [...row.name.trim()][0] ?? '?'
    const detail = connectionWord(row)
    const detailClass = row.connection === 'connected' ? (row.quality ?? '') : (row.connection ?? '')
    return html`<li data-person=${row.id}>
      <span class="avatar" aria-hidden="true">${initial}</span>
      <span class="who">
        <span class="name">${this._name(row)}</span>
        ${detail ? html`<span class="detail ${detailClass}">${detail}</span>` : nothing}
      </span>
      <span class="states">
        ${row.hand !== undefined ? this._state(handIcon, msg('Hand raised'), 'hand') : nothing}
        ${row.screen ? this._state(screenIcon, msg('Sharing screen'), 'on-air') : nothing}
        ${
          row.audio
            ? this._state(micIcon, msg('Microphone on'))
            : this._state(micOffIcon, msg('Microphone off'), 'off')
        }
        ${
          row.video || row.screen
            ? this._state(cameraIcon, msg('Camera on'))
            : this._state(cameraOffIcon, msg('Camera off'), 'off')
        }
      </span>
    </li>`
  }

  override render() {
    const count = this.people.length
    const hands = this.people
      .filter((row) => row.hand !== undefined)
      .sort((a, b) => (a.hand ?? 0) - (b.hand ?? 0))
    return html`
      <div class="head">
        <h2 id="people-heading" tabindex="-1">${msg(str`People (${count})`)}</h2>
        <button
          type="button"
          class="small"
          aria-label=${msg('Connection stats')}
          title=${msg('Connection stats')}
          @click=${() => fire(this, 'moim-toggle-stats')}
        >
          ${statsIcon}
        </button>
        <button
          type="button"
          class="small"
          aria-label=${msg('Close people')}
          title=${msg('Close people')}
          @click=${() => fire(this, 'moim-toggle-people')}
        >
          ${closeIcon}
        </button>
      </div>
      <div class="body">
        ${
          hands.length > 0
            ? html`<h3 id="hands-heading">${msg('Raised hands')}</h3>
                <ol aria-labelledby="hands-heading" class="hands">
                  ${hands.map(
                    (row, index) =>
                      html`<li data-hand=${row.id}>
                        <span class="place" aria-hidden="true">${index + 1}</span>
                        <span class="who"><span class="name">${this._name(row)}</span></span>
                        <span class="visually-hidden">${handText(index + 1)}</span>
                      </li>`
                  )}
                </ol>`
            : nothing
        }
        <h3 id="everyone-heading">${msg('In the call')}</h3>
        <ul aria-labelledby="everyone-heading" class="everyone">
          ${this.people.map((row) => this._renderRow(row))}
        </ul>
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-people-panel': MoimPeoplePanel
  }
}
