/**
 * What the chain check (hub/src/ingest/chainCheck.ts) keeps: the journal key pinned for
 * each station, and every finding against a station's journal, for auditors.
 */

/**
 * - `keyPinned`: the first signed event of a station pinned its key (information).
 * - `keyChanged`: events signed by another key; held unacknowledged until an operator re-pins.
 * - `badSignature`: an event whose content is not what the station signed (edited, forged).
 * - `unsigned`: an unsigned event from a station whose key is pinned: refused in a signed
 *   batch (a row added by hand), kept in an unsigned one (an agent rolled back).
 * - `edited`: an event sent again with other content than the hub stored for its id.
 * - `chainBreak`: an event's link does not match the stored event before it (one was
 *   edited, deleted or inserted between them).
 * - `chainRestart`: a signed event that names no previous one, after the chain began.
 * - `backdated`: an event whose device time is well before the event it follows.
 */
export const findingKinds = [
  'keyPinned',
  'keyChanged',
  'badSignature',
  'unsigned',
  'edited',
  'chainBreak',
  'chainRestart',
  'backdated',
] as const
export type FindingKind = (typeof findingKinds)[number]

export interface IntegrityFinding {
  at: number
  stationId: string
  kind: FindingKind
  seq: number | null
  eventId: string | null
  detail: string
  /** The event as received, whole, when the finding is about one. */
  event: unknown
}

export interface StoredFinding extends IntegrityFinding {
  id: number
}

export interface PinnedKey {
  stationId: string
  /** Raw Ed25519 public key, base64url. */
  publicKey: string
  pinnedAt: number
  /** The seq of the first event verified with it. */
  firstSeq: number
}

export interface FindingQuery {
  stationId?: string
  /** The findings of the stations of one town. */
  townCode?: string
  /** Only findings older than this id (the `nextCursor` of the previous page). */
  before?: number
  limit: number
}

export interface IntegrityStore {
  journalKeys(): Promise<PinnedKey[]>
  /** Pins the key unless one is pinned already; resolves with the key pinned after. */
  pinJournalKey(key: PinnedKey): Promise<PinnedKey>
  /** Forgets the station's key, so the next signed batch pins a new one; false when none was. */
  unpinJournalKey(stationId: string): Promise<boolean>
  recordFindings(findings: readonly IntegrityFinding[]): Promise<void>
  /** Newest first. */
  findings(q: FindingQuery): Promise<StoredFinding[]>
}

/** Findings kept; older ones go first, so a station sending garbage cannot fill the disk. */
export const MAX_FINDINGS = 200_000
