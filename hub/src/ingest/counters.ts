/**
 * Counters of what came in and what was refused, by reason (`rejected.json`,
 * `denied.publish`, ...). Bumped in memory on the hot path and written to storage in the
 * background; `accepted` and `duplicates` are counted by storage itself, in the same
 * transaction as the events.
 */
export class Counters {
  private pending: Record<string, number> = {}

  bump(name: string, by = 1): void {
    this.pending[name] = (this.pending[name] ?? 0) + by
  }

  /** Hands over what accumulated since the last call. */
  take(): Record<string, number> {
    const out = this.pending
    this.pending = {}
    return out
  }

  /** Not yet written, so readers can add it to what storage holds. */
  peek(): Readonly<Record<string, number>> {
    return this.pending
  }

  /** Gives back a batch that could not be written, to try again later. */
  restore(delta: Readonly<Record<string, number>>): void {
    for (const [k, v] of Object.entries(delta)) this.bump(k, v)
  }
}
