import { LitElement, html, nothing } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import { checkDisplayName, checkPassword, checkRoomName } from '../../../shared/input-rules'
import type { InvalidField, RoomInfo } from '../../../shared/protocol'
import type { LanServer } from '../../../shared/ipc'
import { parseJoinAddress } from '../../../shared/join-address'
import type { JoinAddress, JoinAddressResult } from '../../../shared/join-address'
import type { CallError, MediaState, ServerConnectionState } from '../core/types'
import { fire } from './events'
import { addressMessage, errorMessage, inputMessage, noticeMessage } from './input-messages'
import { lockIcon } from './icons'
import { lobbyStyles } from './moim-lobby.styles'
import { sharedStyles } from './shared.styles'
import './moim-device-picker'
import './moim-video-tile'

// The microphone meter upgrades once its module is here (a moment after startup, while the microphone opens):
// not in the startup bundle, which has a 45 KB budget.
void import('./moim-level-meter')

type Field = 'name' | 'room' | 'password' | 'server'

/** The field a server error is about, so it is marked invalid and focused for a quick fix. */
const FIELD_OF_ERROR: Partial<Record<CallError['code'], Field>> = {
  'wrong-password': 'password',
  'password-required': 'password',
  'bad-invite': 'server',
  // A password sent to an open room of that name: the room is not the one the password was for.
  'not-locked': 'password',
  full: 'room',
  'server-full': 'room',
  'too-many-connections': 'server',
  unreachable: 'server',
  timeout: 'server',
  'not-moim': 'server'
}

/** The field an `invalid` answer names, for the typed fields this form has. */
const FIELD_OF_INPUT: Partial<Record<InvalidField, Field>> = {
  name: 'name',
  room: 'room',
  password: 'password'
}

/**
 * The lobby: who you are, which room, which server (only when the page did not come from a Moim server), an
 * optional password, the server's open rooms (click one to fill the room), and a device check with a mirrored
 * self-preview and a microphone level meter. Input is checked here; server answers arrive through `error`.
 *
 * @fires moim-join - the form is valid and the user pressed Join
 * @fires moim-server-change - the server address field holds a valid address (desktop): list its rooms
 * @fires moim-select-device - from the device picker
 *
 * With `lan` (the desktop app), an "On your network" section (moim-lan-rooms, loaded only then) lists the servers
 * found on the local network; picking one fills the server and room and joins.
 */
@customElement('moim-lobby')
@localized()
export class MoimLobby extends LitElement {
  static override styles = [sharedStyles, lobbyStyles]

  /** Show the "Server address" field: false when the page was served by a Moim server (that server is used). */
  @property({ type: Boolean, attribute: 'show-server' }) showServer = false

  /** Initial values of the fields (from preferences or an invite link). */
  @property() name = ''
  @property() room = ''
  @property() server = ''

  /** Rooms open on the server. */
  @property({ attribute: false }) rooms: RoomInfo[] = []

  /** The connection that lists the rooms, so an empty list can say why it is empty. */
  @property() connection: ServerConnectionState = 'idle'

  /** Servers joined before (desktop), offered as suggestions in the Server address field. */
  @property({ attribute: false }) recentServers: string[] = []

  /** Devices, the preview stream and media notices; null before devices are known. */
  @property({ attribute: false }) media: MediaState | null = null

  /** Reads the microphone level (0..1) for the meter. */
  @property({ attribute: false }) levelSource: (() => number) | null = null

  /** An error from the server or the connection, shown in the alert next to Join. */
  @property({ attribute: false }) error: CallError | null = null

  /** A join is in progress: the form is busy and Join is disabled. */
  @property({ type: Boolean }) busy = false

  /** Show the servers found on the local network (desktop app only). */
  @property({ type: Boolean }) lan = false

  @state() private _name = ''
  @state() private _room = ''
  @state() private _password = ''
  @state() private _server = ''
  /** A field refused before sending, and what to say: built when shown, so a language switch rewords it. */
  @state() private _invalid: { field: Field; message: () => string } | null = null

  @query('#password') private _passwordInput!: HTMLInputElement

  /** The server field's text and its parse, so a change and the submit that follows parse it once. */
  private _parsed: { text: string; result: JoinAddressResult } | null = null

