import { CodedError } from '@ejia/platform'
import type { LedgerEvent, Storage } from '../storage/storage.js'

export class OverloadedError extends CodedError<'overloaded'> {}

interface Waiting {
  events: readonly LedgerEvent[]
  resolve: (inserted: Set<string>) => void
  reject: (err: unknown) => void
}

/**
 * Group commit: events that arrive while a transaction is being written wait and go
 * together into the next one, so one disk sync serves many batches. A caller's promise
 * settles only after its events are committed.
 */
export class GroupCommitter {
  private queue: Waiting[] = []
  private queued = 0
  private committing = false
  private readonly stats = { commits: 0, eventsCommitted: 0, largestCommit: 0 }

  constructor(
    private readonly storage: Storage,
    private readonly opts: {
      maxCommitEvents: number
      maxQueuedEvents: number
      /** Told of every commit: its events, how long it took, and whether it went through. */
      onCommit?: (events: number, seconds: number, ok: boolean) => void
    },
  ) {}

  submit(events: readonly LedgerEvent[]): Promise<Set<string>> {
    if (this.queued + events.length > this.opts.maxQueuedEvents) {
      return Promise.reject(
        new OverloadedError('overloaded', `ingest queue is full (${this.queued} events waiting)`),
      )
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject })
      this.queued += events.length
      if (!this.committing) void this.drain()
    })
  }

  depth(): number {
    return this.queued
  }

  commitStats(): Readonly<typeof this.stats> {
    return this.stats
  }

  /** Resolves once everything submitted so far is committed (or failed). */
  async flush(): Promise<void> {
    while (this.committing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5))
  }

  private async drain(): Promise<void> {
    this.committing = true
    try {
      while (this.queue.length > 0) {
        const group: Waiting[] = []
        let size = 0
        while (
          this.queue.length > 0 &&
          (group.length === 0 || size + (this.queue[0]?.events.length ?? 0) <= this.opts.maxCommitEvents)
        ) {
          const w = this.queue.shift() as Waiting
          group.push(w)
          size += w.events.length
        }
        this.queued -= size
        const started = performance.now()
        try {
          const inserted = await this.storage.commitEvents(group.flatMap((w) => w.events))
          this.opts.onCommit?.(size, (performance.now() - started) / 1000, true)
          this.stats.commits++
          this.stats.eventsCommitted += size
          this.stats.largestCommit = Math.max(this.stats.largestCommit, size)
          for (const w of group) w.resolve(inserted)
        } catch (err) {
          this.opts.onCommit?.(size, (performance.now() - started) / 1000, false)
          for (const w of group) w.reject(err)
        }
      }
    } finally {
      this.committing = false
    }
  }
}
