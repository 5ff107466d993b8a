import type { Registry } from '@ejia/firmware-config'
import type { Event, Heartbeat, Tier } from '@ejia/protocol'

/**
 * An event as the hub stores it: the kiosk's envelope plus when the hub received it, and
 * its hash in the station's chain (protocol/src/chain.ts) when the hub checked it.
 */
export type LedgerEvent = Event & {
  receivedAt: number
  hash?: string
  /** The hub's receipt minus the carrying batch's `sentAt`: how far the kiosk's clock was behind. */
  sentSkewMs?: number
}

/** An event's place in its station's hash chain, as the ledger holds it. */
export interface ChainLink {
  seq: number
  id: string
  time: string
  /** Null for an event stored before the hub kept hashes. */
  hash: string | null
  /** The hash of the event before it, as the event claims; null when it names none. */
  prev: string | null
}

export interface StoredEvent {
  ingestId: number
  id: string
  stationId: string
  seq: number
  type: string
  time: string
  receivedAt: string
  body: unknown
}

export interface EventQuery {
  stationId?: string
  /** The events of the stations of one town. */
  townCode?: string
  type?: string
  /** The events of one person: those whose body names them (`body.personId`). */
  personId?: string
  /** Device time lower bound, inclusive (RFC 3339). */
  since?: string
  /** Device time upper bound, exclusive (RFC 3339). */
  until?: string
  /** Continue after this ingest id (the `nextCursor` of the previous page). */
  after?: number
  limit: number
}

export interface RejectRecord {
  at: number
  stationId: string | null
  topic: string
  code: string
  detail: string
  /** The start of the offending payload, for diagnosis; never the whole of a huge one. */
  excerpt: string
}

/** What the hub keeps of each station between restarts; the live view is in memory. */
export interface StationState {
  id: string
  connected: boolean
  statusReason: string | null
  statusSince: string | null
  lastSeenAt: number | null
  clockSkewMs: number | null
  heartbeat: Heartbeat | null
}

export interface StationRecord {
  id: string
  name: string
  tier: Tier
  townCode: string
  contact: { name: string; phone: string } | null
}

export interface LedgerSummary {
  stationId: string
  events: number
  seqMax: number
}

export interface TownRecord {
  code: string
  name: string
}

/**
 * The hub's storage port. SQLite now; PostgreSQL behind the same contract when one
 * machine is not enough.
 */
export interface Storage {
  /**
   * Stores events in one transaction, ignoring any (station, event id) already stored.
   * Resolves only once committed; returns the keys (`station/id`) that were new.
   */
  commitEvents(events: readonly LedgerEvent[]): Promise<Set<string>>
  recordRejects(rejects: readonly RejectRecord[]): Promise<void>
  addCounters(delta: Readonly<Record<string, number>>): Promise<void>
  counters(): Promise<Record<string, number>>
  syncRegistry(
    district: TownRecord,
    towns: readonly TownRecord[],
    stations: readonly StationRecord[],
  ): Promise<void>
  saveStationStates(states: readonly StationState[]): Promise<void>
  loadStationStates(): Promise<StationState[]>
  listStations(): Promise<StationRecord[]>
  listTowns(): Promise<TownRecord[]>
  ledgerSummaries(): Promise<LedgerSummary[]>
  /** One station's counts, as ledgerSummaries has them; undefined for a station not in the registry. */
  ledgerSummary(stationId: string): Promise<LedgerSummary | undefined>
  /**
   * The lowest sequence number of a station the ledger lacks: 1 when it has no seq 1, else
   * the first number after a run of stored ones (seqMax + 1 when there is no hole).
   */
  firstMissingSeq(stationId: string): Promise<number>
  queryEvents(q: EventQuery): Promise<StoredEvent[]>
  /** A station's stored events with one of these sequence numbers or ids, for the chain check. */
  chainLinks(stationId: string, seqs: readonly number[], ids: readonly string[]): Promise<ChainLink[]>
  recentRejects(limit: number): Promise<(RejectRecord & { id: number })[]>
  close(): Promise<void>
}

/** Rejects kept for diagnosis; older ones are dropped so a hostile client cannot fill the disk. */
export const MAX_REJECTS = 10_000

export const eventKey = (stationId: string, eventId: string): string => `${stationId}/${eventId}`

/** The registry file's district, towns and stations into storage, as every hub process does at start. */
export function syncRegistry(storage: Storage, registry: Registry): Promise<void> {
  return storage.syncRegistry(
    registry.district,
    registry.towns,
    registry.stations.map((s) => ({
      id: s.id,
      name: s.name,
      tier: s.tier,
      townCode: s.townCode,
      contact: s.contact ?? null,
    })),
  )
}

/** A `stations` row as both stores hold it, as a StationRecord. */
export function stationRecordOf(r: {
  id: string
  name: string
  tier: Tier
  town_code: string
  contact_name: string | null
  contact_phone: string | null
}): StationRecord {
  return {
    id: r.id,
    name: r.name,
    tier: r.tier,
    townCode: r.town_code,
    contact:
      r.contact_name || r.contact_phone ? { name: r.contact_name ?? '', phone: r.contact_phone ?? '' } : null,
  }
}

/** An `events` row (its body already parsed) as both stores hold it, as a StoredEvent. */
export function storedEventOf(r: {
  ingest_id: number
  event_id: string
  station_id: string
  seq: number
  type: string
  device_time: string
  received_at: number
  body: unknown
}): StoredEvent {
  return {
    ingestId: r.ingest_id,
    id: r.event_id,
    stationId: r.station_id,
    seq: r.seq,
    type: r.type,
    time: r.device_time,
    receivedAt: new Date(r.received_at).toISOString(),
    body: r.body,
  }
}
