import { LitElement, css, html, nothing } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import { createLogger } from '../../../shared/logger'
import { linkIcon } from './call-icons'
import { sharedStyles } from './shared.styles'

const log = createLogger('invite-panel')

/** An SVG QR code of `text` as a data URL; the QR library is fetched the first time one is drawn. */
async function qrDataUrl(text: string): Promise<string> {
  const { default: QRCode } = await import('qrcode')
  const svg = await QRCode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
}

/**
 * The browser client's way to bring people in: the room's invite link with a Copy button, and a QR code of it for
 * a phone's camera. The clipboard API exists only on secure pages (a LAN address over plain HTTP is not one), so
 * Copy falls back to the selection; where even that fails, the link is selected for the user to copy.
 */
@customElement('moim-invite-panel')
@localized()
export class MoimInvitePanel extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        padding: 1rem 1.25rem 1.25rem;
        background: var(--_surface);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }

      h2 {
        margin: 0 0 0.25rem;
        font-size: 1.05rem;
      }

      p {
        margin: 0 0 0.75rem;
        color: var(--_muted-text);
        font-size: 0.9rem;
      }

      .row {
        display: flex;
        gap: 0.5rem;
      }

      .row input {
        flex: 1;
        min-width: 0;
        font-family: ui-monospace, monospace;
        font-size: 0.85rem;
      }

      .row button {
        flex: none;
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
        white-space: nowrap;
      }

      .status {
        min-height: 1.3rem;
        margin: 0.4rem 0 0;
        font-size: 0.85rem;
      }

      figure {
        display: grid;
        justify-items: center;
        gap: 0.4rem;
        margin: 0.75rem 0 0;
      }

      figure img,
      figure .placeholder {
        width: 200px;
        height: 200px;
        border-radius: 10px;
        background: #fff;
      }

      figcaption {
        color: var(--_muted-text);
        font-size: 0.85rem;
        text-align: center;
      }
    `
  ]

  /** The room's invite link (`http://HOST:PORT/?room=ROOM`). */
  @property() link = ''

  @state() private _qr: string | null = null
  @state() private _copied: 'copied' | 'select' | null = null

  @query('input') private _input!: HTMLInputElement

  private _copiedTimer: ReturnType<typeof setTimeout> | undefined

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('link')) return
    this._qr = null
    const link = this.link
    if (!link) return
    qrDataUrl(link).then(
      (url) => {
        if (this.link === link) this._qr = url
      },
      (error: unknown) => log.warn('could not draw the QR code', { error: String(error) })
    )
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearTimeout(this._copiedTimer)
  }

  /** Moves focus to the link, selected, ready to copy. */
  override focus(): void {
    this._input?.focus()
    this._input?.select()
  }

  private async _onCopy(): Promise<void> {
    let copied = false
    try {
      if (navigator.clipboard === undefined) throw new Error('no clipboard API on an insecure page')
      await navigator.clipboard.writeText(this.link)
      copied = true
    } catch {
      this._input.focus()
      this._input.select()
      // The selection fallback: deprecated, yet the one way to copy on a plain-HTTP page.
      copied = document.execCommand('copy')
    }
    this._copied = copied ? 'copied' : 'select'
    clearTimeout(this._copiedTimer)
    this._copiedTimer = setTimeout(() => (this._copied = null), 3_000)
  }

  override render() {
    return html`
      <h2>${msg('Invite people')}</h2>
      <p>${msg('Anyone on this network can join with this link, in a browser or the Moim app.')}</p>
      <div class="row">
        <label class="visually-hidden" for="invite-link">${msg('Invite link')}</label>
        <input
          id="invite-link"
          type="text"
          readonly
          .value=${this.link}
          @focus=${() => this._input.select()}
        />
        <button type="button" class="primary" @click=${this._onCopy}>
          ${linkIcon}<span>${msg('Copy link')}</span>
        </button>
      </div>
      <p class="status" role="status">
        ${
          this._copied === 'copied'
            ? msg('Link copied.')
            : this._copied === 'select'
              ? msg('The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.')
              : nothing
        }
      </p>
      <figure>
        ${
          this._qr
            ? html`<img src=${this._qr} alt=${msg('QR code of the invite link')} />`
            : html`<div class="placeholder" aria-hidden="true"></div>`
        }
        <figcaption>${msg('Point a phone’s camera here to join from it.')}</figcaption>
      </figure>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-invite-panel': MoimInvitePanel
  }
}
