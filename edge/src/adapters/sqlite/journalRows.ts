import type { Database } from '@ejia/platform'
import type { Event, EventType } from '@ejia/protocol'
import { eventHash, type JournalKey, publicKeyOf, verifyHash } from '@ejia/protocol/chain'

/** An `events` row of the journal, as read back. */
export interface EventRow {
  seq: number
  id: string
  type: string
  time: string
  body: string
  prev: string | null
  sig: string | null
}

export const EVENT_COLUMNS = 'seq, id, type, time, body, prev, sig'

/** A row as the event it journalled: what the outbox sends and the hub hashes. */
export function eventOfRow(r: EventRow, stationId: string): Event {
  return {
    id: r.id,
    stationId,
    seq: r.seq,
    time: r.time,
    type: r.type as EventType,
    body: JSON.parse(r.body) as unknown,
    ...(r.prev === null ? {} : { prev: r.prev }),
    ...(r.sig === null ? {} : { sig: r.sig }),
  } as Event
}

/** The newest event's seq and hash: what the next event links to. */
export interface ChainTail {
  seq: number
  hash: string | null
}

/**
 * What the next event links to: the newest event's hash, recomputed from its content and
 * checked against its signature. The hub checks the signature of the last event of each
 * linked run it receives and takes the events before it on the strength of the links
 * (hub/src/ingest/signedRuns.ts), so the agent must never link to an event it did not
 * sign: a row added or changed by hand at the end of the file would be vouched for by
 * the next genuine event. Such a tail is refused, and the next event names no previous.
 */
export async function chainTail(
  db: Database,
  stationId: string,
  key: JournalKey | undefined,
): Promise<{ tail: ChainTail; tailRefused: number | undefined }> {
  // sqlite_sequence has the highest seq ever issued; retention never deletes its row
  const last = await db.get<EventRow & { hash: string | null }>(
    `SELECT s.seq, e.id, e.type, e.time, e.body, e.prev, e.sig, e.hash
     FROM sqlite_sequence s LEFT JOIN events e ON e.seq = s.seq WHERE s.name = 'events'`,
  )
  if (!last) return { tail: { seq: 0, hash: null }, tailRefused: undefined }
  if (last.hash === null || last.id === null)
    return { tail: { seq: last.seq, hash: null }, tailRefused: undefined }
  if (!key) return { tail: { seq: last.seq, hash: last.hash }, tailRefused: undefined }
  let hash: string | undefined
  try {
    hash = eventHash(eventOfRow(last, stationId))
  } catch {
    // a body that is no JSON: not what the agent wrote
    hash = undefined
  }
  const signed =
    hash !== undefined && last.sig !== null && verifyHash(hash, last.sig, publicKeyOf(key.publicKey))
  return signed
    ? { tail: { seq: last.seq, hash: hash as string }, tailRefused: undefined }
    : { tail: { seq: last.seq, hash: null }, tailRefused: last.seq }
}
