/**
 * Statistics helpers for the benchmarks: percentiles over latency samples, summaries and ratios. Pure functions so
 * test/node/bench-stats.test.ts can prove them.
 */

/**
 * The p-th percentile (0..100) of `samples` by the nearest-rank method: the smallest value such that at least p%
 * of the samples are less than or equal to it. Nearest-rank never invents a value that was not measured, which is
 * what a latency tail should report. Throws on an empty input or a p outside 0..100.
 */
export function percentile(samples: ArrayLike<number>, p: number): number {
  return percentiles(samples, [p])[0]
}

/** Several percentiles of the same samples with one sort. */
export function percentiles(samples: ArrayLike<number>, ps: readonly number[]): number[] {
  if (samples.length === 0) throw new RangeError('percentile of an empty sample')
  for (const p of ps) {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`)
  }
  const sorted = Float64Array.from(samples).sort()
  return ps.map((p) => {
    // Nearest rank: ceil(p/100 * n), 1-based; p = 0 is the minimum. The epsilon absorbs binary rounding
    // (0.999 * 1000 is 999.0000000000001, whose ceiling would skip a rank).
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9)))
    return sorted[rank - 1]
  })
}

/** The median (the 50th percentile by nearest rank: for an even count, the lower middle value). */
export function median(samples: ArrayLike<number>): number {
  return percentile(samples, 50)
}

export interface Summary {
  count: number
  min: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/** Count, min, p50, p95, p99, max and mean of `samples`. Throws on an empty input. */
export function summarize(samples: ArrayLike<number>): Summary {
  const [min, p50, p95, p99, max] = percentiles(samples, [0, 50, 95, 99, 100])
  let sum = 0
  for (let i = 0; i < samples.length; i++) sum += samples[i]
  return { count: samples.length, min, p50, p95, p99, max, mean: sum / samples.length }
}

/** `value / baseline`, or NaN when the baseline is zero or either side is not a finite number. */
export function ratio(value: number, baseline: number): number {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN
  return value / baseline
}

/**
 * A bounded collector of samples: keeps at most `capacity` values (reservoir sampling past that), so a long run
 * cannot grow memory without bound while the percentiles stay unbiased.
 */
export class Reservoir {
  private readonly values: Float64Array
  private seen = 0

  constructor(
    readonly capacity: number,
    private readonly random: () => number = Math.random
  ) {
    if (!(Number.isInteger(capacity) && capacity > 0))
      throw new RangeError('capacity must be a positive integer')
    this.values = new Float64Array(capacity)
  }

  add(value: number): void {
    if (this.seen < this.capacity) {
      this.values[this.seen] = value
    } else {
      // Algorithm R: the i-th value replaces a random slot with probability capacity / i.
      const slot = Math.floor(this.random() * (this.seen + 1))
      if (slot < this.capacity) this.values[slot] = value
    }
    this.seen++
  }

  /** How many values were added (may exceed what is kept). */
  get count(): number {
    return this.seen
  }

  /** The kept values. */
  samples(): Float64Array {
    return this.values.subarray(0, Math.min(this.seen, this.capacity))
  }
}

/** Formats a number with `digits` decimals, or an em dash when it is not finite. */
export function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '—'
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}
