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
    // One shared function, not a closure per bucket: every socket has three buckets.
    private readonly now: () => number = monotonicNow
  ) {
    this.tokens = limit.burst
    this.last = now()
  }

  /** Takes one token; false when the bucket is empty (the caller should answer `rate-limited`). */
  take(): boolean {
    const now = this.now()
    const refill = ((now - this.last) / 1000) * this.limit.perSecond
    this.tokens = Math.min(this.limit.burst, this.tokens + refill)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
