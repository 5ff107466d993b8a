/**
 * Runs tasks one at a time per key, in the order they were queued; tasks of different keys
 * run at once. The SQLite stores write through one queue (sqlite/hubDb.ts), so a kiosk's
 * messages handled one after the other are stored in that order even when nobody awaits
 * them; a pool of PostgreSQL connections would run them side by side, and the second could
 * commit first. This keeps that order per station while stations still write in parallel.
 */
export class KeyedQueue {
  /** The last task queued per key, settled either way; gone once the key's queue is empty. */
  private readonly tails = new Map<string, Promise<void>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }

  /** Keys with a task queued or running. */
  get size(): number {
    return this.tails.size
  }
}
