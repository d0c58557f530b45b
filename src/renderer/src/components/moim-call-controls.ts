import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import type { MediaState } from '../core/types'
import { KeyboardShortcutsController } from '../controllers/keyboard-shortcuts-controller'
import { pluralOne } from '../localization'
import { fire } from './events'
import { sharedStyles } from './shared.styles'
import { roundToggleStyles } from './round-toggle.styles'
import { boardIcon, cameraOffIcon, chatIcon, leaveIcon, settingsIcon } from './call-icons'
import { cameraIcon, micIcon, micOffIcon, screenIcon } from './icons'
import './moim-device-picker'
import './moim-people-controls'

/**
 * The call's control bar (with moim-people-controls for hand, reactions and the people list): microphone and camera toggles (also on the M and V keys, by their position on the
 * keyboard so they work on every layout, when focus is not in a text field), device selects, screen sharing, the
 * chat toggle with its unread count, and Leave.
 * Toggles keep one accessible name ("Microphone", "Camera", "Share screen", "Chat") and announce their state with
 * `aria-pressed` (pressed: on); the tooltip says what a press does. The component only reports intents, the app
 * applies them.
 *
 * @fires moim-toggle-mute - the user wants the microphone muted or unmuted
 * @fires moim-toggle-camera - the user wants the camera off or on
 * @fires moim-toggle-screen - the user wants to start or stop sharing the screen
 * @fires moim-toggle-chat - the user wants the chat panel shown or hidden
 * @fires moim-toggle-board - the user wants the whiteboard opened or closed (also the B key)
 * @fires moim-leave - the user wants to leave the call
 * @fires moim-select-device - from the device selects
 * @csspart bar - the toolbar
 */
@customElement('moim-call-controls')
@localized()
export class MoimCallControls extends LitElement {
  static override styles = [
    sharedStyles,
    roundToggleStyles,
    css`
      :host {
        display: block;
      }

      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: center;
        gap: 0.75rem 1.25rem;
        padding: 0.75rem 1rem;
        background: var(--_surface);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }

      .group {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }

      /* A microphone or camera that is off shows red. */
      .toggle.input[aria-pressed='false']:not(:disabled) {
        background: color-mix(in srgb, var(--_danger) 22%, var(--_surface-2));
        border-color: color-mix(in srgb, var(--_danger) 70%, transparent);
      }

      .toggle.on[aria-pressed='true'] {
        background: color-mix(in srgb, var(--_accent) 25%, var(--_surface-2));
        border-color: var(--_accent);
      }

      .leave {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        border-radius: 999px;
        padding: 0.6rem 1.1rem;
      }

      .devices-toggle {
        display: none;
      }

      .leave {
        white-space: nowrap;
      }

      /* Phones: the device selects fold away behind a Devices button so the bar stays one or two rows. */
      @media (max-width: 640px) {
        .devices-toggle {
          display: inline-grid;
        }

        moim-device-picker:not(.open) {
          display: none;
        }

        moim-device-picker {
          order: 1;
          flex-basis: 100%;
          justify-content: center;
        }

        /* The red button keeps its name for screen readers and tooltips, and fits the row as a circle. */
        .leave {
          width: 2.9rem;
          height: 2.9rem;
          padding: 0;
          justify-content: center;
        }

        .leave span {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip-path: inset(50%);
          white-space: nowrap;
        }
      }

      .badge {
        background: var(--_accent);
        color: var(--_accent-text);
      }
    `
  ]

  /** The microphone is muted. */
  @property({ type: Boolean }) muted = false

  /** The camera is off. */
  @property({ type: Boolean, attribute: 'camera-off' }) cameraOff = false

  /** The screen is being shared. */
  @property({ type: Boolean, attribute: 'sharing-screen' }) sharingScreen = false

  /** Screen sharing is possible here (getDisplayMedia exists); hides the button otherwise. */
  @property({ type: Boolean, attribute: 'can-share-screen' }) canShareScreen = false

  /** The chat panel is open. */
  @property({ type: Boolean, attribute: 'chat-open' }) chatOpen = false

  /** The whiteboard is open here. */
  @property({ type: Boolean, attribute: 'board-open' }) boardOpen = false

  /** Names of the others who have the whiteboard open. */
  @property({ attribute: false }) boardViewers: string[] = []

  /** Messages that arrived while the chat was closed. */
  @property({ type: Number }) unread = 0

  /** Our hand is up. */
  @property({ type: Boolean, attribute: 'hand-raised' }) handRaised = false

  /** The people list is shown. */
  @property({ type: Boolean, attribute: 'people-open' }) peopleOpen = false

  /** Hands up in the room, ours included. */
  @property({ type: Number }) hands = 0

  /** Devices for the selects; null hides nothing but leaves them empty. */
  @property({ attribute: false }) media: MediaState | null = null

  /** Phones only: the device selects are shown. */
  @state() private _devicesOpen = false

  constructor() {
    super()
    // Key codes, not characters: on a Korean layout M types 'ㅡ' and V 'ㅍ'.
    new KeyboardShortcutsController(this, {
      KeyM: () => this._onMuteClick(),
      KeyV: () => this._onCameraClick(),
      KeyB: () => this._onBoardClick()
    })
  }

  /** No microphone to mute (none found, or permission denied); unknown devices count as present. */
  private get _noMicrophone(): boolean {
    return this.media !== null && this.media.microphones.length === 0
  }

