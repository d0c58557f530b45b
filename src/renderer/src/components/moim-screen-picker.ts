import { LitElement, css, html, nothing } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import type { ScreenChoice, ScreenPickRequest, ScreenSource } from '../../../shared/ipc'
import { platform } from '../platform'
import type { Platform } from '../platform'
import { sharedStyles } from './shared.styles'

/**
 * The in-app "share your screen" picker (desktop app): main sends the screens and windows it can capture, with
 * thumbnails; the user picks one and presses Share, or cancels (Escape works). The answer goes back to main, which
 * grants that source to getDisplayMedia or denies it.
 *
 * `installScreenPicker()` shows one on every request; the app shell installs it in the desktop app, whatever the
 * user does there (host or guest).
 *
 * @fires moim-screen-choose - `{ requestId, sourceId }`, sourceId null when cancelled
 */
@customElement('moim-screen-picker')
@localized()
export class MoimScreenPicker extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      dialog {
        width: min(860px, 94vw);
        max-height: 88vh;
        padding: 1.25rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
        color: var(--_text);
      }

      dialog::backdrop {
        background: rgb(0 0 0 / 60%);
      }

      h2 {
        margin: 0 0 1rem;
        font-size: 1.1rem;
      }

      h3 {
        margin: 0.5rem 0;
        font-size: 0.95rem;
        color: var(--_muted-text);
      }

      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
        gap: 0.75rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }

      .source {
        display: grid;
        gap: 0.4rem;
        width: 100%;
        padding: 0.5rem;
        text-align: left;
        background: var(--_bg);
      }

      .source[aria-pressed='true'] {
        border-color: var(--_accent);
        box-shadow: var(--_focus);
      }

      .source img,
      .source .blank {
        width: 100%;
        aspect-ratio: 16 / 9;
        object-fit: contain;
        background: black;
        border-radius: 6px;
      }

      .source span {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-size: 0.9rem;
      }

      .actions {
        display: flex;
        justify-content: end;
        gap: 0.6rem;
        margin-top: 1rem;
      }
    `
  ]

  /** The pending request from main, or null when the picker is closed. */
  @property({ attribute: false }) request: ScreenPickRequest | null = null

  @state() private _chosen: string | null = null

  @query('dialog') private _dialog!: HTMLDialogElement

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('request')) this._chosen = this.request?.sources[0]?.id ?? null
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('request')) return
    if (this.request && !this._dialog.open) this._dialog.showModal()
    else if (!this.request && this._dialog.open) this._dialog.close()
  }

  private _answer(sourceId: string | null): void {
    const request = this.request
    if (!request) return
    this.request = null
    this.dispatchEvent(
      new CustomEvent('moim-screen-choose', {
        detail: { requestId: request.requestId, sourceId },
        bubbles: true,
        composed: true
      })
    )
  }

  /** Escape, or the dialog closed any other way, counts as Cancel. */
  private _onCancel(event: Event): void {
    event.preventDefault()
    this._answer(null)
  }

  private _renderGroup(title: string, sources: ScreenSource[]) {
    if (sources.length === 0) return nothing
    return html`<h3>${title}</h3>
      <ul class="grid" role="list">
        ${sources.map(
          (source) =>
            html`<li>
              <button
                type="button"
                class="source"
                aria-pressed=${this._chosen === source.id ? 'true' : 'false'}
                @click=${() => (this._chosen = source.id)}
                @dblclick=${() => this._answer(source.id)}
              >
                ${
                  source.thumbnail
                    ? html`<img src=${source.thumbnail} alt="" />`
                    : html`<div class="blank" aria-hidden="true"></div>`
                }
                <span title=${source.name}>${source.name}</span>
              </button>
            </li>`
        )}
      </ul>`
  }

  override render() {
    const sources = this.request?.sources ?? []
    return html`<dialog aria-labelledby="picker-heading" @cancel=${this._onCancel}>
      <h2 id="picker-heading">${msg('Choose what to share')}</h2>
      ${this._renderGroup(
        msg('Screens'),
        sources.filter((source) => source.kind === 'screen')
      )}
      ${this._renderGroup(
        msg('Windows'),
        sources.filter((source) => source.kind === 'window')
      )}
      <div class="actions">
        <button type="button" @click=${() => this._answer(null)}>${msg('Cancel')}</button>
        <button
          type="button"
          class="primary"
          ?disabled=${this._chosen === null}
          @click=${() => this._answer(this._chosen)}
        >
          ${msg('Share')}
        </button>
      </div>
    </dialog>`
  }
}

/**
 * Shows a picker in `container` for every screen request main sends, and sends the answer back. Returns a function
 * that stops listening and removes the picker.
 */
export function installScreenPicker(
  bridge: Platform = platform,
  container: HTMLElement = document.body
): () => void {
  const picker = document.createElement('moim-screen-picker')
  container.append(picker)
  const onChoose = (event: CustomEvent<ScreenChoice>): void => {
    void bridge.screen.choose(event.detail)
  }
  picker.addEventListener('moim-screen-choose', onChoose)
  const off = bridge.screen.onPick((request) => {
    if (request.sources.length === 0) {
      // Main withdrew this request (timed out or replaced): close the picker only if it is still showing it.
      if (picker.request?.requestId === request.requestId) picker.request = null
      return
    }
    // A new request while one is open replaces it: main has already withdrawn the old one.
    picker.request = request
  })
  return () => {
    off()
    picker.removeEventListener('moim-screen-choose', onChoose)
    picker.remove()
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-screen-picker': MoimScreenPicker
  }
  interface GlobalEventHandlersEventMap {
    'moim-screen-choose': CustomEvent<ScreenChoice>
  }
}
