import { addCompatibleColumns, CodedError, type Database, openDatabase } from '@ejia/platform'
import type { Event, EventType, RejectedEvent } from '@ejia/protocol'
import { eventHash, type JournalKey, signHash } from '@ejia/protocol/chain'
import type { BacklogStats, Journal, JournalEntry, JournalSize, PendingQuery } from '../../ports/journal.js'
import { journalChainColumns, journalMigrations } from './journalMigrations.js'
import { type ChainTail, chainTail, EVENT_COLUMNS, type EventRow, eventOfRow } from './journalRows.js'

export class JournalError extends CodedError<'wrongStation' | 'appendFailed' | 'pruned'> {}

/**
 * The journal in a SQLite file: WAL with synchronous=FULL, so `append` resolving means
 * the event is on disk and survives a kill or a power cut. Events are hash-chained, and
 * signed when the journal has the station's key (protocol/src/chain.ts): the file can be
 * edited, but not without the hub noticing.
 */
export class SqliteJournal implements Journal {
  /** Appends one at a time: each needs the hash of the one before. */
  private appending: Promise<unknown> = Promise.resolve()
  /**
   * The seq of the newest event when, at open, it was not what this station signed (the
   * file was edited): the next event starts a new chain rather than vouch for it.
   */
  tailRefused: number | undefined

  private constructor(
    private readonly db: Database,
    readonly stationId: string,
    readonly previousRunUnclean: boolean,
    private readonly key: JournalKey | undefined,
    private tail: ChainTail,
  ) {}

  get publicKey(): string | undefined {
    return this.key?.publicKey
  }

  static async open(file: string, stationId: string, key?: JournalKey): Promise<SqliteJournal> {
    const db = await openDatabase(file, { migrations: journalMigrations, synchronous: 'FULL' })
    try {
      await addCompatibleColumns(db, 'events', journalChainColumns)
      await incrementalVacuum(db)
      const owner = await db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'stationId'")
      if (owner && owner.value !== stationId) {
        throw new JournalError(
          'wrongStation',
          `${file} is the journal of station ${owner.value}, not ${stationId}; refusing to mix their events`,
        )
      }
      const running = await db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'running'")
      await db.run(
        "INSERT INTO meta (key, value) VALUES ('stationId', ?), ('running', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        stationId,
      )
      const { tail, tailRefused } = await chainTail(db, stationId, key)
      const journal = new SqliteJournal(db, stationId, running?.value === '1', key, tail)
      journal.tailRefused = tailRefused
      return journal
    } catch (err) {
      await db.close()
      throw err
    }
  }

  append(entry: JournalEntry): Promise<Event> {
    const appended = this.appending.then(() => this.appendNext(entry))
    this.appending = appended.catch(() => undefined)
    return appended
  }

  private async appendNext(entry: JournalEntry): Promise<Event> {
    const seq = this.tail.seq + 1
    // the body as it is stored and as the hub will parse it, so both hash the same JSON
    const bodyJson = JSON.stringify(entry.body)
    const body: unknown = JSON.parse(bodyJson)
    const content = {
      id: entry.id,
      stationId: this.stationId,
      seq,
      time: entry.time,
      type: entry.type,
      body,
      ...(this.tail.hash === null ? {} : { prev: this.tail.hash }),
    } as Event
    const hash = eventHash(content)
    const sig = this.key ? signHash(hash, this.key.privateKey) : null
    // `run`, not `get` with RETURNING: `get` resolves after the first step, and the
    // implicit transaction commits only when the last active statement finishes
    // (sqlite.org/lang_transaction.html), so later still while another append is open. A
    // kill -9 there lost an event already answered 201 and gave its seq to the next
    // (test/faults, issue 10). `run` steps to the end: committed and synced when it resolves.
    const r = await this.db.run(
      'INSERT INTO events (seq, id, type, time, body, recorded_at, prev, hash, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      seq,
      entry.id,
      entry.type,
      entry.time,
      bodyJson,
      Date.parse(entry.time),
      content.prev ?? null,
      hash,
      sig,
    )
    if ((r.changes ?? 0) !== 1) throw new JournalError('appendFailed', `journal did not store ${entry.id}`)
    this.tail = { seq, hash }
    return sig === null ? content : ({ ...content, sig } as Event)
  }

