/** Token-bucket parameters: `burst` events at once, refilled at `perSecond`. */
export interface RateLimit {
  burst: number
  perSecond: number
}

const monotonicNow = (): number => performance.now()

/**
 * A token bucket. Refills lazily from the clock on each call, so an idle socket costs no timers.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly limit: RateLimit,
    // One shared function, not a closure per bucket: every socket has several buckets.
    private readonly now: () => number = monotonicNow
  ) {
    this.tokens = limit.burst
    this.last = now()
  }

  /** Takes `cost` tokens (one by default); false when there are not that many (answer `rate-limited`). */
  take(cost = 1): boolean {
    this.refill()
    if (this.tokens < cost) return false
    this.tokens -= cost
    return true
  }

  /** Milliseconds until a token is available (0 when one is), without taking it. */
  waitMs(): number {
    this.refill()
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.limit.perSecond) * 1000)
  }

  /** True when the bucket has refilled completely: it then remembers nothing and can be dropped. */
  isFull(): boolean {
    this.refill()
    return this.tokens >= this.limit.burst
  }

  private refill(): void {
    const now = this.now()
    const refill = ((now - this.last) / 1000) * this.limit.perSecond
    this.tokens = Math.min(this.limit.burst, this.tokens + refill)
    this.last = now
  }
}

/**
 * Token buckets by key (a client address and room, say) for events that must be limited across connections,
 * such as wrong passwords: reconnecting must not refill them. Holds at most `maxKeys` buckets; a bucket that has
 * refilled completely is forgotten, and past the bound the oldest bucket is dropped, so a flood of new keys costs
 * bounded memory.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>()

  constructor(
    private readonly limit: RateLimit,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = monotonicNow
  ) {}

  /** Milliseconds until `key` may act again; 0 when it may now. */
  waitMs(key: string): number {
    return this.buckets.get(key)?.waitMs() ?? 0
  }

  /** Counts one event against `key`. */
  record(key: string): void {
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      this.forgetOld()
      bucket = new TokenBucket(this.limit, this.now)
      this.buckets.set(key, bucket)
    }
    bucket.take()
  }

  /** How many keys are remembered (for tests of the memory bound). */
  get size(): number {
    return this.buckets.size
  }

  private forgetOld(): void {
    // Maps iterate in insertion order: the first entries are the oldest.
    for (const [key, bucket] of this.buckets) {
      if (this.buckets.size < this.maxKeys && !bucket.isFull()) break
      this.buckets.delete(key)
    }
  }
}
