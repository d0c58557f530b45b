import { LitElement, css, html } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import type { SpeakerState } from '../core/speaker-store'
import type { CallLayout } from '../core/preferences'
import type { Participant } from '../core/types'
import type { TileStatus } from './moim-tile-status'
import { sharedStyles } from './shared.styles'
import { commonAspect, gridLayout, speakerLayout } from './tile-layout'
import type { MoimVideoTile } from './moim-video-tile'
import './moim-video-tile'
import './moim-tile-actions'

/** What the grid shows for the local user. */
export interface SelfView {
  /** Our peer id in the room ('' before the join is answered), to find us among the speakers. */
  id: string
  name: string
  stream: MediaStream | null
  muted: boolean
  cameraOff: boolean
  sharingScreen: boolean
}

/** The self tile's key among the peer ids (in the pin and in `statuses`). */
export const SELF_KEY = 'self'

/** What decides the stage: one entry per tile, self first. */
export interface StageCandidate {
  key: string
  screen: boolean
}

/**
 * The tile shown large, or null for a plain grid: the pinned tile; else a screen someone shares (others' screens:
 * our own would show us a mirror of a mirror); else, in the speaker layout, the active speaker, the first other
 * person, or ourselves when alone.
 */
export function stageKey(
  tiles: StageCandidate[],
  layout: CallLayout,
  pinned: string | null,
  active: string | null
): string | null {
  const has = (key: string | null) => key !== null && tiles.some((t) => t.key === key)
  if (has(pinned)) return pinned
  const screen = tiles.find((t) => t.screen && t.key !== SELF_KEY)
  if (screen) return screen.key
  if (layout !== 'speaker') return null
  if (has(active)) return active
  return (tiles.find((t) => t.key !== SELF_KEY) ?? tiles[0])?.key ?? null
}

