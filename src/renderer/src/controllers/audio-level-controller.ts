import type { ReactiveController, ReactiveControllerHost } from 'lit'

/**
 * Samples a level source (0..1, e.g. `LocalMedia.audioLevel()`) once per animation frame while the host is
 * connected, and re-renders the host only when the level moved visibly.
 */
export class AudioLevelController implements ReactiveController {
  /** The last sampled level, 0..1. */
  level = 0
  /** Where levels come from; null reads as silence. */
  source: (() => number) | null = null
  private _frame = 0

  constructor(private readonly _host: ReactiveControllerHost) {
    _host.addController(this)
  }

  hostConnected(): void {
    this._frame = requestAnimationFrame(this._tick)
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this._frame)
  }

  private readonly _tick = (): void => {
    const raw = this.source ? this.source() : 0
    const next = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0
    // A 2% step is below what the eye sees on a meter; skipping it spares most re-renders.
    if (Math.abs(next - this.level) >= 0.02 || (next === 0 && this.level !== 0)) {
      this.level = next
      this._host.requestUpdate()
    }
    this._frame = requestAnimationFrame(this._tick)
  }
}
