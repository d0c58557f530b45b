import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import type { Participant } from '../core/types'
import type { TileStatus } from './moim-tile-status'
import { sharedStyles } from './shared.styles'
import './moim-video-tile'

/** What the grid shows for the local user. */
export interface SelfView {
  name: string
  stream: MediaStream | null
  muted: boolean
  cameraOff: boolean
  sharingScreen: boolean
}

/** The key of the self tile in `statuses` (no peer id is empty). */
export const SELF_STATUS = ''

/** Columns for `count` tiles: 1 -> 1, 2..4 -> 2, 5..9 -> 3, more -> 4, so tiles stay as large as possible. */
export function columnsFor(count: number): number {
  if (count <= 1) return 1
  if (count <= 4) return 2
  if (count <= 9) return 3
  return 4
}

/** Columns on a narrow (phone) window: one or two people stack, more go two across. */
export function narrowColumnsFor(count: number): number {
  return count <= 2 ? 1 : 2
}

/**
 * The call's video grid: the self tile first, then one tile per remote participant, in a CSS grid whose column
 * count follows the number of people. Remote tiles carry `data-peer-id`, the self tile `data-self`.
 *
 * @csspart grid - the grid container
 */
@customElement('moim-video-grid')
export class MoimVideoGrid extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        min-height: 0;
        min-width: 0;
      }

      .grid {
        display: grid;
        grid-template-columns: repeat(var(--cols, 1), minmax(0, 1fr));
        grid-auto-rows: minmax(0, 1fr);
        gap: 0.75rem;
        width: 100%;
        height: 100%;
      }

      /* Attribute selectors rather than an inline style: the CSP has no 'unsafe-inline' for style attributes. */
      .grid[data-columns='2'] {
        --cols: 2;
      }

      .grid[data-columns='3'] {
        --cols: 3;
      }

      .grid[data-columns='4'] {
        --cols: 4;
      }

      /* On a narrow window (a phone held upright), stack tiles, at most two across. */
      @media (max-width: 640px) {
        .grid[data-narrow-columns='1'] {
          --cols: 1;
        }

        .grid[data-narrow-columns='2'] {
          --cols: 2;
        }
      }
    `
  ]

  /** The local user; null hides the self tile. */
  @property({ attribute: false }) self: SelfView | null = null

  /** Everyone else in the room. */
  @property({ attribute: false }) participants: Participant[] = []

  /** What each tile shows over its video, by peer id (the self tile's under SELF_STATUS). */
  @property({ attribute: false }) statuses: ReadonlyMap<string, TileStatus> = new Map()

  /** Audio output for remote tiles; null for the system default. */
  @property({ attribute: false }) speakerId: string | null = null

  override render() {
    const count = this.participants.length + (this.self ? 1 : 0)
    const columns = columnsFor(count)
    const self = this.self
    return html`
      <div class="grid" part="grid" data-columns=${columns} data-narrow-columns=${narrowColumnsFor(count)}>
        ${
          self
            ? html`<moim-video-tile
                data-self
                .name=${self.name}
                self
                .stream=${self.stream}
                .muted=${self.muted}
                .cameraOff=${self.cameraOff}
                .screen=${self.sharingScreen}
                .mirrored=${!self.sharingScreen}
                .status=${this.statuses.get(SELF_STATUS) ?? null}
              ></moim-video-tile>`
            : nothing
        }
        ${repeat(
          this.participants,
          (p) => p.peer.id,
          (p) =>
            html`<moim-video-tile
              data-peer-id=${p.peer.id}
              .name=${p.peer.name}
              .stream=${p.stream}
              .muted=${!p.peer.audio}
              .cameraOff=${!p.peer.video && !p.peer.screen}
              .screen=${p.peer.screen}
              .connection=${p.connection}
              .speakerId=${this.speakerId}
              .status=${this.statuses.get(p.peer.id) ?? null}
            ></moim-video-tile>`
        )}
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-video-grid': MoimVideoGrid
  }
}
