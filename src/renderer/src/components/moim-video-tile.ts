import { LitElement, css, html, nothing } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { applySpeaker } from '../core/speaker-output'
import type { PeerConnectionState } from '../core/types'
import { fire } from './events'
import { sharedStyles } from './shared.styles'
import { micOffIcon, screenIcon, speakingIcon } from './icons'
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
 * One person in the call (or the lobby's preview): their video (or an initial when the camera is off), name, and
 * status badges; in the call, with `controls`, the buttons of `moim-tile-actions` (pin, full screen,
 * picture-in-picture), which the grid loads. The video is never cropped (`object-fit: contain`): the grid gives the
 * tile its video's shape.
 * Remote tiles play the person's audio through the same <video> element, routed to the chosen speaker.
 *
 * The host element is a labelled group (`role="group"`, `aria-label` with the name and state) and reflects
 * `data-connection` so styles and tests can read the peer's connection state, and `speaking` while the person
 * talks.
 *
 * @fires moim-tile-aspect - the video changed shape; `detail.aspect` is width / height, or null without video
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
        /* The grid sets width and height; a tile on its own (the lobby's preview) takes a camera's shape. */
        aspect-ratio: 16 / 9;
        /* Chips and buttons follow the tile's own size (a strip tile is small, the stage large). */
        container-type: size;
      }

      .tile {
        position: relative;
        width: 100%;
        height: 100%;
        overflow: hidden;
        border-radius: var(--_radius);
        background: var(--_surface);
        border: 1px solid var(--_border);
      }

      /* Whoever is talking: a ring inside the frame, so it is not clipped and the tile does not grow. */
      :host([speaking]) .tile::after {
        content: '';
        position: absolute;
        inset: 0;
        z-index: 3;
        border-radius: inherit;
        box-shadow: inset 0 0 0 3px var(--_accent);
        pointer-events: none;
      }

      moim-tile-actions {
        position: absolute;
        top: 0.4rem;
        right: 0.4rem;
        z-index: 4;
        opacity: 0;
        transition: opacity 120ms ease;
      }

      /* Shown on hover and to the keyboard; always on touch screens, which have no hover. */
      .tile:hover moim-tile-actions,
      moim-tile-actions:focus-within,
      :host([pinned]) moim-tile-actions {
        opacity: 1;
      }

      @media (hover: none) {
        moim-tile-actions {
          opacity: 1;
        }
      }

      :host(:fullscreen) {
        background: #000;
      }

      :host(:fullscreen) .tile {
        border: none;
        border-radius: 0;
        background: #000;
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
        /* Never cover: a crop cuts off faces and the edges of a shared screen. */
        object-fit: contain;
        background: #000;
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
      }

      /* The chip is a flex box, whose text would be clipped without an ellipsis: the name is its own item. */
      .name-text {
        min-width: 0;
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

      /* In the middle, clear of the corner buttons and the name. */
      .play {
        position: absolute;
        top: 50%;
        left: 50%;
        z-index: 2;
        transform: translate(-50%, -50%);
        font-size: 0.85rem;
        white-space: nowrap;
      }

      /* Hand, reactions and quality sit over the video, under the tile's own buttons. */
      moim-tile-status {
        z-index: 1;
      }

      .speaking-icon {
        color: var(--_accent);
      }

      /* A small strip tile keeps the name, the muted icon and the pin only. */
      @container (max-width: 240px) {
        .chip:not(.name, .muted) {
          display: none;
        }

        .chip.muted .label {
          display: none;
        }

        .footer {
          left: 0.3rem;
          bottom: 0.3rem;
          right: 0.3rem;
          flex-wrap: nowrap;
        }

        .chip.name {
          min-width: 0;
        }

        .chip {
          font-size: 0.75rem;
          padding: 0.1rem 0.45rem;
        }
      }

      @container (min-width: 720px) {
        .chip {
          font-size: 0.95rem;
        }
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

  /** The tile is pinned to the stage. */
  @property({ type: Boolean, reflect: true }) pinned = false

  /** The person is talking now. */
  @property({ type: Boolean, reflect: true }) speaking = false

  /** Show the call's buttons (pin, full screen, picture-in-picture); `moim-tile-actions` must be loaded. */
  @property({ type: Boolean }) controls = false
  /** Hand, reactions and connection quality, drawn over the video by moim-tile-status; null for none. */
  @property({ attribute: false }) status: TileStatus | null = null

  /** The browser refused to start playback with sound until the user interacts with the page. */
  @state() private _playBlocked = false

  @query('video') private _video!: HTMLVideoElement

  override connectedCallback(): void {
    super.connectedCallback()
    this.setAttribute('role', 'group')
  }

  /** The tile's <video>, for picture-in-picture. */
  get video(): HTMLVideoElement {
    return this._video
  }

  private _onVideoResize(): void {
    const { videoWidth, videoHeight } = this._video
    fire(this, 'moim-tile-aspect', {
      aspect: videoWidth > 0 && videoHeight > 0 ? videoWidth / videoHeight : null
    })
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
      else fire(this, 'moim-tile-aspect', { aspect: null })
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
          class=${this.mirrored ? 'mirrored' : ''}
          ?hidden=${!showVideo}
          .muted=${this.self}
          autoplay
          playsinline
          @resize=${this._onVideoResize}
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
        ${
          this.controls
            ? html`<moim-tile-actions
                .name=${this._displayName()}
                .target=${this}
                ?pinned=${this.pinned}
                ?has-video=${showVideo}
              ></moim-tile-actions>`
            : nothing
        }
        <moim-tile-status .status=${this.status}></moim-tile-status>
        <div class="footer">
          <span class="chip name" part="name"
            >${this.speaking ? html`<span class="speaking-icon">${speakingIcon}</span>` : nothing}<span
              class="name-text"
              >${this._displayName()}</span
            ></span
          >
          ${
            this.muted
              ? html`<span class="chip muted">${micOffIcon}<span class="label">${msg('Muted')}</span></span>`
              : nothing
          }
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
