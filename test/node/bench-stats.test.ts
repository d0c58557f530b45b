import { describe, expect, it } from 'vitest'
import { median, percentile, percentiles, ratio, Reservoir, summarize } from '../../bench/lib/stats'
import { makeSignal, readStamp } from '../../bench/lib/payloads'

describe('bench statistics', () => {
  it('percentile uses the nearest rank, so it always returns a measured value', () => {
    const samples = [15, 20, 35, 40, 50]
    // The classic nearest-rank example: p30 -> rank ceil(1.5) = 2, p40 -> rank 2, p50 -> rank 3, p100 -> rank 5.
    expect(percentile(samples, 30)).toBe(20)
    expect(percentile(samples, 40)).toBe(20)
    expect(percentile(samples, 50)).toBe(35)
    expect(percentile(samples, 100)).toBe(50)
    expect(percentile(samples, 0)).toBe(15)
  })

  it('percentile sorts numerically and does not reorder the input', () => {
    const samples = [10, 9, 100, 1, 2]
    expect(percentile(samples, 50)).toBe(9)
    expect(samples).toEqual([10, 9, 100, 1, 2])
  })

  it('p99 of 1..1000 is 990 and p50 is 500', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 1000 - i)
    expect(percentiles(samples, [50, 99, 99.9])).toEqual([500, 990, 999])
  })

  it('median of an even count is the lower middle value', () => {
    expect(median([4, 1, 3, 2])).toBe(2)
  })

  it('rejects an empty sample and a percentile outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(RangeError)
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/)
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError)
  })

  it('summarize reports count, extremes, percentiles and mean', () => {
    const summary = summarize([3, 1, 2, 4])
    expect(summary).toEqual({ count: 4, min: 1, p50: 2, p95: 4, p99: 4, max: 4, mean: 2.5 })
  })

  it('ratio is NaN when the baseline is zero or missing', () => {
    expect(ratio(3, 2)).toBe(1.5)
    expect(ratio(3, 0)).toBeNaN()
    expect(ratio(Number.NaN, 2)).toBeNaN()
  })

  it('a reservoir keeps everything up to its capacity, then a bounded uniform sample', () => {
    let seed = 1
    const random = (): number => {
      // A fixed linear congruential generator so the test is deterministic.
      seed = (seed * 48_271) % 2_147_483_647
      return seed / 2_147_483_647
    }
    const small = new Reservoir(10, random)
    for (let i = 0; i < 5; i++) small.add(i)
    expect([...small.samples()]).toEqual([0, 1, 2, 3, 4])

    const big = new Reservoir(1_000, random)
    for (let i = 0; i < 100_000; i++) big.add(i)
    expect(big.count).toBe(100_000)
    expect(big.samples().length).toBe(1_000)
    // A uniform sample of 0..99999 has its median near 50000; a biased one (e.g. only the first values) does not.
    expect(median(big.samples())).toBeGreaterThan(40_000)
    expect(median(big.samples())).toBeLessThan(60_000)
  })
})

describe('bench payloads', () => {
  it('carry their send stamp through JSON, at realistic sizes', () => {
    for (const [size, min, max] of [
      ['sdp', 3_500, 4_500],
      ['candidate', 150, 260]
    ] as const) {
      const payload = makeSignal(size, 1234.5678)
      const wire = JSON.stringify({ to: 'abcdefghijklmnopqrst', ...payload })
      expect(wire.length).toBeGreaterThan(min)
      expect(wire.length).toBeLessThan(max)
      expect(readStamp(JSON.parse(wire))).toBe(1234.5678)
    }
  })
})
