import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import { Session, readUrlIntent } from '../core/session'
import type { CallError, CallState, MediaState } from '../core/types'
import type { SessionState } from '../core/session'
import type { SpeakerState } from '../core/speaker-store'
import type { CallLayout } from '../core/preferences'
import { StoreController } from '../controllers/store-controller'
import { canHost, pageServer, platform } from '../platform'
import { chooseLanguage, currentLanguage } from '../localization'
import type { Language } from '../localization'
import type { HostStatus } from '../../../shared/ipc'
import type { JoinAddress } from '../../../shared/join-address'
import type { AudioProcessingDetail, JoinRequestDetail, SelectDeviceDetail } from './events'
import type { Reaction } from '../../../shared/protocol'
import { sharedStyles } from './shared.styles'
import { createLogger } from '../../../shared/logger'
import './moim-lobby'

const log = createLogger('app')

/** What the ended view says for why the call ended (the host's room, the user's own, a lost connection). */
function endedText(code: CallError['code'] | 'self-ended' | undefined): { heading: string; detail: string } {
  switch (code) {
    case 'self-ended':
      return {
        heading: msg('You stopped hosting'),
        detail: msg(
          'The room is closed and everyone was disconnected. Host again or join a room from the lobby.'
        )
      }
    case 'disconnected':
      return {
        heading: msg('Lost the connection'),
        detail: msg('The server could not be reached again. Check the network, then join from the lobby.')
      }
    default:
      return {
        heading: msg('The host ended the room'),
        detail: msg('Everyone was disconnected. You can join another room from the lobby.')
      }
  }
}

/**
 * The in-call and ended views, loaded after the lobby has rendered (or at once when a join starts): joining needs
 * only the lobby, and the startup bundle has a budget. Both come together, while the server is surely there: in a
 * browser the page's server is the host, and once the host ends the room nothing can be fetched from it.
 */
const loadCallViews = () => Promise.all([import('./moim-call-view'), import('./moim-ended-view')])

/** The switch's languages, each named in itself. */
const LANGUAGE_NAMES: { language: Language; name: string }[] = [
  { language: 'ko', name: '한국어' },
  { language: 'en', name: 'English' }
]

/**
 * The app shell: owns the Session, shows the view for the call's phase (lobby -> joining -> in call -> ended) and
 * turns the components' events into Session calls; it keeps UI state only (tabs, a dismissed ended view, the last
 * chat error). The Session decides what the page's server and `?room=&name=` invite mean.
 */
