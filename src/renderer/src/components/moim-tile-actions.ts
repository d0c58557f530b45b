import { LitElement, css, html, nothing } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { fire } from './events'
import { exitFullscreenIcon, fullscreenIcon, pinIcon, pipIcon } from './call-icons'
import { sharedStyles } from './shared.styles'

/**
 * A call tile's buttons: pin, full screen (also by double-click on the tile; Escape leaves) and picture-in-picture
 * where the platform has it. Rendered by `moim-video-tile` in the call only, and loaded with the call view: the
 * lobby's preview tile has no use for them, and the startup bundle has a budget.
 *
 * @fires moim-tile-pin - the pin button was pressed (the grid pins or unpins the tile)
 */
@customElement('moim-tile-actions')
@localized()
export class MoimTileActions extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        gap: 0.3rem;
      }

      button {
        display: grid;
        place-items: center;
        width: 2.1rem;
        height: 2.1rem;
        padding: 0;
        border: none;
        border-radius: 50%;
        background: rgb(10 12 16 / 72%);
      }

      button:hover:not(:disabled) {
        background: rgb(40 46 56 / 92%);
      }

      button[aria-pressed='true'] {
        background: var(--_accent);
        color: var(--_accent-text);
      }

      svg.icon {
        width: 1.1rem;
        height: 1.1rem;
      }

      /* A small strip tile keeps the pin only. */
      @container (max-width: 240px) {
        button:not(.pin) {
          display: none;
        }
      }
    `
  ]

  /** The person's name as the tile shows it, for the buttons' names. */
  @property() name = ''

  /** The tile is pinned. */
  @property({ type: Boolean }) pinned = false

  /** The tile: what goes full screen, and whose video goes into picture-in-picture. */
  @property({ attribute: false }) target: (HTMLElement & { readonly video: HTMLVideoElement }) | null = null

  /** The tile shows video now (picture-in-picture has something to show). */
  @property({ type: Boolean, attribute: 'has-video' }) hasVideo = false

  @state() private _fullscreen = false

  @state() private _pip = false

  override connectedCallback(): void {
    super.connectedCallback()
    document.addEventListener('fullscreenchange', this._onFullscreenChange)
    document.addEventListener('keydown', this._onKeyDown)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    document.removeEventListener('fullscreenchange', this._onFullscreenChange)
    document.removeEventListener('keydown', this._onKeyDown)
    this._listen(this.target, false)
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('target')) {
      this._listen(changed.get('target') ?? null, false)
      this._listen(this.target, true)
    }
  }

  /** Double-clicks on the tile, and its video entering and leaving picture-in-picture (events that stay in it). */
  private _listen(tile: MoimTileActions['target'], on: boolean): void {
    if (tile === null) return
    const method = on ? 'addEventListener' : 'removeEventListener'
    tile[method]('dblclick', this._onDoubleClick as EventListener)
    tile.video[method]('enterpictureinpicture', this._onPipChange)
    tile.video[method]('leavepictureinpicture', this._onPipChange)
  }

  /** Shows the tile full screen, or leaves full screen if it is. */
  async toggleFullscreen(): Promise<void> {
    try {
      if (this._isFullscreen()) await document.exitFullscreen()
      else await this.target?.requestFullscreen()
    } catch {
      // Refused (no user gesture, or full screen not allowed here): the tile stays where it is.
    }
  }

  /**
   * Whether the tile is full screen now. Asked of the document, not of `_fullscreen`: `fullscreenchange` comes a
   * frame after the change, and an Escape pressed in between must still leave.
   */
  private _isFullscreen(): boolean {
    // Inside a shadow root, the document reports its outermost host; the tile's own root reports the tile.
    const root = this.target?.getRootNode() as Document | ShadowRoot | undefined
    return this.target !== null && root?.fullscreenElement === this.target
  }

  private readonly _onFullscreenChange = (): void => {
    this._fullscreen = this._isFullscreen()
  }

  private readonly _onKeyDown = (event: KeyboardEvent): void => {
    // A browser window leaves full screen on Escape by itself; Electron and headless Chromium only if the page does.
    if (event.code === 'Escape' && this._isFullscreen()) void document.exitFullscreen().catch(() => undefined)
  }

  private readonly _onDoubleClick = (event: MouseEvent): void => {
    // A double-click on a button is two presses of that button, not a wish for full screen.
    if (event.composedPath().some((node) => node instanceof HTMLButtonElement)) return
    void this.toggleFullscreen()
  }

  private readonly _onPipChange = (event: Event): void => {
    this._pip = event.type === 'enterpictureinpicture'
  }

  private _onPinClick(): void {
    fire(this, 'moim-tile-pin')
  }

  private async _onPipClick(): Promise<void> {
    const video = this.target?.video
    if (!video) return
    try {
      if (this._pip) await document.exitPictureInPicture()
      else await video.requestPictureInPicture()
    } catch {
      // Refused (no video frames yet, or the platform said no): nothing changes.
    }
  }

  override render() {
    const name = this.name
    const fullscreen = this._fullscreen ? msg('Exit full screen') : msg(str`Show ${name} full screen`)
    const pip = msg(str`Picture-in-picture: ${name}`)
    return html`
      <button
        class="pin"
        aria-label=${msg(str`Pin ${name}`)}
        title=${msg(str`Pin ${name}`)}
        aria-pressed=${this.pinned ? 'true' : 'false'}
        @click=${this._onPinClick}
      >
        ${pinIcon}
      </button>
      <button class="fullscreen" aria-label=${fullscreen} title=${fullscreen} @click=${this.toggleFullscreen}>
        ${this._fullscreen ? exitFullscreenIcon : fullscreenIcon}
      </button>
      ${
        this.hasVideo && document.pictureInPictureEnabled
          ? html`<button
              class="pip"
              aria-label=${pip}
              title=${pip}
              aria-pressed=${this._pip ? 'true' : 'false'}
              @click=${this._onPipClick}
            >
              ${pipIcon}
            </button>`
          : nothing
      }
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-tile-actions': MoimTileActions
  }
}