/**
 * The call's video tiles, in one of two layouts: a grid of equal tiles, or one tile large on a stage (the pinned
 * one, a shared screen, or the active speaker) with the others in a strip. Every tile keeps its video's shape, so
 * nothing is cropped. Pinning is UI state held here; the tiles ask for it with `moim-tile-pin`.
 *
 * Remote tiles carry `data-peer-id`, the self tile `data-self`, the stage's tile `data-stage`.
 *
 * @csspart grid - the box the tiles are placed in
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
        position: relative;
        width: 100%;
        height: 100%;
        overflow: hidden;
      }

      /* Placed by _place() through the CSSOM (the CSP allows no style attributes, but CSSOM writes are fine). */
      moim-video-tile {
        position: absolute;
        left: 0;
        top: 0;
      }
    `
  ]

  /** The local user; null hides the self tile. */
  @property({ attribute: false }) self: SelfView | null = null

  /** Everyone else in the room. */
  @property({ attribute: false }) participants: Participant[] = []

  /** What each tile shows over its video, by peer id (the self tile's under SELF_KEY). */
  @property({ attribute: false }) statuses: ReadonlyMap<string, TileStatus> = new Map()

  /** Audio output for remote tiles; null for the system default. */
  @property({ attribute: false }) speakerId: string | null = null

  /** The layout the user chose. A pinned tile or a shared screen takes the stage in either. */
  @property() layout: CallLayout = 'grid'

  /** Who is talking (from the call core): their tiles are marked, and the active one takes the speaker stage. */
  @property({ attribute: false }) speakers: SpeakerState = { speaking: [], active: null }

  /** The pinned tile's key (a peer id, or SELF_KEY), or null. */
  @state() private _pinned: string | null = null

  /** Each tile's video shape, as the tiles report it. */
  @state() private _aspects = new Map<string, number>()

  private readonly _resize = new ResizeObserver(() => this._place())

  private _onPin(event: Event): void {
    event.stopPropagation()
    const key = (event.target as MoimVideoTile).dataset.key ?? null
    this._pinned = this._pinned === key ? null : key
  }

  private _onAspect(event: CustomEvent<{ aspect: number | null }>): void {
    event.stopPropagation()
    const key = (event.target as MoimVideoTile).dataset.key ?? ''
    const aspects = new Map(this._aspects)
    if (event.detail.aspect === null) aspects.delete(key)
    else aspects.set(key, event.detail.aspect)
    this._aspects = aspects
  }

  /** The pinned tile's key, or null. */
  get pinned(): string | null {
    return this._pinned
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this._resize.observe(this)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this._resize.disconnect()
  }

  private _candidates(): StageCandidate[] {
    const tiles: StageCandidate[] = this.self ? [{ key: SELF_KEY, screen: this.self.sharingScreen }] : []
    for (const p of this.participants) tiles.push({ key: p.peer.id, screen: p.peer.screen })
    return tiles
  }

  private _stage(): string | null {
    return stageKey(this._candidates(), this.layout, this._pinned, this.speakers.active)
  }

  protected override updated(_changed: PropertyValues<this>): void {
    this._place()
  }

  /** Sizes and places every tile for the box's size now. */
  private _place(): void {
    const box = this.renderRoot.querySelector<HTMLElement>('.grid')
    if (box === null) return
    const tiles = [...box.querySelectorAll<MoimVideoTile>('moim-video-tile')]
    const width = box.clientWidth
    const height = box.clientHeight
    const keys = tiles.map((tile) => tile.dataset.key ?? '')
    const stage = this._stage()
    const stageIndex = stage === null ? -1 : keys.indexOf(stage)
    // Cells take the shape most videos have; the stage takes its own video's (a shared screen's, say).
    const cellAspect = commonAspect(keys.filter((k) => k !== stage).flatMap((k) => this._aspect(k)))
    const rects =
      stageIndex < 0
        ? gridLayout(tiles.length, width, height, cellAspect)
        : speakerLayout(
            tiles.length,
            stageIndex,
            width,
            height,
            cellAspect,
            this._aspects.get(stage!) ?? cellAspect
          )
    tiles.forEach((tile, i) => {
      const rect = rects[i]
      if (rect === undefined) return
      tile.style.transform = `translate(${rect.x}px, ${rect.y}px)`
      tile.style.width = `${rect.width}px`
      tile.style.height = `${rect.height}px`
    })
  }

  private _aspect(key: string): number[] {
    const aspect = this._aspects.get(key)
    return aspect === undefined ? [] : [aspect]
  }

  override render() {
    const self = this.self
    const stage = this._stage()
    const speaking = new Set(this.speakers.speaking)
    return html`
      <div
        class="grid"
        part="grid"
        data-layout=${stage === null ? 'grid' : 'speaker'}
        @moim-tile-pin=${this._onPin}
        @moim-tile-aspect=${this._onAspect}
      >
        ${
          self
            ? html`<moim-video-tile
                data-self
                data-key=${SELF_KEY}
                ?data-stage=${stage === SELF_KEY}
                .name=${self.name}
                self
                .stream=${self.stream}
                .muted=${self.muted}
                .cameraOff=${self.cameraOff}
                .screen=${self.sharingScreen}
                .mirrored=${!self.sharingScreen}
                controls
                .pinned=${this._pinned === SELF_KEY}
                .speaking=${speaking.has(self.id)}
                .status=${this.statuses.get(SELF_KEY) ?? null}
              ></moim-video-tile>`
            : ''
        }
        ${repeat(
          this.participants,
          (p) => p.peer.id,
          (p) =>
            html`<moim-video-tile
              data-peer-id=${p.peer.id}
              data-key=${p.peer.id}
              ?data-stage=${stage === p.peer.id}
              .name=${p.peer.name}
              .stream=${p.stream}
              .muted=${!p.peer.audio}
              .cameraOff=${!p.peer.video && !p.peer.screen}
              .screen=${p.peer.screen}
              .connection=${p.peer.reconnecting ? 'reconnecting' : p.connection}
              .speakerId=${this.speakerId}
              controls
              .pinned=${this._pinned === p.peer.id}
              .speaking=${speaking.has(p.peer.id)}
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