  private get _noCamera(): boolean {
    return this.media !== null && this.media.cameras.length === 0
  }

  /** Gives focus back to the People button, after its panel closed. */
  focusPeople(): void {
    this.renderRoot.querySelector('moim-people-controls')?.focusPeople()
  }

  private _onMuteClick(): void {
    if (!this._noMicrophone) fire(this, 'moim-toggle-mute')
  }

  private _onCameraClick(): void {
    if (!this._noCamera) fire(this, 'moim-toggle-camera')
  }

  private _onScreenClick(): void {
    fire(this, 'moim-toggle-screen')
  }

  private _onChatClick(): void {
    fire(this, 'moim-toggle-chat')
  }

  private _onBoardClick(): void {
    fire(this, 'moim-toggle-board')
  }

  private _onDevicesClick(): void {
    this._devicesOpen = !this._devicesOpen
  }

  private _onLeaveClick(): void {
    fire(this, 'moim-leave')
  }

  override render() {
    const unreadText = pluralOne(this.unread)
      ? msg(str`${this.unread} unread message`)
      : msg(str`${this.unread} unread messages`)
    return html`
      <div class="bar" role="group" aria-label=${msg('Call controls')} part="bar">
        <div class="group">
          <button
            class="toggle input"
            aria-pressed=${this.muted ? 'false' : 'true'}
            ?disabled=${this._noMicrophone}
            title=${
              this._noMicrophone
                ? msg('No microphone')
                : this.muted
                  ? msg('Unmute microphone (M)')
                  : msg('Mute microphone (M)')
            }
            aria-keyshortcuts="M"
            @click=${this._onMuteClick}
          >
            ${this.muted ? micOffIcon : micIcon}
            <span class="visually-hidden">${msg('Microphone')}</span>
          </button>
          <button
            class="toggle input"
            aria-pressed=${this.cameraOff ? 'false' : 'true'}
            ?disabled=${this._noCamera}
            title=${
              this._noCamera
                ? msg('No camera')
                : this.cameraOff
                  ? msg('Turn camera on (V)')
                  : msg('Turn camera off (V)')
            }
            aria-keyshortcuts="V"
            @click=${this._onCameraClick}
          >
            ${this.cameraOff ? cameraOffIcon : cameraIcon}
            <span class="visually-hidden">${msg('Camera')}</span>
          </button>
          ${
            this.canShareScreen
              ? html`<button
                  class="toggle on"
                  aria-pressed=${this.sharingScreen ? 'true' : 'false'}
                  title=${this.sharingScreen ? msg('Stop sharing screen') : msg('Share screen')}
                  @click=${this._onScreenClick}
                >
                  ${screenIcon}
                  <span class="visually-hidden">${msg('Share screen')}</span>
                </button>`
              : nothing
          }
        </div>
        <button
          class="toggle devices-toggle"
          aria-expanded=${this._devicesOpen ? 'true' : 'false'}
          aria-controls="devices"
          title=${msg('Devices')}
          @click=${this._onDevicesClick}
        >
          ${settingsIcon}<span class="visually-hidden">${msg('Devices')}</span>
        </button>
        <moim-device-picker
          id="devices"
          class=${this._devicesOpen ? 'open' : ''}
          compact
          .media=${this.media}
        ></moim-device-picker>
        <div class="group">
          <moim-people-controls
            ?hand-raised=${this.handRaised}
            ?people-open=${this.peopleOpen}
            .hands=${this.hands}
          ></moim-people-controls>
          <button
            class="toggle on"
            aria-label=${msg('Chat')}
            aria-pressed=${this.chatOpen ? 'true' : 'false'}
            aria-expanded=${this.chatOpen ? 'true' : 'false'}
            aria-describedby="unread"
            title=${msg('Chat')}
            @click=${this._onChatClick}
          >
            ${chatIcon}
            ${
              this.unread > 0 && !this.chatOpen
                ? html`<span class="badge" aria-hidden="true"
                    >${this.unread > 99 ? '99+' : this.unread}</span
                  >`
                : nothing
            }
          </button>
          <span id="unread" class="visually-hidden"
            >${this.unread > 0 && !this.chatOpen ? unreadText : ''}</span
          >
          <button
            class="toggle on"
            aria-label=${msg('Whiteboard')}
            aria-pressed=${this.boardOpen ? 'true' : 'false'}
            aria-keyshortcuts="B"
            aria-describedby="board-viewers"
            title=${this.boardOpen ? msg('Close the whiteboard (B)') : msg('Open the whiteboard (B)')}
            @click=${this._onBoardClick}
          >
            ${boardIcon}
            ${
              this.boardViewers.length > 0 && !this.boardOpen
                ? html`<span class="badge" aria-hidden="true">${this.boardViewers.length}</span>`
                : nothing
            }
          </button>
          <span id="board-viewers" class="visually-hidden"
            >${
              this.boardViewers.length > 0 ? msg(str`On the whiteboard: ${this.boardViewers.join(', ')}`) : ''
            }</span
          >
          <button class="danger leave" title=${msg('Leave call')} @click=${this._onLeaveClick}>
            ${leaveIcon}<span>${msg('Leave call')}</span>
          </button>
        </div>
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-call-controls': MoimCallControls
  }
}
