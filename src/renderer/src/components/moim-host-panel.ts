import { LitElement, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import type { HostAddress, HostStatus, IpcErrorCode } from '../../../shared/ipc'
import { checkDisplayName, checkRoomName } from '../../../shared/input-rules'
import { parseJoinAddress } from '../../../shared/join-address'
import { LIMITS } from '../../../shared/protocol'
import { platform } from '../platform'
import type { Platform } from '../platform'
import { fire } from './events'
import { addressMessage, inputMessage, mainMessage } from './input-messages'
import { hostPanelStyles } from './moim-host-panel.styles'
import { sharedStyles } from './shared.styles'

type Running = Extract<HostStatus, { running: true }>

/** What to say when main refuses to start or stop hosting, in languages other than main's English. */
function hostErrorText(code: IpcErrorCode): string {
  switch (code) {
    case 'already-hosting':
      return msg('A room is already being hosted; stop it first.')
    case 'not-hosting':
      return msg('No room is being hosted.')
    case 'port-unavailable':
      return msg('Every port Moim tried is in use; close the program using them and try again.')
    case 'invalid':
      return msg('Check the name, the room and the password, then try again.')
    default:
      return msg('The server could not be started. Try again, or restart Moim.')
  }
}

/** What was copied, for the status line. */
type Copied = 'address' | 'app-link' | 'browser-link' | 'failed'

function copiedText(copied: Copied): string {
  switch (copied) {
    case 'address':
      return msg('Address copied')
    case 'app-link':
      return msg('App invite link copied')
    case 'browser-link':
      return msg('Browser link copied')
    case 'failed':
      return msg('Could not copy; select the text instead')
  }
}

/**
 * Host mode (desktop app only): a form to host a room (name, room, optional password, capacity), then how others
 * can join: every useful address with its interface name, copy buttons, a QR code of the browser invite, who is in
 * the room, and Stop hosting. Hosting starts the embedded server in the main process; the host's own page then
 * joins it over loopback through `moim-join` (the app shell must listen for it here as it does on the lobby).
 * In the call view, use `<moim-host-panel hosting-only>` so the host can still invite people and stop hosting.
 *
 * @fires moim-join - hosting started (or "Join my room" pressed): join `room` on `serverUrl` (loopback)
 */
@customElement('moim-host-panel')
@localized()
export class MoimHostPanel extends LitElement {
  static override styles = [sharedStyles, hostPanelStyles]

  /** Initial name (the app shell passes the remembered one). */
  @property() name = ''

  /**
   * Render nothing until hosting starts: for the call view, so the host keeps the addresses, QR code, people and
   * Stop hosting at hand during the call without a second host form.
   */
  @property({ type: Boolean, attribute: 'hosting-only' }) hostingOnly = false

  /** The platform bridge; tests pass a fake. */
  @property({ attribute: false }) platform: Platform = platform

  @state() private _status: HostStatus = { running: false }
  @state() private _busy = false
  /** What went wrong, built when shown, so a language switch rewords it. */
  @state() private _error: (() => string) | null = null
  @state() private _copied: Copied | null = null
  /** The address whose QR code is shown (index into status.addresses). */
  @state() private _selected = 0
  @state() private _name = ''
  @state() private _room = ''
  @state() private _password = ''
  @state() private _capacity = String(LIMITS.capacity)

  private _off: (() => void) | null = null
  private _copiedTimer: ReturnType<typeof setTimeout> | undefined

  override connectedCallback(): void {
    super.connectedCallback()
    this._name = this.name
    this._off = this.platform.host.onChanged((status) => this._setStatus(status))
    void this.platform.host.status().then((result) => {
      if (result.ok) this._setStatus(result.value)
    })
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this._off?.()
    this._off = null
    clearTimeout(this._copiedTimer)
  }

  private _setStatus(status: HostStatus): void {
    this._status = status
    if (status.running && this._selected >= status.addresses.length) this._selected = 0
  }

  /** Checks the form here, with the same rules main applies, so mistakes are shown next to the form at once. */
  private _validate(): { name: string; room: string; password?: string; capacity: number } | (() => string) {
    const name = checkDisplayName(this._name)
    if (!name.ok) return () => inputMessage('name', name.reason)
    const room = checkRoomName(this._room)
    if (!room.ok) return () => inputMessage('room', room.reason)
    const capacity = Number(this._capacity)
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > LIMITS.maxCapacity) {
      return () => msg(str`People in the room: a whole number from 2 to ${LIMITS.maxCapacity}`)
    }
    if (this._password.length > LIMITS.password) {
      return () => msg(str`Password: at most ${LIMITS.password} characters`)
    }
    return this._password === ''
      ? { name: name.value, room: room.value, capacity }
      : { name: name.value, room: room.value, password: this._password, capacity }
  }

  private async _onHost(event: Event): Promise<void> {
    event.preventDefault()
    if (this._busy) return
    const request = this._validate()
    if (typeof request === 'function') {
      this._error = request
      return
    }
    this._busy = true
    this._error = null
    try {
      const result = await this.platform.host.start(request)
      if (!result.ok) {
        const { code, message } = result
        this._error = () => mainMessage(message, hostErrorText(code))
        return
      }
      this._setStatus(result.value)
      this._joinOwnRoom()
    } finally {
      this._busy = false
    }
  }

  private _joinOwnRoom(): void {
    const status = this._status
    if (!status.running) return
    const server = parseJoinAddress(status.localUrl)
    if (!server.ok) {
      const detail = server.message
      this._error = () => msg(str`The room’s own address does not work: ${addressMessage(detail)}`)
      return
    }
    fire(this, 'moim-join', {
      name: status.name,
      room: status.room,
      ...(status.password === undefined ? {} : { password: status.password }),
      server: server.value
    })
  }

  private async _onStop(): Promise<void> {
    this._busy = true
    try {
      const result = await this.platform.host.stop()
      if (result.ok) this._setStatus(result.value)
      else {
        const { code, message } = result
        this._error = () => mainMessage(message, hostErrorText(code))
      }
    } finally {
      this._busy = false
    }
  }

  private async _copy(text: string, what: Exclude<Copied, 'failed'>): Promise<void> {
    try {
      await navigator.clipboard.writeText(text)
      this._copied = what
    } catch {
      this._copied = 'failed'
    }
    clearTimeout(this._copiedTimer)
    this._copiedTimer = setTimeout(() => (this._copied = null), 2_500)
  }

  private _renderForm() {
    const field = (id: string, label: string, input: unknown, hint?: string) =>
      html`<div class="field">
        <label for=${id}>${label}</label>${input}${hint ? html`<span class="muted">${hint}</span>` : nothing}
      </div>`
    const onInput = (set: (value: string) => void) => (event: Event) => {
      set((event.target as HTMLInputElement).value)
      this._error = null
    }
    return html`<section class="card" aria-labelledby="host-heading">
      <h2 id="host-heading">${msg('Host a room')}</h2>
      <p class="muted">
        ${msg('This computer becomes the server: others on your network join with the address shown here.')}
      </p>
      <form @submit=${this._onHost} novalidate>
        ${field(
          'host-name',
          msg('Your name'),
          html`<input
            id="host-name"
            autocomplete="nickname"
            maxlength=${LIMITS.name}
            .value=${this._name}
            @input=${onInput((value) => (this._name = value))}
          />`
        )}
        ${field(
          'host-room',
          msg('Room name'),
          html`<input
            id="host-room"
            maxlength=${LIMITS.room}
            .value=${this._room}
            @input=${onInput((value) => (this._room = value))}
          />`
        )}
        ${field(
          'host-password',
          msg('Password (optional)'),
          html`<input
            id="host-password"
            type="password"
            autocomplete="new-password"
            maxlength=${LIMITS.password}
            .value=${this._password}
            @input=${onInput((value) => (this._password = value))}
          />`
        )}
        ${field(
          'host-capacity',
          msg('People in the room'),
          html`<input
            id="host-capacity"
            type="number"
            inputmode="numeric"
            min="2"
            max=${LIMITS.maxCapacity}
            .value=${this._capacity}
            @input=${onInput((value) => (this._capacity = value))}
          />`
        )}
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this._busy}>
            ${this._busy ? msg('Starting…') : msg('Host a room')}
          </button>
        </div>
      </form>
      ${this._error ? html`<p class="alert" role="alert">${this._error()}</p>` : nothing}
    </section>`
  }

  private _renderAddress(address: HostAddress, index: number) {
    const selected = index === this._selected
    return html`<li class="address" aria-current=${selected ? 'true' : 'false'}>
      <div class="where">
        <code>${address.display}</code>
        <span class="interface">${address.interface} · ${address.family}</span>
      </div>
      <div class="buttons">
        <button
          type="button"
          aria-label=${msg(str`Copy address ${address.display}`)}
          @click=${() => this._copy(address.display, 'address')}
        >
          ${msg('Copy')}
        </button>
        <button
          type="button"
          aria-label=${msg(str`Copy app invite link for ${address.display}`)}
          @click=${() => this._copy(address.appLink, 'app-link')}
        >
          ${msg('Copy invite')}
        </button>
        <button
          type="button"
          aria-label=${msg(str`Copy browser link for ${address.display}`)}
          @click=${() => this._copy(address.browserLink, 'browser-link')}
        >
          ${msg('Copy web link')}
        </button>
        <button
          type="button"
          aria-pressed=${selected ? 'true' : 'false'}
          aria-label=${msg(str`Show QR code for ${address.display}`)}
          @click=${() => (this._selected = index)}
        >
          QR
        </button>
      </div>
    </li>`
  }

  private _renderHosting(status: Running) {
    const shown = status.addresses[this._selected]
    const others = status.people.filter((person) => person !== status.name)
    return html`<section class="card" aria-labelledby="host-heading">
      <h2 id="host-heading">${msg(str`Hosting “${status.room}” on port ${status.port}`)}</h2>
      ${
        status.locked && status.password !== undefined
          ? html`<p class="secret">${msg('Password:')} <code>${status.password}</code></p>`
          : html`<p class="muted">
              ${msg(str`Open room: anyone with the address can join (up to ${status.capacity} people).`)}
            </p>`
      }
      <div class="hosting">
        <div>
          <h3>${msg('Others join with')}</h3>
          ${
            status.addresses.length === 0
              ? html`<p class="notice" role="status">
                  ${msg(
                    'No network found: only this computer can join. Connect to Wi-Fi or a cable to invite others.'
                  )}
                </p>`
              : html`<ul class="addresses">
                  ${status.addresses.map((address, index) => this._renderAddress(address, index))}
                </ul>`
          }
          <p class="status" role="status" aria-live="polite">
            ${this._copied ? copiedText(this._copied) : ''}
          </p>
        </div>
        ${
          shown
            ? html`<figure class="qr">
                <img src=${shown.qrDataUrl} alt=${msg(str`QR code of ${shown.browserLink}`)} />
                <figcaption class="muted">
                  ${msg(str`Scan to join from a phone’s browser: ${shown.browserLink}`)}
                </figcaption>
              </figure>`
            : nothing
        }
      </div>
      <div>
        <h3 id="people-heading">${msg(str`In the room (${status.people.length} of ${status.capacity})`)}</h3>
        ${
          status.people.length === 0
            ? html`<p class="muted">${msg('Nobody yet.')}</p>`
            : html`<ul class="people" aria-labelledby="people-heading">
                ${status.people.map((person) => html`<li>${person}</li>`)}
              </ul>`
        }
        ${others.length === 0 && status.people.length > 0 ? html`<p class="muted">${msg('Waiting for guests…')}</p>` : nothing}
      </div>
      <div class="actions">
        ${
          status.people.includes(status.name)
            ? nothing
            : html`<button type="button" class="primary" @click=${this._joinOwnRoom}>
                ${msg('Join my room')}
              </button>`
        }
        <button type="button" class="danger" ?disabled=${this._busy} @click=${this._onStop}>
          ${msg('Stop hosting')}
        </button>
      </div>
      ${this._error ? html`<p class="alert" role="alert">${this._error()}</p>` : nothing}
    </section>`
  }

  override render() {
    if (this._status.running) return this._renderHosting(this._status)
    return this.hostingOnly ? nothing : this._renderForm()
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-host-panel': MoimHostPanel
  }
}
