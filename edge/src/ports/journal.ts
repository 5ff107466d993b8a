import type { Event, EventType, RejectedEvent } from '@ejia/protocol'

/** What the app asks the journal to record; the journal assigns the sequence number. */
export interface JournalEntry {
  id: string
  type: EventType
  time: string
  body: unknown
}

export interface BacklogStats {
  /** Events journalled and not yet named by a commit ack. */
  depth: number
  /** Device time of the oldest of them, or null when the backlog is empty. */
  oldestUnsentAt: string | null
  /** When the oldest was journalled, by the device clock in ms, or null. */
  oldestUnsentRecordedAt: number | null
  /** Events the hub refused for good; kept, never sent again. */
  deadLetters: number
}

/** What the journal takes on disk. */
export interface JournalSize {
  /** Bytes its rows take: pages in use, free pages not counted. */
  usedBytes: number
  /** Bytes of its file, free pages not yet given back included. */
  fileBytes: number
  /** Events not yet acknowledged, which no bound ever deletes. */
  pendingEvents: number
}

export interface PendingQuery {
  /** Only events with seq greater than this. */
  afterSeq: number
  /** Only events with seq up to and including this. */
  uptoSeq?: number
  limit: number
}

/**
 * The kiosk's durable record of everything that happened, and the outbox of what the hub
 * has not yet acknowledged. `append` resolves only once the event is on disk.
 */
export interface Journal {
  readonly stationId: string
  /** The station's journal public key, when the journal signs its events (protocol/src/chain.ts). */
  readonly publicKey?: string | undefined
  /** True when the previous run did not close the journal (crash, kill, power loss). */
  readonly previousRunUnclean: boolean
  append(entry: JournalEntry): Promise<Event>
  /** Unacknowledged, not dead, in sequence order. */
  pending(query: PendingQuery): Promise<Event[]>
  /** Marks events as stored by the hub; returns how many were pending until now. */
  markAcked(ids: readonly string[], at: number): Promise<number>
  /** Marks events as refused by the hub: kept with the reason, never sent again. */
  markRejected(rejected: readonly RejectedEvent[], at: number): Promise<number>
  /** The most recent event of a type about a person (body.personId), if any. */
  latest(type: EventType, personId: string): Promise<Event | undefined>
  /** Events of a type whose device time is at or after `fromTime` (RFC 3339), oldest first. */
  since(type: EventType, fromTime: string, limit: number): Promise<Event[]>
  backlog(): Promise<BacklogStats>
  lastSeq(): Promise<number>
  /**
   * Makes the acknowledged events from `fromSeq` on unacknowledged again, so the outbox
   * sends them again (the hub answers `duplicate`); dead letters stay dead. Refuses with
   * `pruned` when events from `fromSeq` were already deleted by retention, unless told to
   * `skipPruned`: then it starts at the first event still held. Resolves with how many
   * and the sequence number it started at.
   */
  requeue(fromSeq: number, opts?: { skipPruned?: boolean }): Promise<{ requeued: number; fromSeq: number }>
  /**
   * Deletes acknowledged events journalled before `before` (ms); returns how many. The
   * newest event is never deleted: the next one links to it.
   */
  prune(before: number): Promise<number>
  size(): Promise<JournalSize>
  /**
   * Deletes the oldest events the hub has stored (acked `accepted`) journalled before
   * `keepFrom` (ms) until the rows take at most `bytes`, or none of them is left, and gives
   * the freed space back to the file system. Never deletes an unacknowledged event or a
   * dead letter.
   */
  shrinkTo(bytes: number, keepFrom: number): Promise<{ removed: number; size: JournalSize }>
  close(): Promise<void>
}
