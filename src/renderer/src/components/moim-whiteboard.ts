import { LitElement, css, html, nothing, svg, unsafeCSS } from 'lit'
import type { PropertyValues, SVGTemplateResult } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { BOARD_COLORS, BOARD_HEIGHT, BOARD_SIZES, BOARD_WIDTH } from '../../../shared/board'
import type { BoardColor, Stroke } from '../../../shared/board'
import type { BoardChannel } from '../core/board-channel'
import { BoardModel } from '../core/board-model'
import type { BoardState } from '../core/board-model'
import type { Participant } from '../core/types'
import { BoardController } from '../controllers/board-controller'
import { KeyboardShortcutsController, isTypingTarget } from '../controllers/keyboard-shortcuts-controller'
import { pluralOne } from '../localization'
import { exportPng, fillStroke, PathCache, prepare, strokePath } from './board-canvas'
import { fire } from './events'
import { errorMessage } from './input-messages'
import { sharedStyles } from './shared.styles'

type Tool = 'pen' | 'highlighter' | 'eraser'

/** The eraser's reach around the pointer, in board units (about 8 px on a 1,280 px board). */
const ERASER_RADIUS = 20

const icon = (body: SVGTemplateResult) =>
  svg`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${body}</svg>`
const penIcon = icon(svg`<path d="M4 20l4-1L19 8a2.1 2.1 0 0 0-3-3L5 16l-1 4zM14 7l3 3"/>`)
const highlighterIcon = icon(svg`<path d="M9 15l-4 4h5l2-2M9 15l6-10 4 4-10 6zM14 6l4 4"/>`)
const eraserIcon = icon(
  svg`<path d="M8 20h12M5 15l9-9a2 2 0 0 1 3 0l2 2a2 2 0 0 1 0 3l-8 8H8l-3-3a1 1 0 0 1 0-1z"/>`
)
const undoIcon = icon(svg`<path d="M9 14L4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3"/>`)
const redoIcon = icon(svg`<path d="M15 14l5-5-5-5M20 9H10a6 6 0 0 0 0 12h3"/>`)
const clearIcon = icon(svg`<path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"/>`)
const exportIcon = icon(svg`<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>`)
const closeIcon = icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`)

/** A colour's name, for screen readers and tooltips. */
function colorName(color: BoardColor): string {
  switch (color) {
    case '#1f2328':
      return msg('Black')
    case '#e5484d':
      return msg('Red')
    case '#2f81f7':
      return msg('Blue')
    case '#30a46c':
      return msg('Green')
    case '#f5a623':
      return msg('Orange')
    case '#8e4ec6':
      return msg('Purple')
  }
}

function sizeName(index: number): string {
  return [msg('Fine'), msg('Medium'), msg('Thick'), msg('Extra thick')][index] ?? ''
}

/**
 * What a room keeps of its board while the board is closed, so that opening it again draws at once with no new
 * sync: the synced model (which goes on taking the others' changes) and the strokes' outlines. The call view
 * makes one the first time the board opens and disposes it with the room.
 */
export interface RoomBoard {
  model: BoardModel
  paths: PathCache
}

/** The room's board over the call's board connection (Call.board), syncing from the server. */
export function openRoomBoard(channel: BoardChannel): RoomBoard {
  const model = new BoardModel(channel)
  void model.sync()
  return { model, paths: new PathCache() }
}

/**
 * The shared whiteboard: a 16:9 sheet that everyone in the call draws on (pen, highlighter, an eraser that removes
 * whole strokes, colours and sizes; undo and redo of one's own strokes; clear for everyone after a confirmation;
 * export as PNG), with the others' strokes appearing as they draw and their cursors named. Scaled to any size
 * without distortion (one coordinate space for all), drawn at the device's pixel ratio.
 *
 * No style attributes (the CSP allows no inline styles, and Lit's styleMap writes the attribute on its first
 * render): swatch colours and dot sizes are classes of the static styles, cursor positions are set through the
 * CSSOM after each render.
 *
 * Keyboard: P pen, H highlighter, E eraser, 1–6 colours, Ctrl/⌘+Z undo, Ctrl/⌘+Shift+Z or Ctrl+Y redo.
 *
 * @fires moim-toggle-board - the user wants the board closed
 */
@customElement('moim-whiteboard')
@localized()
export class MoimWhiteboard extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        grid-template-rows: auto minmax(0, 1fr);
        gap: 0.5rem;
        min-height: 0;
        min-width: 0;
      }

      .toolbar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.75rem;
        padding: 0.4rem 0.5rem;
        background: var(--_surface);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }

      .group {
        display: flex;
        align-items: center;
        gap: 0.25rem;
      }

      .group + .group {
        padding-left: 0.75rem;
        border-left: 1px solid var(--_border);
      }

      .tool {
        display: inline-grid;
        place-items: center;
        width: 2.4rem;
        height: 2.4rem;
        padding: 0;
        border-radius: 8px;
      }

      .tool[aria-pressed='true'] {
        background: color-mix(in srgb, var(--_accent) 25%, var(--_surface-2));
        border-color: var(--_accent);
      }

      .swatch {
        width: 1.9rem;
        height: 1.9rem;
        padding: 0;
        border-radius: 50%;
        border: 2px solid var(--_surface);
        /* Light enough that the black swatch shows on the dark toolbar. */
        outline: 1px solid color-mix(in srgb, var(--_text) 40%, transparent);
        background: var(--swatch);
      }

      ${unsafeCSS(BOARD_COLORS.map((color, index) => `.swatch.c${index}{--swatch:${color}}`).join(''))}
      ${unsafeCSS(BOARD_SIZES.map((_, index) => `.dot.d${index}{width:${4 + index * 4}px;height:${4 + index * 4}px}`).join(''))}

      .swatch:hover:not(:disabled) {
        background: var(--swatch);
        outline-color: var(--_text);
      }

      .swatch[aria-pressed='true'] {
        outline: 2px solid var(--_accent);
        outline-offset: 1px;
      }

      .size {
        display: inline-grid;
        place-items: center;
        width: 2.1rem;
        height: 2.1rem;
        padding: 0;
      }

      .size .dot {
        display: block;
        border-radius: 50%;
        background: currentColor;
      }

      .size[aria-pressed='true'] {
        border-color: var(--_accent);
        color: var(--_accent);
      }

      .end {
        margin-left: auto;
      }

      .icon {
        width: 1.25rem;
        height: 1.25rem;
        fill: none;
        stroke: currentColor;
        stroke-width: 1.8;
        stroke-linecap: round;
        stroke-linejoin: round;
      }

      /* The sheet keeps 16:9 inside whatever space it gets: the largest such box, centred. */
      .frame {
        position: relative;
        container-type: size;
        display: grid;
        place-items: center;
        min-height: 0;
      }

      .sheet {
        position: relative;
        width: min(100cqw, calc(100cqh * 16 / 9));
        aspect-ratio: 16 / 9;
        border-radius: 10px;
        overflow: hidden;
        background: #ffffff;
        box-shadow: 0 6px 24px rgb(0 0 0 / 35%);
      }

      canvas {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
      }

      canvas.live {
        touch-action: none;
        cursor: crosshair;
      }

      canvas.live.eraser {
        cursor: cell;
      }

      canvas.live:focus-visible {
        outline: 3px solid var(--_accent);
        outline-offset: -3px;
      }

      .cursor {
        position: absolute;
        pointer-events: none;
        transform: translate(-2px, -2px);
        transition:
          left 60ms linear,
          top 60ms linear;
      }

      .cursor .dot {
        width: 10px;
        height: 10px;
        border-radius: 50%;
        background: var(--_accent);
        border: 2px solid white;
      }

      .cursor .label {
        margin: 2px 0 0 8px;
        padding: 1px 6px;
        border-radius: 6px;
        background: var(--_accent);
        color: var(--_accent-text);
        font-size: 0.75rem;
        font-weight: 600;
        white-space: nowrap;
      }

      .status {
        position: absolute;
        top: 0.6rem;
        left: 50%;
        transform: translateX(-50%);
        margin: 0;
        padding: 0.35rem 0.8rem;
        border-radius: 999px;
        background: rgb(17 20 24 / 85%);
        color: #fff;
        font-size: 0.85rem;
        white-space: nowrap;
        pointer-events: none;
      }

      .status.alert {
        background: var(--_danger);
        color: var(--_danger-text);
      }

      dialog {
        max-width: min(26rem, 90vw);
        padding: 1.2rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
        color: var(--_text);
      }

      dialog::backdrop {
        background: rgb(0 0 0 / 50%);
      }

      dialog h2 {
        margin: 0 0 0.5rem;
        font-size: 1.05rem;
      }

      dialog p {
        margin: 0 0 1rem;
        color: var(--_muted-text);
      }

      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
      }

      /* Phones: two compact rows of tools, and the sheet at the top with the spare height below it. */
      @media (max-width: 640px) {
        .toolbar {
          gap: 0.35rem 0.5rem;
          justify-content: center;
        }

        .group + .group {
          padding-left: 0;
          border-left: 0;
        }

        .end {
          margin-left: 0;
        }

        .frame {
          place-items: start center;
        }

        .tool {
          width: 2.2rem;
          height: 2.2rem;
        }

        .swatch {
          width: 1.6rem;
          height: 1.6rem;
        }
      }
    `
  ]

  /** The room's board (see `openRoomBoard`), kept by the call view while this element comes and goes. */
  @property({ attribute: false }) board: RoomBoard | null = null

  /** The others in the call, to name their cursors. */
  @property({ attribute: false }) participants: Participant[] = []

  @state() private _tool: Tool = 'pen'
  @state() private _color: BoardColor = BOARD_COLORS[0]
  @state() private _size: number = BOARD_SIZES[1]

  @query('canvas.base') private _baseCanvas!: HTMLCanvasElement
  @query('canvas.live') private _liveCanvas!: HTMLCanvasElement
  @query('dialog') private _confirm!: HTMLDialogElement

  private readonly _board = new BoardController(this, (next) => this._onBoardChange(next))
  /** The strokes drawn on the base canvas, so a change that only appends draws only the new ones. */
  private _drawn: readonly Stroke[] = []
  private _liveFrame = 0
  private _pointer: number | null = null
  private _resize: ResizeObserver | null = null
  private _box = { width: 0, height: 0 }

  constructor() {
    super()
    // Key codes, so the shortcuts sit on the same keys on every layout.
    new KeyboardShortcutsController(this, {
      KeyP: () => (this._tool = 'pen'),
      KeyH: () => (this._tool = 'highlighter'),
      KeyE: () => (this._tool = 'eraser'),
      ...Object.fromEntries(
        BOARD_COLORS.map((color, index) => [`Digit${index + 1}`, () => this._pickColor(color)])
      )
    })
  }

  /** The board's model (for tests and the bench: its strokes and document). */
  get model(): BoardModel | null {
    return this._board.model
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('board')) {
      this._board.follow(this.board?.model ?? null)
      this._drawn = []
    }
  }

  override connectedCallback(): void {
    super.connectedCallback()
    window.addEventListener('keydown', this._onUndoKeys)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('keydown', this._onUndoKeys)
    this._resize?.disconnect()
    this._resize = null
    cancelAnimationFrame(this._liveFrame)
  }

  override firstUpdated(): void {
    const sheet = this.renderRoot.querySelector<HTMLElement>('.sheet')
    if (sheet === null) return
    this._resize = new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect
      this._box = { width, height }
      this._drawn = []
      this._drawBase(this._board.value?.strokes ?? [])
      this._scheduleLive()
    })
    this._resize.observe(sheet)
  }

  protected override updated(changed: PropertyValues<this>): void {
    void changed
    this._drawBase(this._board.value?.strokes ?? [])
    for (const cursor of this.renderRoot.querySelectorAll<HTMLElement>('.cursor')) {
      cursor.style.left = `${(Number(cursor.dataset.x) / BOARD_WIDTH) * 100}%`
      cursor.style.top = `${(Number(cursor.dataset.y) / BOARD_HEIGHT) * 100}%`
    }
  }

  private _onBoardChange(next: BoardState): void {
    if (next.strokes !== this._drawn) this._drawBase(next.strokes)
    this._scheduleLive()
  }

  /** Draws the committed strokes: only the new ones when the change appended, everything otherwise. */
  private _drawBase(strokes: readonly Stroke[]): void {
    const canvas = this._baseCanvas
    const paths = this.board?.paths
    if (canvas === null || canvas === undefined || paths === undefined || this._box.width === 0) return
    if (strokes === this._drawn) return
    const context = prepare(canvas, this._box.width, this._box.height)
    if (context === null) return
    const before = this._drawn
    const appended =
      before.length > 0 && before.length <= strokes.length && strokes[before.length - 1] === before.at(-1)
    if (!appended) {
      context.clearRect(0, 0, BOARD_WIDTH, BOARD_HEIGHT)
      paths.keepOnly(new Set(strokes.map((stroke) => stroke.id)))
    }
    for (let i = appended ? before.length : 0; i < strokes.length; i++) {
      fillStroke(context, strokes[i], paths.get(strokes[i]))
    }
    this._drawn = strokes
  }

  private _scheduleLive(): void {
    if (this._liveFrame !== 0) return
    this._liveFrame = requestAnimationFrame(() => {
      this._liveFrame = 0
      this._drawLive()
    })
  }

  /** The strokes in progress: the others' drafts and our own, redrawn each frame they change. */
  private _drawLive(): void {
    const canvas = this._liveCanvas
    if (canvas === null || canvas === undefined || this._box.width === 0) return
    const context = prepare(canvas, this._box.width, this._box.height)
    if (context === null) return
    context.clearRect(0, 0, BOARD_WIDTH, BOARD_HEIGHT)
    for (const draft of this._board.value?.drafts ?? []) fillStroke(context, draft, strokePath(draft, false))
    const own = this._board.model?.ownDraft
    if (own != null) fillStroke(context, own, strokePath(own, false))
  }

  private _toBoard(event: PointerEvent): [number, number] {
    const box = this._liveCanvas.getBoundingClientRect()
    return [
      ((event.clientX - box.left) / box.width) * BOARD_WIDTH,
      ((event.clientY - box.top) / box.height) * BOARD_HEIGHT
    ]
  }

  private _onPointerDown(event: PointerEvent): void {
    const model = this._board.model
    if (model === null || this._pointer !== null || (event.pointerType === 'mouse' && event.button !== 0))
      return
    this._pointer = event.pointerId
    this._liveCanvas.setPointerCapture(event.pointerId)
    const [x, y] = this._toBoard(event)
    if (this._tool === 'eraser') model.eraseAt(x, y, ERASER_RADIUS)
    else model.begin({ tool: this._tool, color: this._color, size: this._size }, x, y, pressureOf(event))
    this._scheduleLive()
  }

  private _onPointerMove(event: PointerEvent): void {
    const model = this._board.model
    if (model === null) return
    // Every sample the device gave since the last frame, not one per frame: smooth fast strokes.
    const samples = event.getCoalescedEvents?.() ?? []
    const events = samples.length > 0 ? samples : [event]
    if (this._pointer === event.pointerId) {
      for (const sample of events) {
        const [x, y] = this._toBoard(sample)
        if (this._tool === 'eraser') model.eraseAt(x, y, ERASER_RADIUS)
        else model.extend(x, y, pressureOf(sample))
      }
      this._scheduleLive()
    }
    const [x, y] = this._toBoard(event)
    model.pointer(x, y, true)
  }

  private _onPointerUp(event: PointerEvent): void {
    if (this._pointer !== event.pointerId) return
    this._pointer = null
    this._board.model?.end()
    this._scheduleLive()
  }

  private _onPointerLeave(event: PointerEvent): void {
    const [x, y] = this._toBoard(event)
    this._board.model?.pointer(x, y, false)
  }

  private readonly _onUndoKeys = (event: KeyboardEvent): void => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || isTypingTarget(event.composedPath()[0] ?? null))
      return
    const redo = (event.code === 'KeyZ' && event.shiftKey) || (event.code === 'KeyY' && !event.shiftKey)
    if (event.code === 'KeyZ' && !event.shiftKey) this._board.model?.undoLast()
    else if (redo) this._board.model?.redoLast()
    else return
    event.preventDefault()
  }

  private _pickColor(color: BoardColor): void {
    this._color = color
    if (this._tool === 'eraser') this._tool = 'pen'
  }

  private _onClearClick(): void {
    this._confirm.showModal()
  }

  private _onConfirmClear(): void {
    this._confirm.close()
    this._board.model?.clear()
  }

  private async _onExportClick(): Promise<void> {
    if (this.board === null) return
    const blob = await exportPng(this._board.value?.strokes ?? [], this.board.paths)
    const link = document.createElement('a')
    link.href = URL.createObjectURL(blob)
    link.download = 'moim-board.png'
    link.click()
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
  }

  private _onCloseClick(): void {
    fire(this, 'moim-toggle-board')
  }

  private _renderStatus(board: BoardState | null) {
    if (board === null || board.status === 'syncing') {
      return html`<p class="status" role="status">${msg('Loading the board…')}</p>`
    }
    if (board.status === 'offline') {
      return html`<p class="status" role="status">
        ${msg('Reconnecting… drawing resumes when the board is back.')}
      </p>`
    }
    // Worded here rather than in input-messages.ts: only the board (not in the startup bundle) can be full.
    if (board.error === 'board-full') {
      return html`<p class="status alert" role="alert">
        ${msg('The board is full. Erase or clear some strokes to draw more.')}
      </p>`
    }
    if (board.error !== null) {
      return html`<p class="status alert" role="alert">
        ${errorMessage({ code: board.error, message: msg('That change could not be saved.') })}
      </p>`
    }
    return nothing
  }

  override render() {
    const board = this._board.value
    const count = board?.strokes.length ?? 0
    const names = new Map(this.participants.map((p) => [p.peer.id, p.peer.name]))
    const tools: [Tool, string, string, SVGTemplateResult][] = [
      ['pen', msg('Pen'), 'P', penIcon],
      ['highlighter', msg('Highlighter'), 'H', highlighterIcon],
      ['eraser', msg('Eraser'), 'E', eraserIcon]
    ]
    return html`
      <div class="toolbar" role="toolbar" aria-label=${msg('Drawing tools')}>
        <div class="group">
          ${tools.map(
            ([tool, label, key, glyph]) =>
              html`<button
                class="tool"
                aria-pressed=${this._tool === tool ? 'true' : 'false'}
                aria-keyshortcuts=${key}
                title=${`${label} (${key})`}
                @click=${() => (this._tool = tool)}
              >
                ${glyph}<span class="visually-hidden">${label}</span>
              </button>`
          )}
        </div>
        <div class="group" role="group" aria-label=${msg('Colour')}>
          ${BOARD_COLORS.map(
            (color, index) =>
              html`<button
                class="swatch c${index}"
                aria-pressed=${this._color === color ? 'true' : 'false'}
                aria-keyshortcuts=${String(index + 1)}
                title=${`${colorName(color)} (${index + 1})`}
                @click=${() => this._pickColor(color)}
              >
                <span class="visually-hidden">${colorName(color)}</span>
              </button>`
          )}
        </div>
        <div class="group" role="group" aria-label=${msg('Size')}>
          ${BOARD_SIZES.map(
            (size, index) =>
              html`<button
                class="size"
                aria-pressed=${this._size === size ? 'true' : 'false'}
                title=${sizeName(index)}
                @click=${() => (this._size = size)}
              >
                <span class="dot d${index}"></span>
                <span class="visually-hidden">${sizeName(index)}</span>
              </button>`
          )}
        </div>
        <div class="group">
          <button
            class="tool"
            ?disabled=${!board?.canUndo}
            aria-keyshortcuts="Control+Z Meta+Z"
            title=${msg('Undo my last stroke (Ctrl+Z)')}
            @click=${() => this._board.model?.undoLast()}
          >
            ${undoIcon}<span class="visually-hidden">${msg('Undo')}</span>
          </button>
          <button
            class="tool"
            ?disabled=${!board?.canRedo}
            aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y"
            title=${msg('Redo (Ctrl+Shift+Z)')}
            @click=${() => this._board.model?.redoLast()}
          >
            ${redoIcon}<span class="visually-hidden">${msg('Redo')}</span>
          </button>
        </div>
        <div class="group end">
          <button
            class="tool"
            ?disabled=${count === 0}
            title=${msg('Clear the board')}
            @click=${this._onClearClick}
          >
            ${clearIcon}<span class="visually-hidden">${msg('Clear the board')}</span>
          </button>
          <button class="tool" title=${msg('Export as PNG')} @click=${this._onExportClick}>
            ${exportIcon}<span class="visually-hidden">${msg('Export as PNG')}</span>
          </button>
          <button class="tool" title=${msg('Close the board (B)')} @click=${this._onCloseClick}>
            ${closeIcon}<span class="visually-hidden">${msg('Close the board')}</span>
          </button>
        </div>
      </div>
      <section class="frame" aria-label=${msg('Whiteboard')}>
        <div class="sheet">
          <canvas class="base" aria-hidden="true"></canvas>
          <canvas
            class="live ${this._tool}"
            role="img"
            tabindex="0"
            aria-label=${
              count === 0
                ? msg('Shared whiteboard, empty')
                : pluralOne(count)
                  ? msg(str`Shared whiteboard, ${count} stroke`)
                  : msg(str`Shared whiteboard, ${count} strokes`)
            }
            @pointerdown=${this._onPointerDown}
            @pointermove=${this._onPointerMove}
            @pointerup=${this._onPointerUp}
            @pointercancel=${this._onPointerUp}
            @pointerleave=${this._onPointerLeave}
          ></canvas>
          ${(board?.cursors ?? []).map(
            (cursor) =>
              html`<div class="cursor" aria-hidden="true" data-x=${cursor.x} data-y=${cursor.y}>
                <div class="dot"></div>
                <div class="label">${names.get(cursor.from) ?? msg('Someone')}</div>
              </div>`
          )}
          ${this._renderStatus(board)}
        </div>
      </section>
      <dialog aria-labelledby="confirm-title">
        <h2 id="confirm-title">${msg('Clear the board for everyone?')}</h2>
        <p>${msg('Every stroke goes, yours and everyone else’s. This cannot be undone.')}</p>
        <div class="actions">
          <button @click=${() => this._confirm.close()}>${msg('Cancel')}</button>
          <button class="danger" @click=${this._onConfirmClear}>${msg('Clear')}</button>
        </div>
      </dialog>
    `
  }
}

/** Pressure 0..1: a pen's or a touch's own, a mouse's a constant (it reports 0.5 while pressed anyway). */
function pressureOf(event: PointerEvent): number {
  return event.pointerType === 'mouse' || event.pressure === 0 ? 0.5 : event.pressure
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-whiteboard': MoimWhiteboard
  }
}
