import { LitElement, css, html, nothing, svg } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import { localized, msg, str } from '@lit/localize'
import type { ConnectionQuality, ReactionEntry } from '../core/types'
import { handIcon } from './call-icons'
import { handText, qualityText } from './people-words'
import { sharedStyles } from './shared.styles'

/** What a tile shows over the video about its person, besides name and media. */
export interface TileStatus {
  /** Place in the queue of raised hands (1 = first up), or null when the hand is down. */
  hand: number | null
  /** The person's reactions of the last few seconds, oldest first. */
  reactions: readonly ReactionEntry[]
  /** How the connection to them is doing; null for our own tile or while unknown. */
  quality: ConnectionQuality | null
}

/** Three bars, as many lit as the quality deserves. */
function bars(quality: ConnectionQuality) {
  const lit = quality === 'good' ? 3 : quality === 'weak' ? 2 : 1
  return html`<svg class="bars" viewBox="0 0 14 12" aria-hidden="true" focusable="false">
    ${[0, 1, 2].map(
      // svg, not html: the bars must be made in the SVG namespace to draw.
      (i) =>
        svg`<rect
          x=${i * 5}
          y=${8 - i * 4}
          width="3.5"
          height=${4 + i * 4}
          rx="1"
          class=${i < lit ? 'lit' : ''}
        ></rect>`
    )}
  </svg>`
}

/**
 * The overlays of one video tile: the raised hand (with its place in the queue), the reactions flying up from the
 * bottom for a few seconds, and the connection's quality as bars. Rendered by moim-video-tile over its video; it
 * takes no pointer events except the hand, so the tile's own controls stay usable.
 *
 * The hand and the quality carry their text (visually hidden for the bars), so a screen reader reading the tile
 * hears them; a reaction is an image named by its emoji.
 */
@customElement('moim-tile-status')
@localized()
export class MoimTileStatus extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        position: absolute;
        inset: 0;
        pointer-events: none;
        display: block;
      }

      /*
       * Top centre: away from the name and media chips along the bottom, the connection chip at top left and the
       * tile's buttons (pin, full screen, picture-in-picture) at top right.
       */
      .top {
        position: absolute;
        top: 0.5rem;
        left: 50%;
        transform: translateX(-50%);
        display: flex;
        align-items: center;
        gap: 0.4rem;
      }

      .hand {
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
        padding: 0.25rem 0.6rem;
        border-radius: 999px;
        background: #f5c451;
        color: #1b1400;
        font-size: 0.85rem;
        font-weight: 700;
        box-shadow: 0 2px 8px rgb(0 0 0 / 35%);
      }

      .hand svg.icon {
        width: 1.05rem;
        height: 1.05rem;
      }

      .quality {
        display: inline-grid;
        place-items: center;
        width: 1.8rem;
        height: 1.8rem;
        border-radius: 999px;
        background: rgb(10 12 16 / 72%);
      }

      .bars {
        width: 0.95rem;
        height: 0.8rem;
      }

      .bars rect {
        fill: rgb(255 255 255 / 28%);
      }

      .good .bars rect.lit {
        fill: var(--_ok);
      }

      .weak .bars rect.lit {
        fill: var(--_warning);
      }

      .bad .bars rect.lit {
        fill: var(--_danger);
      }

      .reactions {
        position: absolute;
        left: 50%;
        bottom: 2.5rem;
        display: flex;
        gap: 0.25rem;
        transform: translateX(-50%);
      }

      .reaction {
        font-size: clamp(2rem, 9cqmin, 3.5rem);
        line-height: 1;
        filter: drop-shadow(0 3px 6px rgb(0 0 0 / 45%));
        animation: rise 4s ease-out forwards;
      }

      @keyframes rise {
        0% {
          opacity: 0;
          transform: translateY(1rem) scale(0.6);
        }
        12% {
          opacity: 1;
          transform: translateY(0) scale(1.1);
        }
        80% {
          opacity: 1;
          transform: translateY(-1.5rem) scale(1);
        }
        100% {
          opacity: 0;
          transform: translateY(-2.5rem) scale(1);
        }
      }

      @media (prefers-reduced-motion: reduce) {
        .reaction {
          animation: none;
        }
      }
    `
  ]

  /** What to show; null shows nothing. */
  @property({ attribute: false }) status: TileStatus | null = null

  override render() {
    const status = this.status
    if (status === null) return nothing
    return html`
      <div class="top">
        ${
          status.hand !== null
            ? html`<span class="hand" part="hand"
                >${handIcon}<span aria-hidden="true">${status.hand}</span
                ><span class="visually-hidden">${handText(status.hand)}</span></span
              >`
            : nothing
        }
        ${
          status.quality !== null
            ? html`<span
                class="quality ${status.quality}"
                data-quality=${status.quality}
                title=${qualityText(status.quality)}
                >${bars(status.quality)}<span class="visually-hidden"
                  >${qualityText(status.quality)}</span
                ></span
              >`
            : nothing
        }
      </div>
      ${
        status.reactions.length > 0
          ? html`<div class="reactions">
              ${repeat(
                // The latest three: a burst must not cover the face.
                status.reactions.slice(-3),
                (reaction) => reaction.id,
                (reaction) =>
                  html`<span class="reaction" role="img" aria-label=${msg(str`Reaction ${reaction.emoji}`)}
                    >${reaction.emoji}</span
                  >`
              )}
            </div>`
          : nothing
      }
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-tile-status': MoimTileStatus
  }
}
