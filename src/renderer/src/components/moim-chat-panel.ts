import { chatParts } from './chat-links'
import { LitElement, css, html, nothing } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import { localized, msg, str } from '@lit/localize'
import { LIMITS } from '../../../shared/protocol'
import type { ChatEntry, SystemEvent } from '../core/types'
import { formatTime } from '../localization'
import { fire } from './events'
import { sharedStyles } from './shared.styles'

/** A system line in the chosen language; lines without an event keep the core's English. */
/**
 * A message as text with its http(s) links as links (kept on one template line: the text is `pre-wrap`). A link
 * opens outside the app: a new tab in a browser; in the desktop app main denies the window and hands http(s) to
 * the system browser.
 */
function messageText(text: string): unknown[] {
  return chatParts(text).map((part) =>
    'url' in part
      ? html`<a href=${part.url} target="_blank" rel="noopener noreferrer">${part.url}</a>`
      : part.text
  )
}

function systemText(event: SystemEvent | undefined, text: string): string {
  switch (event?.type) {
    case 'self-joined':
      return msg(str`You joined ${event.room}.`)
    case 'rejoined':
      return msg('Reconnected to the room.')
    case 'reconnecting':
      return msg('Connection to the server lost; reconnecting…')
    case 'rejoined-afresh':
      return msg('Your place in the call could not be kept, so you joined again.')
    case 'joined':
      return msg(str`${event.name} joined.`)
    case 'left':
      return msg(str`${event.name} left.`)
    case 'board-cleared':
      return msg(str`${event.name} cleared the whiteboard.`)
    default:
      return text
  }
}

/**
 * The room's chat: a live log of messages and join/leave lines, and a box to write in.
 * Message text is untrusted and rendered only through Lit text bindings, so markup in it shows as literal text.
 *
 * @fires moim-send-chat - the user sent a message (`detail.text`, trimmed, non-empty)
 * @csspart log - the scrolling message list
 */
@customElement('moim-chat-panel')
@localized()
export class MoimChatPanel extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--_surface);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }

      h2 {
        margin: 0;
        padding: 0.75rem 1rem;
        font-size: 1rem;
        border-bottom: 1px solid var(--_border);
      }

      ol {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        margin: 0;
        padding: 0.5rem 1rem;
        list-style: none;
        display: flex;
        flex-direction: column;
        gap: 0.6rem;
      }

      li.message .meta {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        font-size: 0.8rem;
        color: var(--_muted-text);
      }

      li.message .from {
        font-weight: 600;
        color: var(--_text);
      }

      li.message.self .from {
        color: var(--_accent);
      }

      li.message .text {
        margin: 0.1rem 0 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }

      li.message .text a {
        color: inherit;
        text-decoration: underline;
      }

      li.system {
        font-size: 0.85rem;
        color: var(--_muted-text);
        text-align: center;
      }

      li.empty {
        color: var(--_muted-text);
        font-size: 0.9rem;
        margin: auto 0;
        text-align: center;
      }

      form {
        display: flex;
        gap: 0.5rem;
        padding: 0.75rem;
        border-top: 1px solid var(--_border);
      }

      form button {
        flex: none;
        white-space: nowrap;
      }

      .alert {
        margin: 0 0.75rem 0.75rem;
        font-size: 0.9rem;
      }
    `
  ]

  /** Messages and system lines, oldest first. */
  @property({ attribute: false }) entries: ChatEntry[] = []

  /** Why the last message could not be sent, or null. */
  @property({ attribute: false }) sendError: string | null = null

  @state() private _draft = ''

  @query('ol') private _log!: HTMLOListElement
  @query('input') private _input!: HTMLInputElement

  /** Moves keyboard focus to the message box. */
  override focus(): void {
    this._input?.focus()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Follow new messages only when the reader is already at the bottom, so scrolling back is not interrupted.
    if (changed.has('entries') && this._log) {
      const log = this._log
      this._stickToBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40
    }
  }

  private _stickToBottom = true

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('entries') && this._stickToBottom) this._log.scrollTop = this._log.scrollHeight
  }

  private _onInput(event: Event): void {
    this._draft = (event.target as HTMLInputElement).value
  }

  private _onSubmit(event: SubmitEvent): void {
    event.preventDefault()
    const text = this._draft.trim()
    if (!text) return
    fire(this, 'moim-send-chat', { text })
    this._draft = ''
  }

  private _renderEntry(entry: ChatEntry) {
    if (entry.kind === 'system') {
      return html`<li class="system">
        ${systemText(entry.event, entry.text)} ·
        <time datetime=${new Date(entry.ts).toISOString()}>${formatTime(entry.ts)}</time>
      </li>`
    }
    const { message, self } = entry
    return html`<li class="message ${self ? 'self' : ''}">
      <div class="meta">
        <span class="from">${self ? msg('You') : message.name}</span>
        <time datetime=${new Date(message.ts).toISOString()}>${formatTime(message.ts)}</time>
      </div>
      <p class="text">${messageText(message.text)}</p>
    </li>`
  }

  override render() {
    return html`
      <h2 id="chat-heading">${msg('Chat')}</h2>
      <ol role="log" aria-label=${msg('Chat history')} part="log">
        ${this.entries.length === 0 ? html`<li class="empty">${msg('No messages yet.')}</li>` : nothing}
        ${repeat(
          this.entries,
          (entry) => (entry.kind === 'system' ? `s:${entry.id}` : `m:${entry.message.id}`),
          (entry) => this._renderEntry(entry)
        )}
      </ol>
      <form @submit=${this._onSubmit}>
        <label class="visually-hidden" for="message">${msg('Message')}</label>
        <input
          id="message"
          type="text"
          autocomplete="off"
          maxlength=${LIMITS.chatText}
          placeholder=${msg('Write a message')}
          .value=${this._draft}
          @input=${this._onInput}
        />
        <button type="submit" class="primary" ?disabled=${this._draft.trim() === ''}>${msg('Send')}</button>
      </form>
      ${this.sendError ? html`<p class="alert" role="alert">${this.sendError}</p>` : nothing}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-chat-panel': MoimChatPanel
  }
}
