import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { Task, TaskStatus } from '@lit/task'
import { displayAddress, parseJoinAddress } from '../../../shared/join-address'
import { createLogger } from '../../../shared/logger'
import { Call } from '../core/call'
import { loadPreferences, savePreferences } from '../core/preferences'
import type { Result } from '../core/result'
import type { CallError, CallState, MediaState } from '../core/types'
import { StoreController } from '../controllers/store-controller'
import { canHost, pageRoom, pageServerUrl, platform } from '../platform'
import type { HostStatus } from '../../../shared/ipc'
import type { JoinRequestDetail } from './events'
import { sharedStyles } from './shared.styles'
import './moim-call-view'
import './moim-ended-view'
import './moim-lobby'

const log = createLogger('app')

/** What the page's URL asks for: `?room=ROOM` fills the lobby, `?room=ROOM&name=NAME` joins at once. */
export interface UrlIntent {
  room: string | null
  name: string | null
}

/** Reads `?room=` and `?name=` from a query string; blank values count as absent. */
export function readUrlIntent(search: string): UrlIntent {
  const params = new URLSearchParams(search)
  const value = (key: string) => params.get(key)?.trim() || null
  return { room: value('room'), name: value('name') }
}

const ENDED_TEXT: Partial<Record<CallError['code'] | 'self-ended', { heading: string; detail: string }>> = {
  'host-ended': {
    heading: 'The host ended the room',
    detail: 'Everyone was disconnected. You can join another room from the lobby.'
  },
  'self-ended': {
    heading: 'You stopped hosting',
    detail: 'The room is closed and everyone was disconnected. Host again or join a room from the lobby.'
  },
  disconnected: {
    heading: 'Lost the connection',
    detail: 'The server could not be reached again. Check the network, then join from the lobby.'
  }
}

/**
 * The app shell: owns the Call, follows its phase (lobby -> joining -> in call -> ended) and turns the
 * components' events into calls on the core. When the page was served by a Moim server that server is used,
 * `?room=` fills the lobby and `?room=&name=` joins straight away with the default devices (invite links).
 */