@customElement('moim-app')
@localized()
export class MoimApp extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        min-height: 0;
      }

      .top {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        padding: 0.9rem 1.25rem 0;
      }

      .brand {
        margin: 0;
        font-size: 1.25rem;
        font-weight: 700;
        letter-spacing: 0.01em;
      }

      .tagline {
        color: var(--_muted-text);
        font-size: 0.9rem;
      }

      main {
        flex: 1;
        min-height: 0;
        padding: 1rem 1.25rem 1.25rem;
        overflow: auto;
      }

      main.call {
        overflow: hidden;
      }

      .tabs {
        display: flex;
        gap: 0.25rem;
        max-width: 980px;
        margin: 0 auto 1rem;
        border-bottom: 1px solid var(--_border);
      }

      .tab {
        border: none;
        border-bottom: 2px solid transparent;
        border-radius: 8px 8px 0 0;
        background: transparent;
        color: var(--_muted-text);
        font-weight: 600;
      }

      .tab:hover:not(:disabled) {
        background: var(--_surface);
      }

      .tab[aria-selected='true'] {
        color: var(--_text);
        border-bottom-color: var(--_accent);
      }

      .host {
        display: block;
        max-width: 980px;
        margin: 0 auto;
      }

      .languages {
        display: flex;
        gap: 0.25rem;
        margin-left: auto;
      }

      .languages button {
        padding: 0.3rem 0.7rem;
        font-size: 0.85rem;
        border-radius: 999px;
        color: var(--_muted-text);
        background: transparent;
      }

      .languages button[aria-pressed='true'] {
        color: var(--_text);
        border-color: var(--_accent);
        background: color-mix(in srgb, var(--_accent) 18%, transparent);
      }

      /* Phones: the tagline gives way to the brand and the language switch. */
      @media (max-width: 480px) {
        .tagline {
          display: none;
        }
      }
    `
  ]

  private readonly _session = new Session({
    platform,
    pageServer: pageServer(),
    intent: readUrlIntent(globalThis.location?.search ?? '')
  })
  private readonly _sessionState = new StoreController<SessionState>(this, this._session)
  private readonly _callState = new StoreController<CallState>(this, this._session.call)
  private readonly _mediaState = new StoreController<MediaState>(this, this._session.media)
  private readonly _speakers = new StoreController<SpeakerState>(this, this._session.call.speakers)

  /** The user left the "ended" view; show the lobby until the next join. */
  @state() private _endedDismissed = false

  @state() private _chatError: CallError | null = null

  /** Desktop: which lobby tab is shown, joining someone's room or hosting one. */
  @state() private _lobbyTab: 'join' | 'host' = 'join'

  /** Desktop: this app is hosting a room now (its embedded server runs). */
  @state() private _hosting: { localUrl: string } | null = null

  private _offHost: (() => void) | null = null
  private _offPicker: (() => void) | null = null

  override connectedCallback(): void {
    super.connectedCallback()
    void this._session.start()
    // The call view is needed only once a join succeeds: fetch it when the lobby is up, before anyone presses Join.
    setTimeout(() => void loadCallViews(), 0)
    if (platform.isDesktopApp) {
      // Every getDisplayMedia in the desktop app is answered by the in-app picker, a guest's in-call share as much
      // as a host's: it comes with the app, not with host mode.
      void import('./moim-screen-picker').then(({ installScreenPicker }) => {
        if (this.isConnected && this._offPicker === null) this._offPicker = installScreenPicker()
      })
    }
    if (canHost()) {
      this._offHost = platform.host.onChanged((status) => this._onHostStatus(status))
      void platform.host.status().then((status) => {
        if (status.ok) this._onHostStatus(status.value)
      })
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this._offHost?.()
    this._offPicker?.()
    this._offPicker = null
    this._session.dispose()
  }

  protected override willUpdate(): void {
    // Host mode is loaded when it is first shown (the Host tab, or a room this app already hosts): guests and
    // browsers never download it.
    if (canHost() && (this._lobbyTab === 'host' || this._hosting !== null)) void import('./moim-host-panel')
    const phase = this._callState.value.phase
    if (phase !== 'lobby' || this._sessionState.value.joining) void loadCallViews()
  }

  protected override updated(): void {
    const room = this._callState.value.room
    const brand = msg('Moim', { desc: 'The app’s name (모임, “a gathering”)' })
    document.title = this._callState.value.phase === 'in-call' && room ? `${room.name} · ${brand}` : brand
  }

  private _onHostStatus(status: HostStatus): void {
    this._hosting = status.running ? { localUrl: status.localUrl } : null
  }

  /** `ownRoom`: the join comes from the host panel, into the room this app hosts. */
  private _startJoin(request: JoinRequestDetail, ownRoom = false): void {
    this._endedDismissed = false
    void this._session.join({ ...request, ownRoom })
  }

  private _onJoin(event: CustomEvent<JoinRequestDetail>): void {
    this._startJoin(event.detail)
  }

  private _onHostJoin(event: CustomEvent<JoinRequestDetail>): void {
    this._startJoin(event.detail, true)
  }

  private _onServerChange(event: CustomEvent<{ server: JoinAddress }>): void {
    void this._session.selectServer(event.detail.server)
  }

  private _onSelectDevice(event: CustomEvent<SelectDeviceDetail>): void {
    void this._session.media.selectDevice(event.detail.kind, event.detail.id)
  }

  private _onToggleMute(): void {
    void this._session.call.setMuted(!this._mediaState.value.muted)
  }

  private _onToggleCamera(): void {
    void this._session.call.setCameraOff(!this._mediaState.value.cameraOff)
  }

  private _onToggleScreen(): void {
    if (this._mediaState.value.sharingScreen) void this._session.call.stopScreenShare()
    else void this._session.call.startScreenShare()
  }

  private _onToggleHand(): void {
    void this._session.call.setHand(this._callState.value.self?.hand === undefined)
  }

  private _onSendReaction(event: CustomEvent<{ emoji: Reaction }>): void {
    void this._session.call.sendReaction(event.detail.emoji)
  }

  private _onSetAudioProcessing(event: CustomEvent<AudioProcessingDetail>): void {
    void this._session.media.setAudioProcessing(event.detail)
  }

  /** A browser's invite link to the room it is in: the page's own server, with `?room=`. */
  private _inviteLink(state: CallState): string | null {
    if (!this._session.hasPageServer || state.room === null) return null
    return `${location.origin}/?room=${encodeURIComponent(state.room.name)}`
  }

  private _onToggleBoard(): void {
    this._session.call.setBoardOpen(!this._callState.value.boardOpen)
  }

  private async _onSendChat(event: CustomEvent<{ text: string }>): Promise<void> {
    const result = await this._session.call.sendChat(event.detail.text)
    this._chatError = result.ok ? null : result.error
  }

  private _onLayoutChange(event: CustomEvent<{ layout: CallLayout }>): void {
    this._session.setLayout(event.detail.layout)
  }

  private _onLeave(): void {
    void this._session.leave()
    this._chatError = null
  }

  private _onBackToLobby(): void {
    this._endedDismissed = true
    // The lobby lists the page server's rooms again (and says so if it is gone).
    void this._session.backToLobby()
  }

  private _onLanguageClick(language: Language): void {
    chooseLanguage(language).catch((error: unknown) =>
      // In a browser whose host has gone, the language's module may not load: the UI stays as it is.
      log.warn('could not switch the language', { language, error: String(error) })
    )
  }

  private _onTabClick(tab: 'join' | 'host'): void {
    this._lobbyTab = tab
  }

  /** Arrow keys move between the two tabs, as the ARIA tabs pattern expects. */
  private _onTabKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return
    event.preventDefault()
    this._lobbyTab = this._lobbyTab === 'join' ? 'host' : 'join'
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`#tab-${this._lobbyTab}`)?.focus()
    )
  }

  /** Desktop: "Join a room" and "Host a room" as tabs, so only one form (one "Your name", one "Room") is shown. */
  private _renderTabs() {
    const tab = (id: 'join' | 'host', label: string) =>
      html`<button
        id="tab-${id}"
        role="tab"
        class="tab"
        aria-selected=${this._lobbyTab === id ? 'true' : 'false'}
        aria-controls="lobby-panel"
        tabindex=${this._lobbyTab === id ? '0' : '-1'}
        @click=${() => this._onTabClick(id)}
      >
        ${label}
      </button>`
    return html`<div class="tabs" role="tablist" @keydown=${this._onTabKeyDown}>
      ${tab('join', msg('Join a room'))} ${tab('host', this._hosting ? msg('Hosting') : msg('Host a room'))}
    </div>`
  }

  private _renderLobby(state: CallState, media: MediaState) {
    const session = this._sessionState.value
    const joining = session.joining || state.phase === 'joining'
    // After "Back to lobby" the ended call's reason is old news; a new failure replaces it.
    const stale = state.phase === 'ended'
    // A server that went away since (the host stopped it) is newer news than the last join's refusal.
    const gone = state.server === 'closed' && state.error?.code === 'host-ended' && !stale
    const error = gone ? state.error : (session.joinError ?? (stale ? null : state.error))
    return html`
      <moim-lobby
        ?show-server=${!this._session.hasPageServer}
        .name=${session.lobby.name}
        .room=${session.lobby.room}
        .server=${session.lobby.server}
        .rooms=${state.rooms}
        .connection=${state.server}
        .recentServers=${session.recentServers}
        .media=${media}
        .levelSource=${this._levelSource}
        .error=${joining ? null : error}
        ?busy=${joining}
        ?lan=${platform.lan !== undefined}
        @moim-join=${this._onJoin}
        @moim-server-change=${this._onServerChange}
        @moim-select-device=${this._onSelectDevice}
        @moim-set-audio-processing=${this._onSetAudioProcessing}
      ></moim-lobby>
    `
  }

  private _renderLobbyArea(state: CallState, media: MediaState) {
    if (!canHost()) return this._renderLobby(state, media)
    return html`${this._renderTabs()}
      <div id="lobby-panel" role="tabpanel">
        ${
          this._lobbyTab === 'join'
            ? this._renderLobby(state, media)
            : html`<moim-host-panel
                class="host"
                .name=${this._sessionState.value.lobby.name}
                @moim-join=${this._onHostJoin}
              ></moim-host-panel>`
        }
      </div>`
  }

  private readonly _levelSource = (): number => this._session.media.audioLevel()

  override render() {
    const state = this._callState.value
    const media = this._mediaState.value
    if (state.phase === 'in-call') {
      return html`<main class="call">
        <moim-call-view
          .state=${state}
          .media=${media}
          .speakers=${this._speakers.value}
          .layout=${this._sessionState.value.layout}
          ?can-share-screen=${typeof navigator.mediaDevices?.getDisplayMedia === 'function'}
          .chatError=${this._chatError}
          .inviteLink=${this._inviteLink(state)}
          ?hosting=${this._hosting !== null}
          @moim-toggle-mute=${this._onToggleMute}
          @moim-toggle-camera=${this._onToggleCamera}
          @moim-toggle-screen=${this._onToggleScreen}
          @moim-toggle-board=${this._onToggleBoard}
          .board=${this._session.call.board}
          @moim-select-device=${this._onSelectDevice}
          @moim-send-chat=${this._onSendChat}
          @moim-leave=${this._onLeave}
          @moim-layout-change=${this._onLayoutChange}
          @moim-toggle-hand=${this._onToggleHand}
          @moim-send-reaction=${this._onSendReaction}
          @moim-set-audio-processing=${this._onSetAudioProcessing}
        >
          ${this._hosting ? html`<moim-host-panel slot="host" hosting-only></moim-host-panel>` : nothing}
        </moim-call-view>
      </main>`
    }
    const language = currentLanguage()
    const header = html`<header class="top">
      <h1 class="brand">${msg('Moim', { desc: 'The app’s name (모임, “a gathering”)' })}</h1>
      <span class="tagline">${msg('a room on your own network')}</span>
      <div class="languages" role="group" aria-label=${msg('Language')}>
        ${LANGUAGE_NAMES.map(
          (entry) =>
            html`<button
              type="button"
              lang=${entry.language}
              aria-pressed=${entry.language === language ? 'true' : 'false'}
              @click=${() => this._onLanguageClick(entry.language)}
            >
              ${entry.name}
            </button>`
        )}
      </div>
    </header>`
    if (state.phase === 'ended' && !this._endedDismissed) {
      const ownRoom = this._sessionState.value.ownRoom
      const code = state.error?.code === 'host-ended' && ownRoom ? 'self-ended' : state.error?.code
      const text = endedText(code)
      return html`${header}
        <main>
          <moim-ended-view
            .heading=${text.heading}
            .detail=${text.detail}
            @moim-back-to-lobby=${this._onBackToLobby}
          ></moim-ended-view>
        </main>`
    }
    return html`${header}
      <main>${this._renderLobbyArea(state, media)}</main>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-app': MoimApp
  }
}
