import type { Event, RejectedEvent } from '@ejia/protocol'
import type { BacklogStats, Journal, JournalEntry, JournalSize, PendingQuery } from '../../ports/journal.js'

interface Row {
  event: Event
  recordedAt: number
  ackedAt?: number
  rejected?: RejectedEvent
}

/** An in-memory journal for unit tests: same contract as SqliteJournal, no durability. */
export class MemoryJournal implements Journal {
  readonly previousRunUnclean = false
  private readonly rows: Row[] = []
  private seq = 0

  constructor(readonly stationId: string) {}

  async append(entry: JournalEntry): Promise<Event> {
    if (this.rows.some((r) => r.event.id === entry.id)) throw new Error(`duplicate event id ${entry.id}`)
    const event = { ...entry, stationId: this.stationId, seq: ++this.seq } as Event
    this.rows.push({ event, recordedAt: Date.parse(entry.time) })
    return structuredClone(event)
  }

  async pending(q: PendingQuery): Promise<Event[]> {
    return this.rows
      .filter(
        (r) => r.ackedAt === undefined && r.event.seq > q.afterSeq && r.event.seq <= (q.uptoSeq ?? Infinity),
      )
      .slice(0, q.limit)
      .map((r) => structuredClone(r.event))
  }

  async markAcked(ids: readonly string[], at: number): Promise<number> {
    const wanted = new Set(ids)
    let n = 0
    for (const r of this.rows) {
      if (r.ackedAt === undefined && wanted.has(r.event.id)) {
        r.ackedAt = at
        n++
      }
    }
    return n
  }

  async markRejected(rejected: readonly RejectedEvent[], at: number): Promise<number> {
    let n = 0
    for (const rej of rejected) {
      const r = this.rows.find((x) => x.event.id === rej.id && x.ackedAt === undefined)
      if (r) {
        r.ackedAt = at
        r.rejected = rej
        n++
      }
    }
    return n
  }

  async latest(type: Event['type'], personId: string): Promise<Event | undefined> {
    const hit = this.rows.findLast(
      (r) => r.event.type === type && (r.event.body as { personId?: string }).personId === personId,
    )
    return hit ? structuredClone(hit.event) : undefined
  }

  async since(type: Event['type'], fromTime: string, limit: number): Promise<Event[]> {
    return this.rows
      .filter((r) => r.event.type === type && r.event.time >= fromTime)
      .slice(0, limit)
      .map((r) => structuredClone(r.event))
  }

  async backlog(): Promise<BacklogStats> {
    const pending = this.rows.filter((r) => r.ackedAt === undefined)
    const oldest = pending[0]
    return {
      depth: pending.length,
      oldestUnsentAt: oldest?.event.time ?? null,
      oldestUnsentRecordedAt: oldest?.recordedAt ?? null,
      deadLetters: this.rows.filter((r) => r.rejected).length,
    }
  }

  async lastSeq(): Promise<number> {
    return this.seq
  }

  async requeue(
    asked: number,
    opts: { skipPruned?: boolean } = {},
  ): Promise<{ requeued: number; fromSeq: number }> {
    const first = this.rows[0]?.event.seq
    let fromSeq = asked
    if (fromSeq <= this.seq && (first === undefined || first > fromSeq)) {
      if (!opts.skipPruned)
        throw Object.assign(new Error(`events from seq ${fromSeq} were pruned`), { code: 'pruned' })
      fromSeq = first ?? this.seq + 1
    }
    let requeued = 0
    for (const r of this.rows) {
      if (r.event.seq >= fromSeq && r.ackedAt !== undefined && !r.rejected) {
        r.ackedAt = undefined
        requeued++
      }
    }
    return { requeued, fromSeq }
  }

  async prune(before: number): Promise<number> {
    const keep = this.rows.filter((r) => r.ackedAt === undefined || r.rejected || r.recordedAt >= before)
    const removed = this.rows.length - keep.length
    this.rows.splice(0, this.rows.length, ...keep)
    return removed
  }

  /** Each row counts as its JSON's length; there are no free pages. */
  async size(): Promise<JournalSize> {
    const usedBytes = this.rows.reduce((n, r) => n + JSON.stringify(r.event).length, 0)
    return {
      usedBytes,
      fileBytes: usedBytes,
      pendingEvents: this.rows.filter((r) => r.ackedAt === undefined).length,
    }
  }

  async shrinkTo(bytes: number, keepFrom: number): Promise<{ removed: number; size: JournalSize }> {
    let removed = 0
    while ((await this.size()).usedBytes > bytes) {
      const oldest = this.rows.findIndex(
        (r) => r.ackedAt !== undefined && !r.rejected && r.recordedAt < keepFrom,
      )
      if (oldest < 0) break
      this.rows.splice(oldest, 1)
      removed++
    }
    return { removed, size: await this.size() }
  }

  async close(): Promise<void> {}
}
