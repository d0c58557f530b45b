import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import type { DeviceInfo, DeviceKind, MediaState } from '../core/types'
import { fire } from './events'
import { sharedStyles } from './shared.styles'
import { cameraIcon, echoIcon, micIcon, speakerIcon, waveIcon } from './icons'

interface Row {
  kind: DeviceKind
  label: string
  devices: DeviceInfo[]
  selected: string | null
  empty: string
}

/**
 * Three selects, labelled "Camera", "Microphone" and "Speaker", for the devices the call uses, and the browser's
 * noise suppression and echo cancellation for the microphone (checkboxes in the lobby, pressed toggles in the bar).
 * Used stacked with visible labels in the lobby and `compact` (icon labels) in the call's control bar.
 *
 * @fires moim-select-device - the user picked a device (`detail.kind`, `detail.id`)
 * @fires moim-set-audio-processing - the user turned noise suppression or echo cancellation on or off
 */
@customElement('moim-device-picker')
@localized()
export class MoimDevicePicker extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: 0.75rem;
      }

      :host([compact]) {
        display: flex;
        gap: 0.5rem;
        flex-wrap: wrap;
      }

      .row {
        display: grid;
        gap: 0.3rem;
        min-width: 0;
      }

      :host([compact]) .row {
        display: flex;
        align-items: center;
        gap: 0.3rem;
      }

      label {
        font-size: 0.85rem;
        color: var(--_muted-text);
      }

      :host([compact]) label {
        display: inline-flex;
        color: var(--_muted-text);
      }

      .processing {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 1rem;
        font-size: 0.9rem;
      }

      .processing label {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        font-size: 0.9rem;
        color: var(--_text);
      }

      .processing input {
        width: auto;
        margin: 0;
        accent-color: var(--_accent);
      }

      :host([compact]) .processing {
        gap: 0.35rem;
      }

      .processing button {
        display: inline-grid;
        place-items: center;
        width: 2.4rem;
        height: 2.4rem;
        padding: 0;
        border-radius: 50%;
      }

      .processing button[aria-pressed='true'] {
        background: color-mix(in srgb, var(--_accent) 25%, var(--_surface-2));
        border-color: var(--_accent);
      }

      :host([compact]) select {
        width: 9.5rem;
        padding: 0.45rem 0.5rem;
        font-size: 0.9rem;
        text-overflow: ellipsis;
      }
    `
  ]

  /** Available devices and the current choice; null while devices are not known yet. */
  @property({ attribute: false }) media: MediaState | null = null

  /** Small inline layout with icons for labels (the text stays for screen readers). */
  @property({ type: Boolean, reflect: true }) compact = false

  private _onChange(kind: DeviceKind, event: Event): void {
    const id = (event.target as HTMLSelectElement).value
    if (id) fire(this, 'moim-select-device', { kind, id })
  }

  private _onProcessing(key: 'noiseSuppression' | 'echoCancellation', on: boolean): void {
    fire(this, 'moim-set-audio-processing', { [key]: on })
  }

  private _renderProcessing() {
    const m = this.media
    const rows = [
      {
        key: 'noiseSuppression',
        label: msg('Noise suppression'),
        on: m?.noiseSuppression ?? true,
        icon: waveIcon
      },
      {
        key: 'echoCancellation',
        label: msg('Echo cancellation'),
        on: m?.echoCancellation ?? true,
        icon: echoIcon
      }
    ] as const
    if (this.compact) {
      return html`<div class="processing" role="group" aria-label=${msg('Microphone processing')}>
        ${rows.map(
          (row) =>
            html`<button
              type="button"
              aria-pressed=${row.on ? 'true' : 'false'}
              title=${row.label}
              @click=${() => this._onProcessing(row.key, !row.on)}
            >
              ${row.icon}<span class="visually-hidden">${row.label}</span>
            </button>`
        )}
      </div>`
    }
    return html`<div class="processing" role="group" aria-label=${msg('Microphone processing')}>
      ${rows.map(
        (row) =>
          html`<label
            ><input
              type="checkbox"
              .checked=${row.on}
              @change=${(e: Event) => this._onProcessing(row.key, (e.target as HTMLInputElement).checked)}
            />${row.label}</label
          >`
      )}
    </div>`
  }

  private _renderRow(row: Row, icon: unknown) {
    const id = `device-${row.kind}`
    const none = row.devices.length === 0
    return html`<div class="row">
      <label for=${id}
        >${this.compact ? html`${icon}<span class="visually-hidden">${row.label}</span>` : row.label}</label
      >
      <select id=${id} ?disabled=${none} @change=${(e: Event) => this._onChange(row.kind, e)}>
        ${
          none
            ? html`<option value="">${row.empty}</option>`
            : row.devices.map(
                (d, i) =>
                  html`<option value=${d.id} ?selected=${d.id === row.selected}>
                    ${d.label || `${row.label} ${i + 1}`}
                  </option>`
              )
        }
      </select>
    </div>`
  }

  override render() {
    const m = this.media
    // Before LocalMedia has looked (no lists, no notice yet), "No camera found" would be a false alarm.
    const looking =
      m === null ||
      (m.cameras.length + m.microphones.length + m.speakers.length === 0 && !m.notice && !m.error)
    const empty = (text: string) => (looking ? msg('Looking for devices…') : text)
    return html`
      ${this._renderRow(
        {
          kind: 'camera',
          label: msg('Camera'),
          devices: m?.cameras ?? [],
          selected: m?.cameraId ?? null,
          empty: empty(msg('No camera found'))
        },
        cameraIcon
      )}
      ${this._renderRow(
        {
          kind: 'microphone',
          label: msg('Microphone'),
          devices: m?.microphones ?? [],
          selected: m?.microphoneId ?? null,
          empty: empty(msg('No microphone found'))
        },
        micIcon
      )}
      ${this._renderRow(
        {
          kind: 'speaker',
          label: msg('Speaker'),
          devices: m?.speakers ?? [],
          selected: m?.speakerId ?? null,
          empty: empty(msg('System default'))
        },
        speakerIcon
      )}
      ${this._renderProcessing()}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-device-picker': MoimDevicePicker
  }
}
