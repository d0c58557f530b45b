import { LitElement, css, html, nothing } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import type { BoardChannel } from '../core/board-channel'
import type { CallError, CallState, ChatEntry, MediaState } from '../core/types'
import { pluralOne } from '../localization'
import { errorMessage, noticeMessage } from './input-messages'
import { MediaQueryController } from '../controllers/media-query-controller'
import { sharedStyles } from './shared.styles'
import { lockIcon } from './icons'
import type { SelfView } from './moim-video-grid'
import './moim-call-controls'
import './moim-chat-panel'
import './moim-video-grid'

/** Chat opens by default on windows at least this wide, where it fits beside the grid. */
export const WIDE_WINDOW_QUERY = '(min-width: 1200px)'

function countIncoming(entries: ChatEntry[]): number {
  let count = 0
  for (const entry of entries) if (entry.kind === 'message' && !entry.self) count++
  return count
}

/**
 * The call: a header with the room, the video grid, the chat panel (open by default on wide windows; counts
 * unread messages while closed) and the control bar. Shows the server connection and media notices.
 * Pure view of `state` and `media`: every intent bubbles up as an event from the controls and the chat.
 *
 * @slot host - the host's invite details (`<moim-host-panel hosting-only>`), shown by "Invite people" when `hosting`
 * @csspart main - the grid and chat area
 */
