import { LitElement, css, html } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import { fire } from './events'
import { sharedStyles } from './shared.styles'

/**
 * Shown when the call ended from the other side (the host stopped the room, or the server went away for good).
 * Focus moves to the heading so screen readers announce what happened.
 *
 * @fires moim-back-to-lobby - the user wants to go back to the lobby
 */
@customElement('moim-ended-view')
@localized()
export class MoimEndedView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: 60vh;
      }

      .card {
        display: grid;
        gap: 1rem;
        justify-items: center;
        text-align: center;
        max-width: 28rem;
        padding: 2rem;
        background: var(--_surface);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }

      h2 {
        margin: 0;
        font-size: 1.4rem;
      }

      /* Focus lands here only so screen readers read the news; no ring on a heading nobody tabbed to. */
      h2:focus {
        outline: none;
      }

      [role='alert'] {
        display: grid;
        gap: 0.75rem;
      }

      p {
        margin: 0;
        color: var(--_muted-text);
      }
    `
  ]

  /** The headline; empty: the host ended the room. */
  @property() heading = ''

  /** A sentence of detail under the headline; empty: the one for a room the host ended. */
  @property() detail = ''

  @query('h2') private _heading!: HTMLHeadingElement

  override firstUpdated(): void {
    this._heading.focus()
  }

  private _onBackClick(): void {
    fire(this, 'moim-back-to-lobby')
  }

  override render() {
    return html`<div class="card">
      <div role="alert">
        <h2 tabindex="-1">${this.heading || msg('The host ended the room')}</h2>
        <p>${this.detail || msg('Everyone was disconnected. You can join another room from the lobby.')}</p>
      </div>
      <button class="primary" @click=${this._onBackClick}>${msg('Back to lobby')}</button>
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-ended-view': MoimEndedView
  }
}
