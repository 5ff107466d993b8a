/**
 * Counters of what came in and what was refused, by reason (`rejected.json`,
 * `denied.publish`, ...). Bumped in memory on the hot path and written to storage in the
 * background; `accepted` and `duplicates` are counted by storage itself, in the same
 * transaction as the events.
 */
export class Counters {
  private pending: Record<string, number> = {}
  private flushing: Promise<void> | undefined
  /** Bumped when a flush starts: a read that saw no flush start is exact. */
  private flushes = 0

  bump(name: string, by = 1): void {
    this.pending[name] = (this.pending[name] ?? 0) + by
  }

  /**
   * Writes what accumulated since the last flush with `write`; on failure it is kept to be
   * written next time. One flush at a time.
   */
  flush(write: (delta: Readonly<Record<string, number>>) => Promise<void>): Promise<void> {
    if (this.flushing) return this.flushing
    const delta = this.pending
    this.pending = {}
    this.flushes++
    this.flushing = write(delta)
      .catch((err: unknown) => {
        for (const [k, v] of Object.entries(delta)) this.bump(k, v)
        throw err
      })
      .finally(() => {
        this.flushing = undefined
      })
    return this.flushing
  }

  /**
   * Stored counts plus those not yet written, exactly: never a batch counted twice (stored
   * and still in memory) or not at all (taken from memory, not yet stored).
   */
  async totals(readStored: () => Promise<Record<string, number>>): Promise<Record<string, number>> {
    for (;;) {
      await this.flushing?.catch(() => undefined)
      const before = this.flushes
      const all = { ...(await readStored()) }
      if (this.flushing || this.flushes !== before) continue
      for (const [k, v] of Object.entries(this.pending)) all[k] = (all[k] ?? 0) + v
      return all
    }
  }
}
