import { LitElement, css, html } from 'lit'
import type { PropertyValues } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import { AudioLevelController } from '../controllers/audio-level-controller'
import { sharedStyles } from './shared.styles'

/**
 * A live microphone level meter (a native <meter> labelled "Input level"), fed by a level source polled every
 * animation frame, so the user sees their microphone works before joining.
 */
@customElement('moim-level-meter')
@localized()
export class MoimLevelMeter extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        font-size: 0.85rem;
        color: var(--_muted-text);
      }

      meter {
        flex: 1;
        height: 0.6rem;
        appearance: none;
        border-radius: 999px;
        overflow: hidden;
        background: var(--_surface-2);
      }

      meter::-webkit-meter-bar {
        background: var(--_surface-2);
        border: none;
        border-radius: 999px;
      }

      meter::-webkit-meter-optimum-value,
      meter::-webkit-meter-suboptimum-value,
      meter::-webkit-meter-even-less-good-value {
        background: var(--_ok);
        border-radius: 999px;
        transition: inline-size 80ms linear;
      }
    `
  ]

  /** Returns the current input level, 0..1 (e.g. `() => media.audioLevel()`); null shows silence. */
  @property({ attribute: false }) source: (() => number) | null = null

  private readonly _level = new AudioLevelController(this)

  /** The level shown now, 0..1. */
  get level(): number {
    return this._level.level
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('source')) this._level.source = this.source
  }

  override render() {
    return html`<label for="meter">${msg('Input level')}</label
      ><meter
        id="meter"
        min="0"
        max="1"
        low="0"
        high="0.9"
        optimum="0.5"
        .value=${this._level.level}
      ></meter>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moim-level-meter': MoimLevelMeter
  }
}
