import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { REACTIONS } from '../../../shared/protocol'
import type { Reaction } from '../../../shared/protocol'
import { pluralOne } from '../localization'
import { fire } from './events'
import { handIcon, peopleIcon, smileIcon } from './call-icons'
import { sharedStyles } from './shared.styles'
import { roundToggleStyles } from './round-toggle.styles'

/** What each reaction is called, for screen readers and tooltips. */
function reactionName(emoji: Reaction): string {
  switch (emoji) {
    case '👍':
      return msg('Thumbs up')
    case '👏':
      return msg('Clapping')
    case '😂':
      return msg('Laughing')
    case '❤️':
      return msg('Heart')
    case '🎉':
      return msg('Celebrate')
    case '😮':
      return msg('Surprised')
  }
}

/**
 * The control bar's buttons for people: raise or lower the hand, send a reaction (a row of emoji that opens
 * above the button; Escape or a pick closes it and gives focus back), and show the people list with a count of
 * raised hands. Toggles keep one name and say their state with `aria-pressed`.
 *
 * @fires moim-toggle-hand - the user wants the hand up or down
 * @fires moim-send-reaction - the user picked a reaction (`detail.emoji`)
 * @fires moim-toggle-people - the user wants the people list shown or hidden
 */
@customElement('moim-people-controls')
@localized()
export class MoimPeopleControls extends LitElement {
  static override styles = [
    sharedStyles,
    roundToggleStyles,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }

      .toggle[aria-pressed='true'],
      .toggle[aria-expanded='true'] {
        background: color-mix(in srgb, var(--_accent) 25%, var(--_surface-2));
        border-color: var(--_accent);
      }

      .toggle.hand[aria-pressed='true'] {
        background: #f5c451;
        border-color: #f5c451;
        color: #1b1400;
      }

      .reactions {
        position: relative;
      }

      .menu {
        position: absolute;
        bottom: calc(100% + 0.6rem);
        left: 50%;
        z-index: 5;
        display: flex;
        gap: 0.25rem;
        padding: 0.35rem;
        transform: translateX(-50%);
        background: var(--_surface-2);
        border: 1px solid var(--_border);
        border-radius: 999px;
        box-shadow: 0 8px 24px rgb(0 0 0 / 45%);
      }

      /* Phones: above the bar, centred on the screen, so no emoji falls off an edge. */
      @media (max-width: 480px) {
        .menu {
          position: fixed;
          left: 50%;
          bottom: 10rem;
        }
      }

      .menu button {
        width: 2.6rem;
        height: 2.6rem;
        padding: 0;
        border: none;
        border-radius: 50%;
        background: transparent;
        font-size: 1.5rem;
        line-height: 1;
      }

      .menu button:hover,
      .menu button:focus-visible {
        background: var(--_surface);
      }

      .badge {
        background: #f5c451;
        color: #1b1400;
      }
    `
  ]

  /** Our hand is up. */
  @property({ type: Boolean, attribute: 'hand-raised' }) handRaised = false

  /** The people list is shown. */
  @property({ type: Boolean, attribute: 'people-open' }) peopleOpen = false

  /** How many hands are up in the room, ours included. */
  @property({ type: Number }) hands = 0

  @state() private _menuOpen = false

  /** Gives focus back to the People button (its panel was closed from inside). */
  focusPeople(): void {
    this.renderRoot.querySelector<HTMLButtonElement>('#people')?.focus()
  }

  private _onReactClick(): void {
    this._menuOpen = !this._menuOpen
    // The menu takes focus, so arrows and Enter work at once.
    if (this._menuOpen) {
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLButtonElement>('.menu button')?.focus()
      )
    }
  }

  private _closeMenu(): void {
    this._menuOpen = false
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('#react')?.focus())
  }

  private _onPick(emoji: Reaction): void {
    fire(this, 'moim-send-reaction', { emoji })
    this._closeMenu()
  }

  private _onMenuKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.stopPropagation()
      this._closeMenu()
      return
    }
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return
    event.preventDefault()
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.menu button')]
    const at = buttons.indexOf(this.shadowRoot?.activeElement as HTMLButtonElement)
    const next = (at + (event.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length
    buttons[next]?.focus()
  }

  override render() {
    const handsText = pluralOne(this.hands)
      ? msg(str`${this.hands} hand raised`)
      : msg(str`${this.hands} hands raised`)
    return html`
      <button
        class="toggle hand"
        aria-pressed=${this.handRaised ? 'true' : 'false'}
        title=${this.handRaised ? msg('Lower hand') : msg('Raise hand')}
        @click=${() => fire(this, 'moim-toggle-hand')}
      >
        ${handIcon}<span class="visually-hidden">${msg('Raise hand')}</span>
      </button>
      <div class="reactions">
        <button
          id="react"
          class="toggle"
          aria-expanded=${this._menuOpen ? 'true' : 'false'}
          aria-controls="reaction-menu"
          title=${msg('Reactions')}
          @click=${this._onReactClick}
        >
          ${smileIcon}<span class="visually-hidden">${msg('Reactions')}</span>
        </button>
        ${
          this._menuOpen
            ? html`<div
                id="reaction-menu"
                class="menu"
                role="group"
                aria-label=${msg('Choose a reaction')}
                @keydown=${this._onMenuKeyDown}
              >
                ${REACTIONS.map(
                  (emoji) =>
                    html`<button
                      type="button"
                      aria-label=${reactionName(emoji)}
                      title=${reactionName(emoji)}
                      @click=${() => this._onPick(emoji)}
                    >
                      <span aria-hidden="true">${emoji}</span>
                    </button>`
                )}
              </div>`
            : nothing
        }
      </div>
      <button
        id="people"
        class="toggle"
        aria-pressed=${this.peopleOpen ? 'true' : 'false'}
        aria-describedby="hands-count"
        title=${msg('People')}
        @click=${() => fire(this, 'moim-toggle-people')}
      >
        ${peopleIcon}<span class="visually-hidden">${msg('People')}</span>
        ${this.hands > 0 ? html`<span class="badge" aria-hidden="true">${this.hands}</span>` : nothing}
      </button>
      <span id="hands-count" class="visually-hidden">${this.hands > 0 ? handsText : ''}</span>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-people-controls': MoimPeopleControls
  }
}