  async pending(q: PendingQuery): Promise<Event[]> {
    const rows = await this.db.all<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE acked_at IS NULL AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
      q.afterSeq,
      q.uptoSeq ?? Number.MAX_SAFE_INTEGER,
      q.limit,
    )
    return rows.map((r) => eventOfRow(r, this.stationId))
  }

  async markAcked(ids: readonly string[], at: number): Promise<number> {
    if (ids.length === 0) return 0
    const r = await this.db.run(
      `UPDATE events SET acked_at = ?, ack_status = 'accepted'
       WHERE acked_at IS NULL AND id IN (SELECT value FROM json_each(?))`,
      at,
      JSON.stringify(ids),
    )
    return r.changes ?? 0
  }

  async markRejected(rejected: readonly RejectedEvent[], at: number): Promise<number> {
    if (rejected.length === 0) return 0
    const r = await this.db.run(
      `UPDATE events SET acked_at = ?, ack_status = 'rejected',
         reject_code = j.value ->> '$.code', reject_reason = j.value ->> '$.message'
       FROM json_each(?) AS j
       WHERE events.acked_at IS NULL AND events.id = j.value ->> '$.id'`,
      at,
      JSON.stringify(rejected),
    )
    return r.changes ?? 0
  }

  async latest(type: EventType, personId: string): Promise<Event | undefined> {
    const r = await this.db.get<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE type = ? AND body ->> '$.personId' = ? ORDER BY seq DESC LIMIT 1`,
      type,
      personId,
    )
    return r ? eventOfRow(r, this.stationId) : undefined
  }

  async since(type: EventType, fromTime: string, limit: number): Promise<Event[]> {
    const rows = await this.db.all<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE type = ? AND time >= ? ORDER BY seq LIMIT ?`,
      type,
      fromTime,
      limit,
    )
    return rows.map((r) => eventOfRow(r, this.stationId))
  }

  async backlog(): Promise<BacklogStats> {
    const pending = await this.db.get<{ depth: number; seq: number | null }>(
      'SELECT count(*) AS depth, min(seq) AS seq FROM events WHERE acked_at IS NULL',
    )
    const oldest =
      pending?.seq != null
        ? await this.db.get<{ time: string; recorded_at: number }>(
            'SELECT time, recorded_at FROM events WHERE seq = ?',
            pending.seq,
          )
        : undefined
    const dead = await this.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM events WHERE ack_status = 'rejected'",
    )
    return {
      depth: pending?.depth ?? 0,
      oldestUnsentAt: oldest?.time ?? null,
      oldestUnsentRecordedAt: oldest?.recorded_at ?? null,
      deadLetters: dead?.n ?? 0,
    }
  }

  async lastSeq(): Promise<number> {
    // sqlite_sequence keeps the highest seq ever issued, even when that row was pruned
    const r = await this.db.get<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
    return r?.seq ?? 0
  }

  async requeue(
    asked: number,
    opts: { skipPruned?: boolean } = {},
  ): Promise<{ requeued: number; fromSeq: number }> {
    const last = await this.lastSeq()
    const first = await this.db.get<{ seq: number | null }>('SELECT min(seq) AS seq FROM events')
    let fromSeq = asked
    // AUTOINCREMENT never reuses a number, so a gap below the first row is what retention deleted
    if (fromSeq <= last && (first?.seq == null || first.seq > fromSeq)) {
      const start = first?.seq ?? last + 1
      if (!opts.skipPruned)
        throw new JournalError(
          'pruned',
          `events from seq ${fromSeq} were pruned by retention; the journal now starts at ${start}`,
        )
      fromSeq = start
    }
    const r = await this.db.run(
      "UPDATE events SET acked_at = NULL, ack_status = NULL WHERE seq >= ? AND ack_status = 'accepted'",
      fromSeq,
    )
    return { requeued: r.changes ?? 0, fromSeq }
  }

  async prune(before: number): Promise<number> {
    // the newest event stays, whatever its age: the next one links to its hash
    const r = await this.db.run(
      `DELETE FROM events WHERE acked_at IS NOT NULL AND ack_status != 'rejected' AND recorded_at < ?
         AND seq < (SELECT max(seq) FROM events)`,
      before,
    )
    if ((r.changes ?? 0) > 0) await this.giveBackSpace()
    return r.changes ?? 0
  }

  async size(): Promise<JournalSize> {
    const pages = await this.db.get<{ page_count: number }>('PRAGMA page_count')
    const free = await this.db.get<{ freelist_count: number }>('PRAGMA freelist_count')
    const size = await this.db.get<{ page_size: number }>('PRAGMA page_size')
    const pending = await this.db.get<{ n: number }>(
      'SELECT count(*) AS n FROM events WHERE acked_at IS NULL',
    )
    const pageSize = size?.page_size ?? 4096
    const pageCount = pages?.page_count ?? 0
    return {
      usedBytes: (pageCount - (free?.freelist_count ?? 0)) * pageSize,
      fileBytes: pageCount * pageSize,
      pendingEvents: pending?.n ?? 0,
    }
  }

  async shrinkTo(bytes: number, keepFrom: number): Promise<{ removed: number; size: JournalSize }> {
    let removed = 0
    // a few rounds: each deletes about as many of the oldest stored events as the excess takes
    for (let round = 0; round < 20; round++) {
      const { usedBytes } = await this.size()
      if (usedBytes <= bytes) break
      const counts = await this.db.get<{ total: number; stored: number }>(
        "SELECT count(*) AS total, count(*) FILTER (WHERE ack_status = 'accepted' AND recorded_at < ?) AS stored FROM events",
        keepFrom,
      )
      if (!counts || counts.stored === 0) break
      const perRow = usedBytes / Math.max(1, counts.total)
      const take = Math.min(counts.stored, Math.max(100, Math.ceil((usedBytes - bytes) / perRow)))
      const r = await this.db.run(
        `DELETE FROM events WHERE seq IN (
           SELECT seq FROM events WHERE ack_status = 'accepted' AND recorded_at < ?
             AND seq < (SELECT max(seq) FROM events) ORDER BY seq LIMIT ?)`,
        keepFrom,
        take,
      )
      removed += r.changes ?? 0
    }
    if (removed > 0) await this.giveBackSpace()
    return { removed, size: await this.size() }
  }

  /** Free pages back to the file system, and the WAL emptied (sqlite.org/pragma.html#pragma_incremental_vacuum). */
  private async giveBackSpace(): Promise<void> {
    await this.db.exec('PRAGMA incremental_vacuum')
    await this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  }

  async close(): Promise<void> {
    await this.db.run("UPDATE meta SET value = '0' WHERE key = 'running'")
    await this.db.close()
  }
}

/**
 * Turns on `auto_vacuum = INCREMENTAL`, so pruned events' pages can be given back to the
 * file system. Not a migration: the mode of an existing file changes only with a VACUUM,
 * which cannot run inside the migration's transaction (sqlite.org/pragma.html#pragma_auto_vacuum).
 * Done once per file; a VACUUM that fails (a full disk: it needs room for a copy) is
 * tried again at the next start, and the journal works meanwhile, only without shrinking.
 */
async function incrementalVacuum(db: Database): Promise<void> {
  const mode = await db.get<{ auto_vacuum: number }>('PRAGMA auto_vacuum')
  if (mode?.auto_vacuum === 2) return
  try {
    await db.exec('PRAGMA auto_vacuum = INCREMENTAL')
    await db.exec('VACUUM')
  } catch {
    // tried again next start
  }
}