@customElement('moim-call-view')
@localized()
export class MoimCallView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        grid-template-rows: auto auto minmax(0, 1fr) auto;
        gap: 0.75rem;
        height: 100%;
        min-height: 0;
      }

      header {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        min-width: 0;
      }

      h1 {
        margin: 0;
        font-size: 1.1rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      h1:focus {
        outline: none;
      }

      .people {
        color: var(--_muted-text);
        font-size: 0.9rem;
        white-space: nowrap;
      }

      .messages {
        display: grid;
        gap: 0.5rem;
      }

      .messages:empty {
        display: none;
      }

      .main {
        position: relative;
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.75rem;
        min-height: 0;
      }

      .main.with-chat {
        grid-template-columns: minmax(0, 1fr) minmax(280px, 340px);
      }

      moim-video-grid {
        height: 100%;
      }

      /* The board takes the main area; the videos become a strip above it. */
      .board-area {
        display: grid;
        grid-template-rows: auto minmax(0, 1fr);
        gap: 0.5rem;
        min-height: 0;
        min-width: 0;
      }

      /* At least a tile's own minimum height (120 px), so names stay visible. */
      moim-video-grid.strip {
        --strip: clamp(120px, 16vh, 150px);
        height: var(--strip);
      }

      /* One row of tiles, scrolling sideways when they do not fit ('safe' keeps the first one reachable). */
      moim-video-grid.strip::part(grid) {
        grid-template-columns: none;
        grid-auto-flow: column;
        grid-auto-columns: calc(var(--strip) * 16 / 9);
        grid-template-rows: 100%;
        justify-content: safe center;
        overflow-x: auto;
        gap: 0.5rem;
      }

      @media (max-width: 640px) {
        moim-video-grid.strip::part(grid) {
          grid-auto-columns: calc(var(--strip) * 4 / 3);
        }
      }

      .board-loading {
        display: grid;
        place-items: center;
        color: var(--_muted-text);
      }

      .invite {
        margin-left: auto;
      }

      /* The host's invite details float over the grid, so the call keeps its layout. */
      .invite-panel {
        position: absolute;
        top: 0;
        right: 0;
        z-index: 2;
        width: min(920px, 100%);
        max-height: 100%;
        overflow: auto;
        border-radius: var(--_radius);
        box-shadow: 0 12px 32px rgb(0 0 0 / 45%);
      }

      .invite-panel[hidden] {
        display: none;
      }

      /* Narrow window: the chat covers the grid instead of squeezing it. */
      @media (max-width: 760px) {
        .main.with-chat {
          grid-template-columns: minmax(0, 1fr);
        }

        moim-chat-panel {
          position: absolute;
          inset: 0;
          z-index: 1;
        }
      }
    `
  ]

  /** The call's state (from Call). */
  @property({ attribute: false }) state!: CallState

  /** Local media state (from LocalMedia). */
  @property({ attribute: false }) media!: MediaState

  /** Screen sharing is available here. */
  @property({ type: Boolean, attribute: 'can-share-screen' }) canShareScreen = false

  /** This app hosts the room: offer an "Invite people" panel showing the `host` slot (addresses, QR, Stop). */
  @property({ type: Boolean }) hosting = false

  /** The call's whiteboard connection (Call.board), handed to the board when it opens. */
  @property({ attribute: false }) board: BoardChannel | null = null

  /** Why the last chat message could not be sent, or null. */
  @property({ attribute: false }) chatError: CallError | null = null

  private readonly _wide = new MediaQueryController(this, WIDE_WINDOW_QUERY)

  @state() private _chatOpen = this._wide.matches

  @state() private _inviteOpen = false

  /** The whiteboard's module has loaded (it is fetched the first time the board opens, never at startup). */
  @state() private _boardLoaded = false

  /** Incoming messages the user has seen (all of them while the chat is open). History counts as seen. */
  private _seen = -1

  constructor() {
    super()
    this.addEventListener('moim-toggle-chat', this._onToggleChat)
  }

  /** Whether the chat panel is open. */
  get chatOpen(): boolean {
    return this._chatOpen
  }

  /** Messages from others that arrived while the chat was closed. */
  get unread(): number {
    return Math.max(0, countIncoming(this.state?.chat ?? []) - this._seen)
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const incoming = countIncoming(this.state?.chat ?? [])
    if (this._seen < 0 || this._chatOpen) this._seen = incoming
    if (this.state?.boardOpen && !this._boardLoaded) {
      void import('./moim-whiteboard').then(() => (this._boardLoaded = true))
    }
  }

  override firstUpdated(): void {
    // The lobby that had focus is gone: land on the room's name so screen readers say where the user is.
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus()
  }

  private _onInviteClick(): void {
    this._inviteOpen = !this._inviteOpen
  }

  private readonly _onToggleChat = (): void => {
    this._chatOpen = !this._chatOpen
    if (this._chatOpen) {
      void this.updateComplete.then(() => this.renderRoot.querySelector('moim-chat-panel')?.focus())
    }
  }

  override render() {
    const { state, media } = this
    const room = state.room
    const people = state.participants.length + 1
    const notice = noticeMessage(media.noticeCode, media.notice)
    const self: SelfView = {
      name: state.self?.name ?? '',
      stream: media.localStream,
      muted: media.muted,
      cameraOff: media.cameraOff || (!media.localStream?.getVideoTracks().length && !media.sharingScreen),
      sharingScreen: media.sharingScreen
    }
    return html`
      <header>
        <h1 tabindex="-1">${room?.name ?? ''}</h1>
        ${
          room?.locked
            ? html`${lockIcon}<span class="visually-hidden">${msg('Password protected')}</span>`
            : nothing
        }
        <span class="people"
          >${
            people === 1
              ? msg('Just you')
              : pluralOne(people)
                ? msg(str`${people} person`)
                : msg(str`${people} people`)
          }</span
        >
        ${
          this.hosting
            ? html`<button
                class="invite"
                aria-expanded=${this._inviteOpen ? 'true' : 'false'}
                aria-controls="invite-panel"
                @click=${this._onInviteClick}
              >
                ${this._inviteOpen ? msg('Hide invite') : msg('Invite people')}
              </button>`
            : nothing
        }
      </header>
      <div class="messages">
        ${
          state.server === 'reconnecting'
            ? html`<p class="notice" role="status">
                ${msg('Lost the connection to the server. Reconnecting…')}
              </p>`
            : nothing
        }
        ${
          state.error && state.error.message !== this.chatError?.message
            ? html`<p class="alert" role="alert">${errorMessage(state.error)}</p>`
            : nothing
        }
        ${notice ? html`<p class="notice" role="status">${notice}</p>` : nothing}
        ${media.error ? html`<p class="alert" role="alert">${errorMessage(media.error)}</p>` : nothing}
      </div>
      <div class="main ${this._chatOpen ? 'with-chat' : ''}" part="main">
        ${
          state.boardOpen
            ? html`<div class="board-area">
                <moim-video-grid
                  class="strip"
                  .self=${self}
                  .participants=${state.participants}
                  .speakerId=${media.speakerId}
                ></moim-video-grid>
                ${
                  this._boardLoaded
                    ? html`<moim-whiteboard
                        .channel=${this.board}
                        .participants=${state.participants}
                      ></moim-whiteboard>`
                    : html`<p class="board-loading" role="status">${msg('Opening the whiteboard…')}</p>`
                }
              </div>`
            : html`<moim-video-grid
                .self=${self}
                .participants=${state.participants}
                .speakerId=${media.speakerId}
              ></moim-video-grid>`
        }
        ${
          this._chatOpen
            ? html`<moim-chat-panel
                .entries=${state.chat}
                .sendError=${this.chatError ? errorMessage(this.chatError) : null}
              ></moim-chat-panel>`
            : nothing
        }
        <div id="invite-panel" class="invite-panel" ?hidden=${!this.hosting || !this._inviteOpen}>
          <slot name="host"></slot>
        </div>
      </div>
      <moim-call-controls
        .muted=${media.muted}
        .cameraOff=${media.cameraOff}
        .sharingScreen=${media.sharingScreen}
        .canShareScreen=${this.canShareScreen}
        .chatOpen=${this._chatOpen}
        .boardOpen=${state.boardOpen}
        .boardViewers=${state.participants
          .filter((p) => state.boardViewers.includes(p.peer.id))
          .map((p) => p.peer.name)}
        .unread=${this.unread}
        .media=${media}
      ></moim-call-controls>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-call-view': MoimCallView
  }
}