  private _parseServer(): JoinAddressResult {
    if (this._parsed?.text !== this._server) {
      this._parsed = { text: this._server, result: parseJoinAddress(this._server) }
    }
    return this._parsed.result
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('name')) this._name = this.name
    if (changed.has('room')) this._room = this.room
    if (changed.has('server')) this._server = this.server
    // Its own chunk, fetched only where it can list anything: browsers never load it.
    if (changed.has('lan') && this.lan) void import('./moim-lan-rooms')
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Focus moves only when a join attempt just failed: an error from listing rooms must not pull focus away
    // from the field the user is typing in.
    const field = this._errorField()
    const joinFailed = changed.has('busy') && changed.get('busy') === true && !this.busy
    // An invite that does not work arrives without a join: its field is focused as it is shown.
    const badInvite = changed.has('error') && this.error?.code === 'bad-invite'
    if ((joinFailed || badInvite) && field)
      this.renderRoot.querySelector<HTMLInputElement>(`#${field}`)?.focus()
  }

  /** The field the current server error points at, if it is on screen. */
  private _errorField(): Field | null {
    const error = this.error
    if (!error) return null
    const field =
      error.code === 'invalid' && error.field ? FIELD_OF_INPUT[error.field] : FIELD_OF_ERROR[error.code]
    if (!field || (field === 'server' && !this.showServer)) return null
    return field
  }

  private _onInput(field: Field, event: Event): void {
    const value = (event.target as HTMLInputElement).value
    if (field === 'name') this._name = value
    else if (field === 'room') this._room = value
    else if (field === 'password') this._password = value
    else this._server = value
    if (this._invalid?.field === field) this._invalid = null
  }

  private _onServerChange(): void {
    const parsed = this._parseServer()
    if (!parsed.ok) return
    if (parsed.value.room && !this._room.trim()) this._room = parsed.value.room
    fire(this, 'moim-server-change', { server: parsed.value })
  }

  private _onRoomClick(room: RoomInfo): void {
    this._room = room.name
    if (this._invalid?.field === 'room') this._invalid = null
    if (room.locked) this.updateComplete.then(() => this._passwordInput?.focus())
  }

  /**
   * A server on the network was picked: it fills the server address (and its room). A host's open room joins at
   * once, with the name typed; a locked one waits for its password; a server of many rooms lists them.
   */
  private _onLanPick(event: CustomEvent<{ server: LanServer }>): void {
    const { server } = event.detail
    this._server = server.display
    if (this._invalid?.field === 'server') this._invalid = null
    if (server.room === undefined || (server.locked && !this._password)) {
      if (server.room !== undefined) this._room = server.room
      this._onServerChange()
      const field = server.room === undefined ? 'room' : 'password'
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLInputElement>(`#${field}`)?.focus()
      )
      return
    }
    this._room = server.room
    this._submit()
  }

  private _invalidate(field: Field, message: () => string): void {
    this._invalid = { field, message }
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(`#${field}`)?.focus())
  }

  private _onSubmit(event: SubmitEvent): void {
    event.preventDefault()
    this._submit()
  }

  private _submit(): void {
    if (this.busy) return
    // The server's own rules, checked here so the sentence appears on the field at fault before anything is sent.
    const typedName = this._name
    const name = checkDisplayName(typedName)
    if (!name.ok) return this._invalidate('name', () => inputMessage('name', name.reason, typedName))
    let server: JoinAddress | null = null
    if (this.showServer) {
      const parsed = this._parseServer()
      if (!parsed.ok) {
        const room = parsed.room
        return this._invalidate('server', () =>
          room
            ? `${msg('The room in this link cannot be used.')} ${inputMessage('room', room.reason, room.value)}`
            : addressMessage(parsed.message)
        )
      }
      server = parsed.value
      if (!this._room.trim() && parsed.value.room) this._room = parsed.value.room
    }
    const typedRoom = this._room
    const room = checkRoomName(typedRoom)
    if (!room.ok) {
      // Here an empty room can also be picked from the list below.
      const reason = room.reason
      return this._invalidate('room', () =>
        reason === 'empty'
          ? msg('Enter a room name, or pick an open room.')
          : inputMessage('room', reason, typedRoom)
      )
    }
    const typedPassword = this._password
    const password = typedPassword ? checkPassword(typedPassword) : null
    if (password && !password.ok) {
      const reason = password.reason
      return this._invalidate('password', () => inputMessage('password', reason, typedPassword))
    }
    this._invalid = null
    fire(this, 'moim-join', {
      name: name.value,
      room: room.value,
      ...(password ? { password: password.value } : {}),
      server
    })
  }

  /** A server error as the lobby words it. */
  private _errorText(error: CallError): string {
    // Only in the lobby, so no call of theirs ended: the server they were looking at went away.
    if (error.code === 'host-ended') {
      return msg('The host stopped this server. Try again when it is back, or join another one.')
    }
    // The server refused a field this form holds: say what is wrong with what is in it.
    const field = error.code === 'invalid' && error.field ? FIELD_OF_INPUT[error.field] : undefined
    if (field !== undefined && error.field !== undefined && error.reason !== undefined) {
      const value = field === 'name' ? this._name : field === 'room' ? this._room : this._password
      return inputMessage(error.field, error.reason, value)
    }
    return errorMessage(error)
  }

  private _renderField(
    field: Field,
    label: string,
    value: string,
    attrs: { type?: string; hint?: string; autocomplete?: string; list?: string }
  ) {
    const invalid = this._invalid ? this._invalid.field === field : this._errorField() === field
    return html`<div class="field">
      <label for=${field}>${label}</label>
      <input
        id=${field}
        name=${field}
        type=${attrs.type ?? 'text'}
        autocomplete=${attrs.autocomplete ?? 'off'}
        list=${attrs.list ?? nothing}
        .value=${value}
        aria-invalid=${invalid ? 'true' : 'false'}
        aria-describedby=${invalid ? 'form-error' : attrs.hint ? `${field}-hint` : nothing}
        @input=${(e: Event) => this._onInput(field, e)}
        @change=${field === 'server' ? this._onServerChange : nothing}
      />
      ${attrs.hint ? html`<span class="hint" id="${field}-hint">${attrs.hint}</span>` : nothing}
    </div>`
  }

  private _renderRooms() {
    if (this.rooms.length === 0) {
      const why =
        this.connection === 'connecting'
          ? msg('Looking for open rooms…')
          : this.connection === 'connected' || this.connection === 'reconnecting'
            ? msg('No open rooms yet. Name one to start it.')
            : this.showServer
              ? msg('Enter the host’s address to see its open rooms.')
              : msg('Not connected to the server.')
      return html`<p class="empty">${why}</p>`
    }
    return html`<ul class="rooms">
      ${this.rooms.map((room) => {
        const full = room.count >= room.capacity
        return html`<li>
          <button type="button" @click=${() => this._onRoomClick(room)}>
            <span class="room-name">${room.name}</span>
            ${full ? html`<span class="full">${msg('full', { desc: 'A room with no seat left' })}</span>` : nothing}
            <span class="count"
              >${room.count}/${room.capacity}<span class="visually-hidden"
                >${msg(' people', { desc: 'After “3/6” in the list of rooms, for screen readers' })}</span
              ></span
            >
            ${
              room.locked
                ? html`${lockIcon}<span class="visually-hidden">${msg(', needs a password')}</span>`
                : nothing
            }
          </button>
        </li>`
      })}
    </ul>`
  }

  override render() {
    const media = this.media
    const message = this._invalid?.message() ?? (this.error ? this._errorText(this.error) : null)
    const notice = noticeMessage(media?.noticeCode, media?.notice ?? null)
    return html`
      <div class="layout">
        <section class="card">
          <h2>${msg('Join a room')}</h2>
          <form novalidate aria-busy=${this.busy ? 'true' : 'false'} @submit=${this._onSubmit}>
            ${this._renderField('name', msg('Your name'), this._name, { autocomplete: 'nickname' })}
            ${
              this.showServer
                ? this._renderField('server', msg('Server address'), this._server, {
                    hint: msg(
                      'The host’s address, like 192.168.1.20 or 192.168.1.20:47100, or an invite link.'
                    )
                  })
                : nothing
            }
            ${
              this.showServer
                ? html`<datalist id="recent-servers">
                    ${this.recentServers.map((server) => html`<option value=${server}></option>`)}
                  </datalist>`
                : nothing
            }
            ${this._renderField('room', msg('Room'), this._room, {})}
            ${this._renderField('password', msg('Password'), this._password, {
              type: 'password',
              hint: msg('Only if the room has one. A new room takes the password you set here.')
            })}
            ${message ? html`<p class="alert" role="alert" id="form-error">${message}</p>` : nothing}
            <button class="primary join" type="submit" ?disabled=${this.busy}>
              ${this.busy ? msg('Joining…') : msg('Join')}
            </button>
          </form>
          <h3>${msg('Open rooms')}</h3>
          ${this._renderRooms()}
          ${this.lan && this.showServer ? html`<moim-lan-rooms @moim-lan-pick=${this._onLanPick}></moim-lan-rooms>` : nothing}
        </section>
        <section class="card">
          <h2>${msg('Check your camera and microphone')}</h2>
          <moim-video-tile
            class="preview"
            self
            mirrored
            .name=${this._name.trim()}
            .stream=${media?.localStream ?? null}
            .cameraOff=${!media?.localStream?.getVideoTracks().length || media.cameraOff}
            .muted=${media?.muted ?? false}
          ></moim-video-tile>
          ${notice ? html`<p class="notice" role="status">${notice}</p>` : nothing}
          ${media?.error ? html`<p class="alert" role="alert">${errorMessage(media.error)}</p>` : nothing}
          <moim-level-meter .source=${this.levelSource}></moim-level-meter>
          <moim-device-picker .media=${media}></moim-device-picker>
        </section>
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-lobby': MoimLobby
  }
}
