/** A sustained rate with room for a burst: a token bucket of `burst` tokens refilled at `perSecond`. */
export interface Rate {
  burst: number
  perSecond: number
}

interface Bucket {
  tokens: number
  at: number
}

/** Idle buckets are looked for every this many takes. */
const SWEEP_EVERY = 4096

/**
 * Token buckets by key (a station, an address), all of one rate. Synchronous, because it
 * sits in the broker's per-message hooks, and on an injected clock, because tests drive it.
 * A bucket that has refilled is the same as none, so idle ones are dropped now and then,
 * and past `maxKeys` (addresses from a botnet) the oldest go: a dropped bucket comes back
 * full, which costs a forgetful limit, never a refused kiosk.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>()
  private takes = 0

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number,
    private readonly maxKeys = 100_000,
  ) {
    if (!(rate.burst > 0 && rate.perSecond > 0))
      throw new RangeError('a rate needs a burst and a refill above 0')
  }

  /** Takes `n` tokens from `key`'s bucket if it holds them; false (and nothing taken) if not. */
  take(key: string, n = 1): boolean {
    const now = this.now()
    if (++this.takes % SWEEP_EVERY === 0 || this.buckets.size >= this.maxKeys) this.sweep(now)
    const b = this.buckets.get(key)
    const tokens = b ? this.level(b, now) : this.rate.burst
    // more than a whole burst at once (a payload of more bytes than the burst) is refused, never stuck
    const ok = tokens >= n
    const left = ok ? tokens - n : tokens
    if (b) {
      b.tokens = left
      b.at = now
    } else this.buckets.set(key, { tokens: left, at: now })
    return ok
  }

  /** Keys with a bucket not yet full again. */
  get size(): number {
    return this.buckets.size
  }

  private level(b: Bucket, now: number): number {
    return Math.min(this.rate.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.rate.perSecond)
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) if (this.level(b, now) >= this.rate.burst) this.buckets.delete(key)
    // down to 90 %, so a stream of new keys does not sweep on every take; a Map keeps
    // insertion order, so the first keys are the longest-standing
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys * 0.9) break
      this.buckets.delete(key)
    }
  }
}
