import type { Database } from '@ejia/platform'
import type { Heartbeat, Tier } from '@ejia/protocol'
import {
  type ChainLink,
  type EventQuery,
  eventKey,
  type LedgerEvent,
  type LedgerSummary,
  MAX_REJECTS,
  type RejectRecord,
  type StationRecord,
  type StationState,
  type Storage,
  type StoredEvent,
  stationRecordOf,
  storedEventOf,
  type TownRecord,
} from '../storage.js'
import { HubDb } from './hubDb.js'

/**
 * Storage in one SQLite file. Writes go through a single connection, one transaction at a
 * time, in order; reads use a second connection and, thanks to WAL, never wait for them.
 */
export class SqliteStorage implements Storage {
  private readonly reader: Database

  private constructor(readonly db: HubDb) {
    this.reader = db.reader
  }

  static async open(file: string): Promise<SqliteStorage> {
    return new SqliteStorage(await HubDb.open(file))
  }

  commitEvents(events: readonly LedgerEvent[]): Promise<Set<string>> {
    return this.transaction(async (db) => {
      const rows = events.map((e) => [
        e.stationId,
        e.id,
        e.seq,
        e.type,
        e.time,
        e.receivedAt,
        JSON.stringify(e.body),
        e.prev ?? null,
        e.hash ?? null,
        e.sig ?? null,
        e.sentSkewMs ?? null,
      ])
      const inserted = await db.all<{ station_id: string; event_id: string; seq: number }[]>(
        `INSERT INTO events (station_id, event_id, seq, type, device_time, received_at, body, prev_hash, hash, sig, sent_skew_ms)
         SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,
                j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10
         FROM json_each(?) AS j WHERE true
         ON CONFLICT (station_id, event_id) DO NOTHING
         RETURNING station_id, event_id, seq`,
        JSON.stringify(rows),
      )
      const perStation = new Map<string, { n: number; max: number }>()
      for (const r of inserted) {
        const s = perStation.get(r.station_id) ?? { n: 0, max: 0 }
        s.n++
        s.max = Math.max(s.max, r.seq)
        perStation.set(r.station_id, s)
      }
      await db.run(
        `UPDATE stations SET event_count = event_count + (j.value ->> 1), seq_max = max(seq_max, j.value ->> 2)
         FROM json_each(?) AS j WHERE stations.id = j.value ->> 0`,
        JSON.stringify([...perStation].map(([id, s]) => [id, s.n, s.max])),
      )
      await addCountersIn(db, { accepted: inserted.length, duplicates: events.length - inserted.length })
      return new Set(inserted.map((r) => eventKey(r.station_id, r.event_id)))
    })
  }

  recordRejects(rejects: readonly RejectRecord[]): Promise<void> {
    if (rejects.length === 0) return Promise.resolve()
    return this.transaction(async (db) => {
      await db.run(
        `INSERT INTO rejects (at, station_id, topic, code, detail, excerpt)
         SELECT j.value ->> 'at', j.value ->> 'stationId', j.value ->> 'topic', j.value ->> 'code',
                j.value ->> 'detail', j.value ->> 'excerpt'
         FROM json_each(?) AS j`,
        JSON.stringify(rejects),
      )
      await db.run('DELETE FROM rejects WHERE id <= (SELECT max(id) FROM rejects) - ?', MAX_REJECTS)
    })
  }

  addCounters(delta: Readonly<Record<string, number>>): Promise<void> {
    return this.transaction((db) => addCountersIn(db, delta))
  }

  async counters(): Promise<Record<string, number>> {
    const rows = await this.reader.all<{ name: string; value: number }[]>('SELECT name, value FROM counters')
    return Object.fromEntries(rows.map((r) => [r.name, r.value]))
  }

  syncRegistry(
    district: TownRecord,
    towns: readonly TownRecord[],
    stations: readonly StationRecord[],
  ): Promise<void> {
    return this.transaction(async (db) => {
      await db.run(
        "INSERT INTO meta (key, value) VALUES ('district', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        JSON.stringify(district),
      )
      await db.run(
        `INSERT INTO towns (code, name) SELECT j.value ->> 'code', j.value ->> 'name' FROM json_each(?) AS j WHERE true
         ON CONFLICT (code) DO UPDATE SET name = excluded.name`,
        JSON.stringify(towns),
      )
      // stations that left the registry keep their rows and ledger, marked as such
      await db.run('UPDATE stations SET in_registry = 0')
      await db.run(
        `INSERT INTO stations (id, name, tier, town_code, contact_name, contact_phone, in_registry)
         SELECT j.value ->> 'id', j.value ->> 'name', j.value ->> 'tier', j.value ->> 'townCode',
                j.value ->> '$.contact.name', j.value ->> '$.contact.phone', 1
         FROM json_each(?) AS j WHERE true
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, tier = excluded.tier, town_code = excluded.town_code,
           contact_name = excluded.contact_name, contact_phone = excluded.contact_phone, in_registry = 1`,
        JSON.stringify(stations),
      )
    })
  }

