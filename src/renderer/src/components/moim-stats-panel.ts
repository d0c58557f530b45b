import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import type { ConnectionQuality, ConnectionStats, StreamStats } from '../core/types'
import { formatNumber } from '../localization'
import { fire } from './events'
import { closeIcon, peopleIcon } from './call-icons'
import { qualityText } from './people-words'
import { sharedStyles } from './shared.styles'
import { sidePanelStyles } from './side-panel.styles'

/** One connection as the panel shows it. */
export interface StatsRow {
  peerId: string
  name: string
  quality: ConnectionQuality | null
  stats: ConnectionStats | null
}

const DASH = '–'

function kbps(value: number | null): string {
  if (value === null) return DASH
  return value >= 1000
    ? msg(str`${formatNumber(value / 1000, 1)} Mbit/s`)
    : msg(str`${formatNumber(value, 0)} kbit/s`)
}

function video(stream: StreamStats | null): string {
  if (stream === null) return msg('none')
  const parts: string[] = []
  if (stream.width !== null && stream.height !== null) parts.push(`${stream.width}×${stream.height}`)
  if (stream.fps !== null) parts.push(msg(str`${formatNumber(stream.fps, 0)} fps`))
  parts.push(kbps(stream.bitrateKbps))
  return parts.join(' · ')
}

/**
 * For the curious: each connection's codec, resolution, frame rate, bitrate, round-trip time and loss, as the call
 * core reads them from getStats every two seconds. One description list per connection, so each figure is read
 * with its name.
 *
 * @fires moim-toggle-people - back to the people list
 */
@customElement('moim-stats-panel')
@localized()
export class MoimStatsPanel extends LitElement {
  static override styles = [
    sharedStyles,
    sidePanelStyles,
    css`
      section {
        margin: 0.75rem 0.75rem 0;
        padding: 0.6rem 0.75rem;
        border: 1px solid var(--_border);
        border-radius: 10px;
        background: var(--_surface-2);
      }

      h3 {
        margin: 0 0 0.4rem;
        display: flex;
        align-items: baseline;
        gap: 0.5rem;
        text-transform: none;
        letter-spacing: 0;
        font-size: 0.95rem;
        color: var(--_text);
      }

      .quality {
        font-size: 0.8rem;
        font-weight: 500;
        color: var(--_muted-text);
      }

      .quality.good {
        color: var(--_ok);
      }

      .quality.weak {
        color: var(--_warning);
      }

      .quality.bad {
        color: #ffb4b6;
      }

      dl {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr);
        gap: 0.25rem 0.75rem;
        margin: 0;
        font-size: 0.85rem;
      }

      dt {
        color: var(--_muted-text);
      }

      dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
        overflow-wrap: anywhere;
      }
    `
  ]

  /** One entry per remote person, in join order. */
  @property({ attribute: false }) connections: StatsRow[] = []

  override focus(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus()
  }

  private _renderConnection(row: StatsRow) {
    const s = row.stats
    const codec = s?.videoIn?.codec ?? s?.videoOut?.codec ?? null
    return html`<section aria-labelledby="stats-${row.peerId}" data-peer-id=${row.peerId}>
      <h3 id="stats-${row.peerId}">
        <span>${row.name}</span>
        ${
          row.quality
            ? html`<span class="quality ${row.quality}">${qualityText(row.quality)}</span>`
            : nothing
        }
      </h3>
      ${
        s === null
          ? html`<p class="empty">${msg('Measuring…')}</p>`
          : html`<dl>
              <dt>${msg('Video codec')}</dt>
              <dd>${codec ?? DASH}</dd>
              <dt>${msg('Receiving')}</dt>
              <dd>${video(s.videoIn)}</dd>
              <dt>${msg('Sending')}</dt>
              <dd>${video(s.videoOut)}</dd>
              <dt>${msg('Round trip')}</dt>
              <dd>${s.rttMs === null ? DASH : msg(str`${s.rttMs} ms`)}</dd>
              <dt>${msg('Packet loss')}</dt>
              <dd>${s.lossPercent === null ? DASH : `${formatNumber(s.lossPercent, 1)}%`}</dd>
              <dt>${msg('In / out')}</dt>
              <dd>${kbps(s.receiveKbps)} / ${kbps(s.sendKbps)}</dd>
            </dl>`
      }
    </section>`
  }

  override render() {
    return html`
      <div class="head">
        <h2 tabindex="-1">${msg('Connection stats')}</h2>
        <button
          type="button"
          class="small"
          aria-label=${msg('Back to people')}
          title=${msg('Back to people')}
          @click=${() => fire(this, 'moim-toggle-people')}
        >
          ${peopleIcon}
        </button>
        <button
          type="button"
          class="small"
          aria-label=${msg('Close connection stats')}
          title=${msg('Close connection stats')}
          @click=${() => fire(this, 'moim-toggle-stats')}
        >
          ${closeIcon}
        </button>
      </div>
      <div class="body">
        ${
          this.connections.length === 0
            ? html`<p class="empty">${msg('Nobody else is here yet: there is no connection to measure.')}</p>`
            : this.connections.map((row) => this._renderConnection(row))
        }
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-stats-panel': MoimStatsPanel
  }
}
