import { LitElement, css, html, nothing } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import type { SpeakerState } from '../core/speaker-store'
import type { CallLayout } from '../core/preferences'
import type { Peer } from '../../../shared/protocol'
import type { BoardChannel } from '../core/board-channel'
import type { CallError, CallState, ChatEntry, MediaState } from '../core/types'
import { pluralOne } from '../localization'
import { errorMessage, noticeMessage } from './input-messages'
import { MediaQueryController } from '../controllers/media-query-controller'
import { sharedStyles } from './shared.styles'
import { fire } from './events'
import { gridIcon, speakerLayoutIcon } from './call-icons'
import { lockIcon } from './icons'
import { SELF_KEY } from './moim-video-grid'
import type { SelfView } from './moim-video-grid'
import type { TileStatus } from './moim-tile-status'
import type { PersonRow } from './moim-people-panel'
import type { StatsRow } from './moim-stats-panel'
import type { RoomBoard } from './moim-whiteboard'
import './moim-call-controls'
import './moim-chat-panel'
import './moim-video-grid'

/** Chat opens by default on windows at least this wide, where it fits beside the grid. */
export const WIDE_WINDOW_QUERY = '(min-width: 1200px)'

/** The side panels besides the chat, each its own module, fetched the first time it opens. */
type SidePanel = 'people' | 'stats'
const loadPanel: Record<SidePanel | 'invite', () => Promise<unknown>> = {
  people: () => import('./moim-people-panel'),
  stats: () => import('./moim-stats-panel'),
  invite: () => import('./moim-invite-panel')
}

/** Each person's place in the queue of raised hands (1 = first up), by peer id. */
function handPlaces(peers: readonly Peer[]): Map<string, number> {
  const up = peers.filter((peer) => peer.hand !== undefined).sort((a, b) => (a.hand ?? 0) - (b.hand ?? 0))
  return new Map(up.map((peer, index) => [peer.id, index + 1]))
}

/** A person as the people list shows them (the list's module is loaded only when it opens). */
function personRow(
  peer: Peer,
  self: boolean,
  connection: PersonRow['connection'],
  quality: PersonRow['quality']
): PersonRow {
  const { id, name, audio, video, screen, hand } = peer
  return { id, name, self, audio, video, screen, hand, connection, quality }
}

function countIncoming(entries: ChatEntry[]): number {
  let count = 0
  for (const entry of entries) if (entry.kind === 'message' && !entry.self) count++
  return count
}

