import { LitElement, css, html, nothing } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { applySpeaker } from '../core/speaker-output'
import type { PeerConnectionState } from '../core/types'
import { sharedStyles } from './shared.styles'
import { micOffIcon, screenIcon } from './icons'
import { handText } from './people-words'
import type { TileStatus } from './moim-tile-status'

function connectionText(state: PeerConnectionState): string {
  switch (state) {
    case 'connecting':
      return msg('Connecting…')
    case 'connected':
      return msg('Connected')
    case 'reconnecting':
      return msg('Reconnecting…')
    case 'failed':
      return msg('Connection failed')
  }
}

/**
 * One person in the call: their video (or an initial when the camera is off), name, and status badges.
 * Remote tiles play the person's audio through the same <video> element, routed to the chosen speaker.
 *
 * The host element is a labelled group (`role="group"`, `aria-label` with the name and state) and reflects
 * `data-connection` so styles and tests can read the peer's connection state.
 *
 * @csspart tile - the framed box
 * @csspart video - the <video> element
 * @csspart name - the name label
 */
@customElement('moim-video-tile')
@localized()
export class MoimVideoTile extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        min-width: 0;
        min-height: 0;
      }

      .tile {
        position: relative;
        width: 100%;
        height: 100%;
        min-height: 120px;
        overflow: hidden;
        border-radius: var(--_radius);
        background: var(--_surface);
        border: 1px solid var(--_border);
      }

      :host([data-connection='failed']) .tile {
        border-color: var(--_danger);
      }

      :host([data-connection='reconnecting']) .tile,
      :host([data-connection='connecting']) .tile {
        border-color: color-mix(in srgb, var(--_warning) 60%, transparent);
      }

      video {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        object-fit: cover;
        background: #000;
      }

      video.screen {
        object-fit: contain;
      }

      video.mirrored {
        transform: scaleX(-1);
      }

      video[hidden] {
        display: none;
      }

      .avatar {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
      }

      .avatar span {
        display: grid;
        place-items: center;
        width: clamp(3rem, 28%, 6rem);
        aspect-ratio: 1;
        border-radius: 50%;
        background: var(--_surface-2);
        border: 1px solid var(--_border);
        font-size: clamp(1.25rem, 4vw, 2.25rem);
        font-weight: 600;
        color: var(--_muted-text);
        text-transform: uppercase;
      }

      .footer {
        position: absolute;
        left: 0.5rem;
        right: 0.5rem;
        bottom: 0.5rem;
        display: flex;
        gap: 0.4rem;
        align-items: center;
        flex-wrap: wrap;
      }

      .chip {
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
        max-width: 100%;
        padding: 0.2rem 0.55rem;
        border-radius: 999px;
        background: rgb(10 12 16 / 72%);
        font-size: 0.85rem;
        line-height: 1.4;
      }

      .chip svg.icon {
        width: 1rem;
        height: 1rem;
      }

      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .muted {
        color: #ffb4b6;
      }

      .screen-badge {
        color: var(--_accent);
      }

      .connection {
        position: absolute;
        top: 0.5rem;
        left: 0.5rem;
      }

      .connection.failed {
        color: #ffb4b6;
      }

      .connection.connecting,
      .connection.reconnecting {
        color: var(--_warning);
      }

      .play {
        position: absolute;
        top: 0.5rem;
        right: 0.5rem;
        font-size: 0.85rem;
      }
    `
  ]

  /** Display name of the person. */
  @property() name = ''

  /** True for the local user's own tile: its audio is never played back, and "(you)" is added to the name. */
  @property({ type: Boolean }) self = false

  /** The person's media; null until tracks arrive. */
  @property({ attribute: false }) stream: MediaStream | null = null

  /** The person's microphone is muted. */
  @property({ type: Boolean }) muted = false

  /** The person's camera is off (the tile shows their initial instead of video). */
  @property({ type: Boolean, attribute: 'camera-off' }) cameraOff = false

  /** The person shares their screen instead of their camera. */
  @property({ type: Boolean }) screen = false

  /** Flip the video horizontally, as a mirror (the self view of a camera). */
  @property({ type: Boolean }) mirrored = false

  /** State of the peer connection; null for the self tile. */
  @property() connection: PeerConnectionState | null = null

  /** Audio output device for this tile's sound (remote tiles only); null for the system default. */
  @property({ attribute: false }) speakerId: string | null = null

  /** Hand, reactions and connection quality, drawn over the video by moim-tile-status; null for none. */
  @property({ attribute: false }) status: TileStatus | null = null

  /** The browser refused to start playback with sound until the user interacts with the page. */
  @state() private _playBlocked = false

  @query('video') private _video!: HTMLVideoElement

  override connectedCallback(): void {
    super.connectedCallback()
    this.setAttribute('role', 'group')
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const parts = [this._displayName()]
    if (this.muted) parts.push(msg('muted'))
    // "video off", not "camera off": an aria-label containing "camera" would also match getByLabel('Camera').
    if (this.cameraOff) parts.push(msg('video off'))
    if (this.screen) parts.push(msg('sharing screen'))
    if (this.connection && this.connection !== 'connected') parts.push(connectionText(this.connection))
    if (this.status?.hand != null) parts.push(handText(this.status.hand))
    this.setAttribute(
      'aria-label',
      parts.join(msg(', ', { desc: 'Between the parts of a video tile’s label' }))
    )
    if (changed.has('connection')) {
      if (this.connection) this.setAttribute('data-connection', this.connection)
      else this.removeAttribute('data-connection')
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The overlays load with the first status (in a call): the lobby's preview tile never needs them.
    if (changed.has('status') && this.status !== null) void import('./moim-tile-status')
    const video = this._video
    if (changed.has('stream') && video.srcObject !== this.stream) {
      video.srcObject = this.stream
      if (this.stream) this._play()
    }
    if ((changed.has('speakerId') || changed.has('stream')) && !this.self)
      void applySpeaker(video, this.speakerId)
  }

  /** "Ann (you)" on the self tile, just "You" before a name is typed. */
  private _displayName(): string {
    if (!this.self) return this.name
    return this.name.trim() ? msg(str`${this.name} (you)`) : msg('You')
  }

  private _play(): void {
    this._video.play().then(
      () => (this._playBlocked = false),
      (error: unknown) => {
        // Autoplay with sound needs a user gesture in a browser tab opened straight from an invite link.
        if (error instanceof DOMException && error.name === 'NotAllowedError') this._playBlocked = true
      }
    )
  }

  private _onPlayClick(): void {
    this._play()
  }

  override render() {
    const showVideo = this.stream !== null && !this.cameraOff
    const initial = [...this.name.trim()][0] ?? '?'
    const connection = this.connection && this.connection !== 'connected' ? this.connection : null
    return html`
      <div class="tile" part="tile">
        <video
          part="video"
          class=${[this.mirrored ? 'mirrored' : '', this.screen ? 'screen' : ''].join(' ')}
          ?hidden=${!showVideo}
          .muted=${this.self}
          autoplay
          playsinline
        ></video>
        ${showVideo ? nothing : html`<div class="avatar" aria-hidden="true"><span>${initial}</span></div>`}
        ${
          connection
            ? html`<span class="chip connection ${connection}">${connectionText(connection)}</span>`
            : nothing
        }
        ${
          this._playBlocked
            ? html`<button class="play" @click=${this._onPlayClick}>${msg('Play sound')}</button>`
            : nothing
        }
        <moim-tile-status .status=${this.status}></moim-tile-status>
        <div class="footer">
          <span class="chip name" part="name">${this._displayName()}</span>
          ${this.muted ? html`<span class="chip muted">${micOffIcon}${msg('Muted')}</span>` : nothing}
          ${this.cameraOff ? html`<span class="chip">${msg('Camera off')}</span>` : nothing}
          ${
            this.screen
              ? html`<span class="chip screen-badge">${screenIcon}${msg('Sharing screen')}</span>`
              : nothing
          }
        </div>
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-video-tile': MoimVideoTile
  }
}