  saveStationStates(states: readonly StationState[]): Promise<void> {
    if (states.length === 0) return Promise.resolve()
    return this.transaction(async (db) => {
      await db.run(
        `UPDATE stations SET connected = j.value ->> 'connected', status_reason = j.value ->> 'statusReason',
           status_since = j.value ->> 'statusSince', last_seen_at = j.value ->> 'lastSeenAt',
           clock_skew_ms = j.value ->> 'clockSkewMs', heartbeat = j.value -> 'heartbeat'
         FROM json_each(?) AS j WHERE stations.id = j.value ->> 'id'`,
        JSON.stringify(states.map((s) => ({ ...s, connected: s.connected ? 1 : 0 }))),
      )
    })
  }

  async loadStationStates(): Promise<StationState[]> {
    const rows = await this.reader.all<
      {
        id: string
        connected: number
        status_reason: string | null
        status_since: string | null
        last_seen_at: number | null
        clock_skew_ms: number | null
        heartbeat: string | null
      }[]
    >(
      'SELECT id, connected, status_reason, status_since, last_seen_at, clock_skew_ms, heartbeat FROM stations',
    )
    return rows.map((r) => ({
      id: r.id,
      connected: r.connected === 1,
      statusReason: r.status_reason,
      statusSince: r.status_since,
      lastSeenAt: r.last_seen_at,
      clockSkewMs: r.clock_skew_ms,
      heartbeat: r.heartbeat && r.heartbeat !== 'null' ? (JSON.parse(r.heartbeat) as Heartbeat) : null,
    }))
  }

  async listStations(): Promise<StationRecord[]> {
    const rows = await this.reader.all<
      {
        id: string
        name: string
        tier: Tier
        town_code: string
        contact_name: string | null
        contact_phone: string | null
      }[]
    >(
      'SELECT id, name, tier, town_code, contact_name, contact_phone FROM stations WHERE in_registry = 1 ORDER BY id',
    )
    return rows.map(stationRecordOf)
  }

  listTowns(): Promise<TownRecord[]> {
    return this.reader.all<TownRecord[]>('SELECT code, name FROM towns ORDER BY code')
  }

  ledgerSummaries(): Promise<LedgerSummary[]> {
    return this.reader.all<LedgerSummary[]>(
      'SELECT id AS stationId, event_count AS events, seq_max AS seqMax FROM stations',
    )
  }

  ledgerSummary(stationId: string): Promise<LedgerSummary | undefined> {
    return this.reader.get<LedgerSummary>(
      'SELECT id AS stationId, event_count AS events, seq_max AS seqMax FROM stations WHERE id = ?',
      stationId,
    )
  }

  async firstMissingSeq(stationId: string): Promise<number> {
    // both probes walk events_station_seq; the second stops at the first hole
    const r = await this.reader.get<{ seq: number }>(
      `SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM events WHERE station_id = ?1 AND seq = 1) THEN 1 ELSE (
         SELECT e.seq + 1 FROM events e
         WHERE e.station_id = ?1
           AND NOT EXISTS (SELECT 1 FROM events n WHERE n.station_id = ?1 AND n.seq = e.seq + 1)
         ORDER BY e.seq LIMIT 1) END AS seq`,
      stationId,
    )
    return r?.seq ?? 1
  }

  async queryEvents(q: EventQuery): Promise<StoredEvent[]> {
    // every filter is a bound parameter; only these fixed fragments are ever spliced in
    const filters: [string, string | number | undefined][] = [
      ['ingest_id > ?', q.after ?? 0],
      ['station_id = ?', q.stationId],
      ['station_id IN (SELECT id FROM stations WHERE town_code = ?)', q.townCode],
      ['type = ?', q.type],
      ["json_extract(body, '$.personId') = ?", q.personId],
      ['device_time >= ?', q.since],
      ['device_time < ?', q.until],
    ]
    const used = filters.filter(([, v]) => v !== undefined)
    const where = used.map(([sql]) => sql)
    const args = [...used.map(([, v]) => v as string | number), q.limit]
    const rows = await this.reader.all<
      {
        ingest_id: number
        station_id: string
        event_id: string
        seq: number
        type: string
        device_time: string
        received_at: number
        body: string
      }[]
    >(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY ingest_id LIMIT ?`, ...args)
    return rows.map((r) => storedEventOf({ ...r, body: JSON.parse(r.body) as unknown }))
  }

  chainLinks(stationId: string, seqs: readonly number[], ids: readonly string[]): Promise<ChainLink[]> {
    return this.reader.all<ChainLink[]>(
      `SELECT seq, event_id AS id, device_time AS time, hash, prev_hash AS prev FROM events
       WHERE station_id = ? AND (seq IN (SELECT value FROM json_each(?)) OR event_id IN (SELECT value FROM json_each(?)))
       ORDER BY seq, ingest_id`,
      stationId,
      JSON.stringify(seqs),
      JSON.stringify(ids),
    )
  }

  async recentRejects(limit: number): Promise<(RejectRecord & { id: number })[]> {
    return this.reader.all(
      'SELECT id, at, station_id AS stationId, topic, code, detail, excerpt FROM rejects ORDER BY id DESC LIMIT ?',
      limit,
    )
  }

  close(): Promise<void> {
    return this.db.close()
  }

  private transaction<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    return this.db.transaction(fn)
  }
}

async function addCountersIn(db: Database, delta: Readonly<Record<string, number>>): Promise<void> {
  const entries = Object.entries(delta).filter(([, v]) => v !== 0)
  if (entries.length === 0) return
  await db.run(
    `INSERT INTO counters (name, value) SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?) AS j WHERE true
     ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`,
    JSON.stringify(entries),
  )
}