/**
 * The call: a header with the room and the layout switch, the video grid, the chat panel (open by default on wide
 * windows; counts unread messages while closed) and the control bar. Shows the server connection and media notices.
 * Pure view of `state`, `media` and `speakers`: every intent bubbles up as an event from the controls and the chat.
 *
 * @fires moim-layout-change - the layout switch was pressed; `detail.layout` is the layout asked for
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

      .side {
        display: grid;
        min-height: 0;
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

      .board-loading {
        display: grid;
        place-items: center;
        color: var(--_muted-text);
      }

      .layouts {
        display: flex;
        gap: 0.25rem;
        margin-left: auto;
      }

      .layouts button {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        padding: 0.35rem 0.7rem;
        border-radius: 999px;
        color: var(--_muted-text);
        background: transparent;
        font-size: 0.9rem;
      }

      .layouts button[aria-pressed='true'] {
        color: var(--_text);
        border-color: var(--_accent);
        background: color-mix(in srgb, var(--_accent) 18%, transparent);
      }

      .layouts svg.icon {
        width: 1.1rem;
        height: 1.1rem;
      }

      /* One line, even on a phone, where it leaves the room's name the rest of the header. */
      .invite {
        white-space: nowrap;
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

      /* Narrow window: the chat goes under the grid, which keeps the upper part so people stay in sight. */
      @media (max-width: 760px) {
        .main.with-chat {
          grid-template-columns: minmax(0, 1fr);
          grid-template-rows: minmax(0, 2fr) minmax(0, 3fr);
        }
      }

      /* A phone: the switch shows its icons only (their names stay for screen readers). */
      @media (max-width: 480px) {
        .layouts .label {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip-path: inset(50%);
          white-space: nowrap;
        }

        .layouts button,
        .invite {
          padding: 0.35rem 0.5rem;
        }

        /* The room's name keeps room to be read; the switch and the invite go to a second line if they must. */
        header {
          flex-wrap: wrap;
          row-gap: 0.4rem;
        }

        h1 {
          min-width: min(7rem, 100%);
        }
      }
    `
  ]

  /** The call's state (from Call). */
  @property({ attribute: false }) state!: CallState

  /** Local media state (from LocalMedia). */
  @property({ attribute: false }) media!: MediaState

  /** Who is talking (from the call core's ActiveSpeakers). */
  @property({ attribute: false }) speakers: SpeakerState = { speaking: [], active: null }

  /** The layout the user chose (from the Session). */
  @property() layout: CallLayout = 'grid'

  /** Screen sharing is available here. */
  @property({ type: Boolean, attribute: 'can-share-screen' }) canShareScreen = false

  /** This app hosts the room: offer an "Invite people" panel showing the `host` slot (addresses, QR, Stop). */
  @property({ type: Boolean }) hosting = false

  /** The call's whiteboard connection (Call.board), handed to the board when it opens. */
  @property({ attribute: false }) board: BoardChannel | null = null

  /** Why the last chat message could not be sent, or null. */
  @property({ attribute: false }) chatError: CallError | null = null

  /**
   * The room's invite link, for a browser client to share (copy, QR code) under "Invite people"; null where the
   * app has no link to give. A host's own invite details come through the `host` slot instead.
   */
  @property({ attribute: false }) inviteLink: string | null = null

  private readonly _wide = new MediaQueryController(this, WIDE_WINDOW_QUERY)

  @state() private _chatOpen = this._wide.matches

  @state() private _inviteOpen = false

  /** The people list or the stats, shown in the chat's place (one side panel at a time, as in Meet). */
  @state() private _panel: SidePanel | null = null
  /**
   * The room's board, once it has been opened (its code is fetched then, never at startup). Kept while the board
   * is closed, so reopening it needs no new sync; disposed when this view goes with the room.
   */
  @state() private _roomBoard: RoomBoard | null = null
  private _boardLoading = false

  /** Incoming messages the user has seen (all of them while the chat is open). History counts as seen. */
  private _seen = -1

  constructor() {
    super()
    this.addEventListener('moim-toggle-chat', this._onToggleChat)
    this.addEventListener('moim-toggle-people', () => this._togglePanel('people'))
    this.addEventListener('moim-toggle-stats', () => this._togglePanel('stats'))
  }

  /** The side panel shown instead of the chat, if any. */
  get panel(): SidePanel | null {
    return this._panel
  }

  private _togglePanel(panel: SidePanel): void {
    this._panel = this._panel === panel ? null : panel
    if (this._panel === null) {
      // Closed from inside the panel too: focus must not be left on a button that is gone.
      void this.updateComplete.then(() => this.renderRoot.querySelector('moim-call-controls')?.focusPeople())
      return
    }
    this._chatOpen = false
    const shown = this._panel
    void loadPanel[shown]()
      .then(() => this.updateComplete)
      .then(() => this.renderRoot.querySelector<HTMLElement>(`moim-${shown}-panel`)?.focus())
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
    if (_changed.has('board') && _changed.get('board') != null) this._dropBoard()
    if (this.state?.boardOpen && this._roomBoard === null && !this._boardLoading && this.board !== null) {
      this._boardLoading = true
      const channel = this.board
      void import('./moim-whiteboard')
        .then(({ openRoomBoard }) => {
          if (this.isConnected && this.board === channel) this._roomBoard = openRoomBoard(channel)
        })
        // Not fetched (the page's server gone): the next update tries again.
        .catch(() => undefined)
        .finally(() => (this._boardLoading = false))
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this._dropBoard()
  }

  /** Lets the room's board go: its model stops listening to the connection. */
  private _dropBoard(): void {
    this._roomBoard?.model.dispose()
    this._roomBoard = null
  }

  override firstUpdated(): void {
    // The lobby that had focus is gone: land on the room's name so screen readers say where the user is.
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus()
  }

  private _onLayoutClick(layout: CallLayout): void {
    if (layout !== this.layout) fire(this, 'moim-layout-change', { layout })
  }

  private _renderLayoutSwitch() {
    const option = (layout: CallLayout, icon: unknown, label: string) =>
      html`<button
        type="button"
        aria-pressed=${this.layout === layout ? 'true' : 'false'}
        @click=${() => this._onLayoutClick(layout)}
      >
        ${icon}<span class="label">${label}</span>
      </button>`
    return html`<div class="layouts" role="group" aria-label=${msg('Layout')}>
      ${option('grid', gridIcon, msg('Grid', { desc: 'The call layout of equal tiles' }))}
      ${option(
        'speaker',
        speakerLayoutIcon,
        // Its own id: the speaker device (스피커) is also "Speaker" in English.
        msg('Speaker', { id: 'layout-speaker', desc: 'The call layout showing whoever talks large' })
      )}
    </div>`
  }

  private _onInviteClick(): void {
    this._inviteOpen = !this._inviteOpen
    if (this._inviteOpen && !this.hosting) {
      void loadPanel
        .invite()
        .then(() => this.updateComplete)
        .then(() => this.renderRoot.querySelector<HTMLElement>('moim-invite-panel')?.focus())
    }
  }

  private readonly _onToggleChat = (): void => {
    this._chatOpen = !this._chatOpen
    if (this._chatOpen) this._panel = null
    if (this._chatOpen) {
      void this.updateComplete.then(() => this.renderRoot.querySelector('moim-chat-panel')?.focus())
    }
  }

  /** What each tile shows over its video: hand, reactions, connection quality. */
  private _statuses(): Map<string, TileStatus> {
    const { state } = this
    const selfPeer = state.self
    const places = handPlaces(selfPeer ? [selfPeer, ...state.participants.map((p) => p.peer)] : [])
    const statuses = new Map<string, TileStatus>()
    const reactionsOf = (id: string) => state.reactions.filter((reaction) => reaction.from === id)
    if (selfPeer) {
      statuses.set(SELF_KEY, {
        hand: places.get(selfPeer.id) ?? null,
        reactions: reactionsOf(selfPeer.id),
        quality: null
      })
    }
    for (const p of state.participants) {
      statuses.set(p.peer.id, {
        hand: places.get(p.peer.id) ?? null,
        reactions: reactionsOf(p.peer.id),
        quality: p.connection === 'connected' ? (p.quality ?? null) : null
      })
    }
    return statuses
  }

  private _people(): PersonRow[] {
    const { state } = this
    const rows: PersonRow[] = []
    if (state.self) {
      rows.push(personRow(state.self, true, null, null))
    }
    for (const p of state.participants) {
      rows.push(personRow(p.peer, false, p.connection, p.quality ?? null))
    }
    return rows
  }

  private _connections(): StatsRow[] {
    return this.state.participants.map((p) => ({
      peerId: p.peer.id,
      name: p.peer.name,
      quality: p.quality ?? null,
      stats: p.stats ?? null
    }))
  }

  private _renderSide() {
    if (this._chatOpen) {
      return html`<moim-chat-panel
        .entries=${this.state.chat}
        .sendError=${this.chatError ? errorMessage(this.chatError) : null}
      ></moim-chat-panel>`
    }
    if (this._panel === 'people') {
      return html`<div class="side"><moim-people-panel .people=${this._people()}></moim-people-panel></div>`
    }
    if (this._panel === 'stats') {
      return html`<div class="side">
        <moim-stats-panel .connections=${this._connections()}></moim-stats-panel>
      </div>`
    }
    return nothing
  }

  override render() {
    const { state, media } = this
    const room = state.room
    const people = state.participants.length + 1
    const notice = noticeMessage(media.noticeCode, media.notice)
    const self: SelfView = {
      id: state.self?.id ?? '',
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
        ${this._renderLayoutSwitch()}
        ${
          this.hosting || this.inviteLink
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
          state.notice === 'rejoined-afresh'
            ? html`<p class="notice" role="status">
                ${msg('The connection dropped for too long to keep your place, so you joined the room again.')}
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
      <div class="main ${this._chatOpen || this._panel ? 'with-chat' : ''}" part="main">
        ${
          state.boardOpen
            ? html`<div class="board-area">
                <moim-video-grid
                  class="strip"
                  .self=${self}
                  .participants=${state.participants}
                  .speakerId=${media.speakerId}
                  layout="grid"
                  .speakers=${this.speakers}
                  .statuses=${this._statuses()}
                ></moim-video-grid>
                ${
                  this._roomBoard !== null
                    ? html`<moim-whiteboard
                        .board=${this._roomBoard}
                        .participants=${state.participants}
                      ></moim-whiteboard>`
                    : html`<p class="board-loading" role="status">${msg('Opening the whiteboard…')}</p>`
                }
              </div>`
            : html`
                <moim-video-grid
                  .self=${self}
                  .participants=${state.participants}
                  .speakerId=${media.speakerId}
                  .layout=${this.layout}
                  .speakers=${this.speakers}
                  .statuses=${this._statuses()}
                ></moim-video-grid>
              `
        }
        ${this._renderSide()}
        <div
          id="invite-panel"
          class="invite-panel"
          ?hidden=${!(this.hosting || this.inviteLink) || !this._inviteOpen}
        >
          ${
            this.hosting
              ? html`<slot name="host"></slot>`
              : this.inviteLink && this._inviteOpen
                ? html`<moim-invite-panel .link=${this.inviteLink}></moim-invite-panel>`
                : nothing
          }
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
        .handRaised=${state.self?.hand !== undefined}
        .peopleOpen=${this._panel !== null}
        .hands=${handPlaces([...(state.self ? [state.self] : []), ...state.participants.map((p) => p.peer)]).size}
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
