import type { Heartbeat, Tier } from '@ejia/protocol'
import type pg from 'pg'
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
import { PgDb } from './pgDb.js'
import { pgMigrations } from './pgMigrations.js'

type Client = pg.PoolClient

interface EventRow {
  ingest_id: number
  station_id: string
  event_id: string
  seq: number
  type: string
  device_time: string
  received_at: number
  body: unknown
}

/**
 * Storage in PostgreSQL, for a hub whose ingest runs in several processes (docs/SCALING.md).
 * Every write is one transaction; several workers commit at once, and the unique key
 * (station, event id) decides which of two copies of an event is stored: the other waits
 * for that commit and is then a duplicate. Everything several writers touch (the events'
 * unique keys, the stations' ledger summaries, the counters) is taken in key order, so
 * concurrent commits queue instead of deadlocking.
 */
export class PgStorage implements Storage {
  private constructor(readonly db: PgDb) {}

  static async open(url: string, opts: { max?: number } = {}): Promise<PgStorage> {
    return new PgStorage(await PgDb.open(url, pgMigrations, opts))
  }

  commitEvents(events: readonly LedgerEvent[]): Promise<Set<string>> {
    return this.db.transaction(async (c) => {
      const { rows: inserted } = await c.query<{ station_id: string; event_id: string; seq: number }>(
        `INSERT INTO events (station_id, event_id, seq, type, device_time, received_at, body, prev_hash, hash, sig,
                             sent_skew_ms)
         SELECT e.station_id, e.event_id, e.seq, e.type, e.device_time, e.received_at, e.body, e.prev_hash, e.hash, e.sig,
                e.sent_skew_ms
         FROM jsonb_to_recordset($1::jsonb) AS e(station_id TEXT, event_id TEXT, seq BIGINT, type TEXT,
              device_time TEXT, received_at BIGINT, body JSONB, prev_hash TEXT, hash TEXT, sig TEXT, sent_skew_ms BIGINT)
         ORDER BY e.station_id, e.event_id
         ON CONFLICT (station_id, event_id) DO NOTHING
         RETURNING station_id, event_id, seq`,
        [
          JSON.stringify(
            events.map((e) => ({
              station_id: e.stationId,
              event_id: e.id,
              seq: e.seq,
              type: e.type,
              device_time: e.time,
              received_at: e.receivedAt,
              body: e.body,
              prev_hash: e.prev ?? null,
              hash: e.hash ?? null,
              sig: e.sig ?? null,
              sent_skew_ms: e.sentSkewMs ?? null,
            })),
          ),
        ],
      )
      const perStation = new Map<string, { n: number; max: number }>()
      for (const r of inserted) {
        const s = perStation.get(r.station_id) ?? { n: 0, max: 0 }
        s.n++
        s.max = Math.max(s.max, r.seq)
        perStation.set(r.station_id, s)
      }
      if (perStation.size > 0) {
        const ids = [...perStation.keys()].sort()
        await c.query('SELECT 1 FROM stations WHERE id = ANY($1) ORDER BY id FOR UPDATE', [ids])
        await c.query(
          `UPDATE stations SET event_count = event_count + d.n, seq_max = greatest(seq_max, d.max)
           FROM jsonb_to_recordset($1::jsonb) AS d(id TEXT, n BIGINT, max BIGINT) WHERE stations.id = d.id`,
          [JSON.stringify(ids.map((id) => ({ id, ...perStation.get(id) })))],
        )
      }
      await addCountersIn(c, { accepted: inserted.length, duplicates: events.length - inserted.length })
      return new Set(inserted.map((r) => eventKey(r.station_id, r.event_id)))
    })
  }