@customElement('moim-app')
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
    `
  ]

  private readonly _call = new Call()
  private readonly _callState = new StoreController<CallState>(this, this._call)
  private readonly _mediaState = new StoreController<MediaState>(this, this._call.media)

  /** The server this page came from, or null in the desktop app (the user types one). */
  private readonly _pageServer = pageServerUrl()
  private readonly _intent = readUrlIntent(globalThis.location?.search ?? '')
  /** The server the Call is connected (or connecting) to, and that attempt, so a join reuses it. */
  private _connectedUrl: string | null = null
  private _connecting: Promise<Result<void>> | null = null
  /** True while `_connecting` has not settled. */
  private _connectingPending = false

  /** The user left the "ended" view; show the lobby until the next join. */
  @state() private _endedDismissed = false

  @state() private _chatError: string | null = null

  /** Desktop: servers joined before, suggested in the Server address field. */
  @state() private _recentServers: string[] = []

  /**
   * What the lobby's fields start with: the invite link or remembered name at first, then the last join attempt
   * (so leaving a call comes back to the same name, room and server) or the latest `moim://` invite.
   */
  @state() private _lobbyDefaults = {
    name: this._intent.name ?? loadPreferences().name,
    room: this._intent.room ?? pageRoom() ?? '',
    server: ''
  }

  private _offInvite: (() => void) | null = null
  private _offHost: (() => void) | null = null

  /** Desktop: which lobby tab is shown, joining someone's room or hosting one. */
  @state() private _lobbyTab: 'join' | 'host' = 'join'

  /** Desktop: this app is hosting a room now (its embedded server runs). */
  @state() private _hosting: { localUrl: string } | null = null

  /** The current call is on this app's own server, so its end is the user's own doing. */
  private _inOwnRoom = false

  /** Joining: connect to the server if needed, then join the room. Its status drives the lobby's busy state. */
  private readonly _join = new Task(this, {
    autoRun: false,
    task: async ([request]: [JoinRequestDetail]): Promise<Result<void>> => {
      const url = request.serverUrl ?? this._pageServer
      if (!url) return { ok: false, error: { code: 'invalid', message: 'Enter the host’s address.' } }
      const connected = await this._ensureConnected(url)
      if (!connected.ok) return connected
      const joined = await this._call.join({
        room: request.room,
        name: request.name,
        ...(request.password ? { password: request.password } : {})
      })
      if (joined.ok) {
        savePreferences({ name: request.name })
        if (request.serverUrl) void this._remember(request.serverUrl, request.room)
      }
      return joined
    }
  })

  override connectedCallback(): void {
    super.connectedCallback()
    // Preview and level meter in the lobby; LocalMedia opens the remembered devices, or the defaults.
    void this._call.media.start()
    if (this._pageServer) {
      const { room, name } = this._intent
      if (room && name) this._startJoin({ room, name, serverUrl: this._pageServer })
      else void this._connect(this._pageServer)
    } else {
      void this._loadDesktopState()
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this._offInvite?.()
    this._offHost?.()
    this._call.dispose()
  }

  protected override updated(): void {
    const room = this._callState.value.room
    document.title = this._callState.value.phase === 'in-call' && room ? `${room.name} · Moim` : 'Moim'
  }

  /** Desktop: recent servers for the address field, and the invite link the app was opened with (if any). */
  private async _loadDesktopState(): Promise<void> {
    const recent = await platform.recent.list()
    if (recent.ok) this._recentServers = recent.value.map((entry) => entry.address)
    const pending = await platform.invite.pending()
    if (pending.ok && pending.value) this._applyInvite(pending.value)
    this._offInvite = platform.invite.onOpened((link) => this._applyInvite(link))
    if (canHost()) {
      // Host mode exists only in the desktop app: browsers joining from a host never download it.
      void import('./moim-host-panel')
      this._offHost = platform.host.onChanged((status) => this._onHostStatus(status))
      const status = await platform.host.status()
      if (status.ok) this._onHostStatus(status.value)
    }
  }

  private _onHostStatus(status: HostStatus): void {
    this._hosting = status.running ? { localUrl: status.localUrl } : null
  }

  private _applyInvite(link: string): void {
    const parsed = parseJoinAddress(link)
    if (!parsed.ok) return log.warn('ignoring an invite that does not parse', { message: parsed.message })
    // An invite opened during a call must not pull the user out of it; it fills the lobby for later.
    this._lobbyDefaults = {
      ...this._lobbyDefaults,
      server: displayAddress(parsed.value.host, parsed.value.port),
      room: parsed.value.room ?? this._lobbyDefaults.room
    }
    if (this._callState.value.phase === 'lobby') void this._connect(parsed.value.url)
  }

  private async _remember(address: string, room: string): Promise<void> {
    const result = await platform.recent.add({ address, room })
    if (result.ok) this._recentServers = result.value.map((entry) => entry.address)
  }

  private _connect(url: string): Promise<Result<void>> {
    this._connectedUrl = url
    this._connectingPending = true
    const attempt = this._call.connect(url).then((result) => {
      if (attempt === this._connecting) this._connectingPending = false
      if (!result.ok) log.warn('could not connect', { url, code: result.error.code })
      return result
    })
    this._connecting = attempt
    return attempt
  }

  /**
   * Reuses the connection (or the attempt under way) to `url`. An attempt that was still under way when the user
   * pressed Join answers the join too, even when it fails: trying again would make them wait twice for the same
   * timeout. A failure from before (the server may have been started since) or a dropped connection is retried.
   */
  private async _ensureConnected(url: string): Promise<Result<void>> {
    if (this._connectedUrl === url && this._connecting) {
      const wasUnderWay = this._connectingPending
      const previous = await this._connecting
      if (previous.ok && this._call.state.server === 'connected') return previous
      if (!previous.ok && wasUnderWay) return previous
    }
    return this._connect(url)
  }

  /** `ownRoom`: the join comes from the host panel, into the room this app hosts. */
  private _startJoin(request: JoinRequestDetail, ownRoom = false): void {
    this._endedDismissed = false
    this._inOwnRoom = ownRoom
    this._lobbyDefaults = {
      name: request.name,
      room: request.room,
      server: request.serverUrl ?? this._lobbyDefaults.server
    }
    void this._join.run([request])
  }

  private _onJoin(event: CustomEvent<JoinRequestDetail>): void {
    this._startJoin(event.detail)
  }

  private _onHostJoin(event: CustomEvent<JoinRequestDetail>): void {
    this._startJoin(event.detail, true)
  }

  private _onServerChange(event: CustomEvent<{ serverUrl: string }>): void {
    if (event.detail.serverUrl !== this._connectedUrl) void this._connect(event.detail.serverUrl)
  }

  private _onSelectDevice(
    event: CustomEvent<{ kind: 'camera' | 'microphone' | 'speaker'; id: string }>
  ): void {
    void this._call.media.selectDevice(event.detail.kind, event.detail.id)
  }

  private _onToggleMute(): void {
    this._call.setMuted(!this._mediaState.value.muted)
  }

  private _onToggleCamera(): void {
    this._call.setCameraOff(!this._mediaState.value.cameraOff)
  }

  private _onToggleScreen(): void {
    if (this._mediaState.value.sharingScreen) void this._call.stopScreenShare()
    else void this._call.startScreenShare()
  }

  private async _onSendChat(event: CustomEvent<{ text: string }>): Promise<void> {
    const result = await this._call.sendChat(event.detail.text)
    this._chatError = result.ok ? null : result.error.message
  }

  private _onLeave(): void {
    void this._call.leave()
    this._chatError = null
  }

  private _onBackToLobby(): void {
    this._endedDismissed = true
    // Reconnect to the page's server so the lobby lists its rooms again (and says so if it is gone).
    if (this._pageServer) void this._connect(this._pageServer)
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
      ${tab('join', 'Join a room')} ${tab('host', this._hosting ? 'Hosting' : 'Host a room')}
    </div>`
  }

  private _renderLobby(state: CallState, media: MediaState) {
    const joining = this._join.status === TaskStatus.PENDING || state.phase === 'joining'
    const joinResult = this._join.status === TaskStatus.COMPLETE ? this._join.value : undefined
    // After "Back to lobby" the ended call's reason is old news; a new failure replaces it.
    const stale = state.phase === 'ended'
    let error = joinResult && !joinResult.ok ? joinResult.error : stale ? null : state.error
    // The core answers with Results; a throw is a bug, but the user still deserves a message, not a dead button.
    if (this._join.status === TaskStatus.ERROR) {
      error = { code: 'invalid', message: `Joining failed unexpectedly: ${String(this._join.error)}` }
    }
    return html`
      <moim-lobby
        ?show-server=${this._pageServer === null}
        .name=${this._lobbyDefaults.name}
        .room=${this._lobbyDefaults.room}
        .server=${this._lobbyDefaults.server}
        .rooms=${state.rooms}
        .connection=${state.server}
        .recentServers=${this._recentServers}
        .media=${media}
        .levelSource=${this._levelSource}
        .error=${joining ? null : error}
        ?busy=${joining}
        @moim-join=${this._onJoin}
        @moim-server-change=${this._onServerChange}
        @moim-select-device=${this._onSelectDevice}
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
            : html`<moim-host-panel class="host" @moim-join=${this._onHostJoin}></moim-host-panel>`
        }
      </div>`
  }

  private readonly _levelSource = (): number => this._call.media.audioLevel()

  override render() {
    const state = this._callState.value
    const media = this._mediaState.value
    if (state.phase === 'in-call') {
      return html`<main class="call">
        <moim-call-view
          .state=${state}
          .media=${media}
          ?can-share-screen=${typeof navigator.mediaDevices?.getDisplayMedia === 'function'}
          .chatError=${this._chatError}
          ?hosting=${this._hosting !== null}
          @moim-toggle-mute=${this._onToggleMute}
          @moim-toggle-camera=${this._onToggleCamera}
          @moim-toggle-screen=${this._onToggleScreen}
          @moim-select-device=${this._onSelectDevice}
          @moim-send-chat=${this._onSendChat}
          @moim-leave=${this._onLeave}
        >
          ${this._hosting ? html`<moim-host-panel slot="host" hosting-only></moim-host-panel>` : nothing}
        </moim-call-view>
      </main>`
    }
    const header = html`<header class="top">
      <h1 class="brand">Moim</h1>
      <span class="tagline">a room on your own network</span>
    </header>`
    if (state.phase === 'ended' && !this._endedDismissed) {
      const code = state.error?.code === 'host-ended' && this._inOwnRoom ? 'self-ended' : state.error?.code
      const text = (code && ENDED_TEXT[code]) ?? ENDED_TEXT['host-ended']!
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
