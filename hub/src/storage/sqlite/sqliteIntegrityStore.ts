import {
  type FindingKind,
  type FindingQuery,
  type IntegrityFinding,
  type IntegrityStore,
  MAX_FINDINGS,
  type PinnedKey,
  type StoredFinding,
} from '../integrityStore.js'
import type { HubDb } from './hubDb.js'

interface FindingRow {
  id: number
  at: number
  station_id: string
  kind: FindingKind
  seq: number | null
  event_id: string | null
  detail: string
  event: string | null
}

/** Journal keys and integrity findings in the hub's SQLite file (migration 11). */
export class SqliteIntegrityStore implements IntegrityStore {
  constructor(private readonly db: HubDb) {}

  journalKeys(): Promise<PinnedKey[]> {
    return this.db.reader.all<PinnedKey[]>(
      `SELECT station_id AS stationId, public_key AS publicKey, pinned_at AS pinnedAt, first_seq AS firstSeq
       FROM journal_keys ORDER BY station_id`,
    )
  }

  async pinJournalKey(key: PinnedKey): Promise<PinnedKey> {
    return this.db.transaction(async (db) => {
      await db.run(
        `INSERT INTO journal_keys (station_id, public_key, pinned_at, first_seq) VALUES (?, ?, ?, ?)
         ON CONFLICT (station_id) DO NOTHING`,
        key.stationId,
        key.publicKey,
        key.pinnedAt,
        key.firstSeq,
      )
      const pinned = await db.get<PinnedKey>(
        `SELECT station_id AS stationId, public_key AS publicKey, pinned_at AS pinnedAt, first_seq AS firstSeq
         FROM journal_keys WHERE station_id = ?`,
        key.stationId,
      )
      return pinned ?? key
    })
  }

  async unpinJournalKey(stationId: string): Promise<boolean> {
    const r = await this.db.transaction((db) =>
      db.run('DELETE FROM journal_keys WHERE station_id = ?', stationId),
    )
    return (r.changes ?? 0) > 0
  }

  async recordFindings(findings: readonly IntegrityFinding[]): Promise<void> {
    if (findings.length === 0) return
    await this.db.transaction(async (db) => {
      await db.run(
        `INSERT INTO integrity_findings (at, station_id, kind, seq, event_id, detail, event)
         SELECT j.value ->> 'at', j.value ->> 'stationId', j.value ->> 'kind', j.value ->> 'seq',
                j.value ->> 'eventId', j.value ->> 'detail', j.value -> 'event'
         FROM json_each(?) AS j`,
        JSON.stringify(findings.map((f) => ({ ...f, event: f.event ?? null }))),
      )
      await db.run(
        'DELETE FROM integrity_findings WHERE id <= (SELECT max(id) FROM integrity_findings) - ?',
        MAX_FINDINGS,
      )
    })
  }

  async findings(q: FindingQuery): Promise<StoredFinding[]> {
    // every filter is a bound parameter; only these fixed fragments are ever spliced in
    const filters: [string, string | number | undefined][] = [
      ['id < ?', q.before],
      ['station_id = ?', q.stationId],
      ['station_id IN (SELECT id FROM stations WHERE town_code = ?)', q.townCode],
    ]
    const used = filters.filter(([, v]) => v !== undefined)
    const where = used.length === 0 ? '' : `WHERE ${used.map(([sql]) => sql).join(' AND ')}`
    const rows = await this.db.reader.all<FindingRow[]>(
      `SELECT * FROM integrity_findings ${where} ORDER BY id DESC LIMIT ?`,
      ...used.map(([, v]) => v as string | number),
      q.limit,
    )
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      stationId: r.station_id,
      kind: r.kind,
      seq: r.seq,
      eventId: r.event_id,
      detail: r.detail,
      event: r.event === null ? null : (JSON.parse(r.event) as unknown),
    }))
  }
}