  recordRejects(rejects: readonly RejectRecord[]): Promise<void> {
    if (rejects.length === 0) return Promise.resolve()
    return this.db.transaction(async (c) => {
      await c.query(
        `INSERT INTO rejects (at, station_id, topic, code, detail, excerpt)
         SELECT r.at, r."stationId", r.topic, r.code, r.detail, r.excerpt
         FROM jsonb_to_recordset($1::jsonb) AS r(at BIGINT, "stationId" TEXT, topic TEXT, code TEXT, detail TEXT,
              excerpt TEXT)`,
        [JSON.stringify(rejects)],
      )
      await c.query('DELETE FROM rejects WHERE id <= (SELECT max(id) FROM rejects) - $1', [MAX_REJECTS])
    })
  }

  addCounters(delta: Readonly<Record<string, number>>): Promise<void> {
    return this.db.transaction((c) => addCountersIn(c, delta))
  }

  async counters(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ name: string; value: number }>('SELECT name, value FROM counters')
    return Object.fromEntries(rows.map((r) => [r.name, r.value]))
  }

  syncRegistry(
    district: TownRecord,
    towns: readonly TownRecord[],
    stations: readonly StationRecord[],
  ): Promise<void> {
    return this.db.transaction(async (c) => {
      // every process syncs at start: one at a time, so two never interleave the in_registry flags
      await c.query('LOCK TABLE stations IN SHARE ROW EXCLUSIVE MODE')
      await c.query(
        `INSERT INTO meta (key, value) VALUES ('district', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [JSON.stringify(district)],
      )
      await c.query(
        `INSERT INTO towns (code, name) SELECT t.code, t.name FROM jsonb_to_recordset($1::jsonb) AS t(code TEXT, name TEXT)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name`,
        [JSON.stringify(towns)],
      )
      // stations that left the registry keep their rows and ledger, marked as such
      await c.query(`UPDATE stations SET in_registry = (id = ANY($1))`, [stations.map((s) => s.id)])
      await c.query(
        `INSERT INTO stations (id, name, tier, town_code, contact_name, contact_phone, in_registry)
         SELECT s.id, s.name, s.tier, s."townCode", s.contact ->> 'name', s.contact ->> 'phone', true
         FROM jsonb_to_recordset($1::jsonb) AS s(id TEXT, name TEXT, tier TEXT, "townCode" TEXT, contact JSONB)
         ORDER BY s.id
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, tier = excluded.tier, town_code = excluded.town_code,
           contact_name = excluded.contact_name, contact_phone = excluded.contact_phone, in_registry = true`,
        [JSON.stringify(stations)],
      )
    })
  }

  saveStationStates(states: readonly StationState[]): Promise<void> {
    if (states.length === 0) return Promise.resolve()
    return this.db.transaction(async (c) => {
      const sorted = [...states].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      await c.query('SELECT 1 FROM stations WHERE id = ANY($1) ORDER BY id FOR UPDATE', [
        sorted.map((s) => s.id),
      ])
      await c.query(
        `UPDATE stations SET connected = s.connected, status_reason = s."statusReason",
           status_since = s."statusSince", last_seen_at = s."lastSeenAt", clock_skew_ms = s."clockSkewMs",
           heartbeat = s.heartbeat
         FROM jsonb_to_recordset($1::jsonb) AS s(id TEXT, connected BOOLEAN, "statusReason" TEXT,
              "statusSince" TEXT, "lastSeenAt" BIGINT, "clockSkewMs" BIGINT, heartbeat JSONB)
         WHERE stations.id = s.id`,
        [JSON.stringify(sorted)],
      )
    })
  }

  async loadStationStates(): Promise<StationState[]> {
    const rows = await this.db.query<{
      id: string
      connected: boolean
      status_reason: string | null
      status_since: string | null
      last_seen_at: number | null
      clock_skew_ms: number | null
      heartbeat: Heartbeat | null
    }>(
      'SELECT id, connected, status_reason, status_since, last_seen_at, clock_skew_ms, heartbeat FROM stations',
    )
    return rows.map((r) => ({
      id: r.id,
      connected: r.connected,
      statusReason: r.status_reason,
      statusSince: r.status_since,
      lastSeenAt: r.last_seen_at,
      clockSkewMs: r.clock_skew_ms,
      heartbeat: r.heartbeat,
    }))
  }

  async listStations(): Promise<StationRecord[]> {
    const rows = await this.db.query<{
      id: string
      name: string
      tier: Tier
      town_code: string
      contact_name: string | null
      contact_phone: string | null
    }>(
      'SELECT id, name, tier, town_code, contact_name, contact_phone FROM stations WHERE in_registry ORDER BY id',
    )
    return rows.map(stationRecordOf)
  }

  listTowns(): Promise<TownRecord[]> {
    return this.db.query<TownRecord>('SELECT code, name FROM towns ORDER BY code')
  }

  ledgerSummaries(): Promise<LedgerSummary[]> {
    return this.db.query<LedgerSummary>(
      'SELECT id AS "stationId", event_count AS events, seq_max AS "seqMax" FROM stations',
    )
  }

  async ledgerSummary(stationId: string): Promise<LedgerSummary | undefined> {
    const rows = await this.db.query<LedgerSummary>(
      'SELECT id AS "stationId", event_count AS events, seq_max AS "seqMax" FROM stations WHERE id = $1',
      [stationId],
    )
    return rows[0]
  }

  async firstMissingSeq(stationId: string): Promise<number> {
    const rows = await this.db.query<{ seq: number }>(
      `SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM events WHERE station_id = $1 AND seq = 1) THEN 1 ELSE (
         SELECT e.seq + 1 FROM events e
         WHERE e.station_id = $1
           AND NOT EXISTS (SELECT 1 FROM events n WHERE n.station_id = $1 AND n.seq = e.seq + 1)
         ORDER BY e.seq LIMIT 1) END AS seq`,
      [stationId],
    )
    return rows[0]?.seq ?? 1
  }

  async queryEvents(q: EventQuery): Promise<StoredEvent[]> {
    // every filter is a bound parameter; only these fixed fragments are ever spliced in
    const filters: [string, string | number | undefined][] = [
      ['ingest_id > $', q.after ?? 0],
      ['station_id = $', q.stationId],
      ['station_id IN (SELECT id FROM stations WHERE town_code = $)', q.townCode],
      ['type = $', q.type],
      ["body ->> 'personId' = $", q.personId],
      ['device_time >= $', q.since],
      ['device_time < $', q.until],
    ]
    const used = filters.filter(([, v]) => v !== undefined)
    const where = used.map(([sql], i) => sql.replace('$', `$${i + 1}`))
    const params = [...used.map(([, v]) => v), q.limit]
    const rows = await this.db.query<EventRow>(
      `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY ingest_id LIMIT $${params.length}`,
      params,
    )
    return rows.map(storedEventOf)
  }

  chainLinks(stationId: string, seqs: readonly number[], ids: readonly string[]): Promise<ChainLink[]> {
    return this.db.query<ChainLink>(
      `SELECT seq, event_id AS id, device_time AS time, hash, prev_hash AS prev FROM events
       WHERE station_id = $1 AND (seq = ANY($2::bigint[]) OR event_id = ANY($3::text[]))
       ORDER BY seq, ingest_id`,
      [stationId, seqs, ids],
    )
  }

  recentRejects(limit: number): Promise<(RejectRecord & { id: number })[]> {
    return this.db.query(
      `SELECT id, at, station_id AS "stationId", topic, code, detail, excerpt FROM rejects
       ORDER BY id DESC LIMIT $1`,
      [limit],
    )
  }

  close(): Promise<void> {
    return this.db.close()
  }
}

/** Counter rows in name order, the one order every writer locks them in. */
async function addCountersIn(c: Client, delta: Readonly<Record<string, number>>): Promise<void> {
  const entries = Object.entries(delta)
    .filter(([, v]) => v !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  if (entries.length === 0) return
  await c.query(
    `INSERT INTO counters (name, value)
     SELECT d.name, d.value FROM jsonb_to_recordset($1::jsonb) AS d(name TEXT, value BIGINT) ORDER BY d.name
     ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value`,
    [JSON.stringify(entries.map(([name, value]) => ({ name, value })))],
  )
}
