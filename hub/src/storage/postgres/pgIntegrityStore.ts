import {
  type FindingQuery,
  type IntegrityFinding,
  type IntegrityStore,
  MAX_FINDINGS,
  type PinnedKey,
  type StoredFinding,
} from '../integrityStore.js'
import type { PgDb } from './pgDb.js'

const KEY_COLUMNS =
  'station_id AS "stationId", public_key AS "publicKey", pinned_at AS "pinnedAt", first_seq AS "firstSeq"'

/** Journal keys and integrity findings in PostgreSQL (pgMigrations version 3). */
export class PgIntegrityStore implements IntegrityStore {
  constructor(private readonly db: PgDb) {}

  journalKeys(): Promise<PinnedKey[]> {
    return this.db.query<PinnedKey>(`SELECT ${KEY_COLUMNS} FROM journal_keys ORDER BY station_id`)
  }

  pinJournalKey(key: PinnedKey): Promise<PinnedKey> {
    return this.db.transaction(async (c) => {
      await c.query(
        `INSERT INTO journal_keys (station_id, public_key, pinned_at, first_seq) VALUES ($1, $2, $3, $4)
         ON CONFLICT (station_id) DO NOTHING`,
        [key.stationId, key.publicKey, key.pinnedAt, key.firstSeq],
      )
      const { rows } = await c.query<PinnedKey>(
        `SELECT ${KEY_COLUMNS} FROM journal_keys WHERE station_id = $1`,
        [key.stationId],
      )
      return rows[0] ?? key
    })
  }

  async unpinJournalKey(stationId: string): Promise<boolean> {
    const n = await this.db.transaction(async (c) => {
      const r = await c.query('DELETE FROM journal_keys WHERE station_id = $1', [stationId])
      return r.rowCount ?? 0
    })
    return n > 0
  }

  async recordFindings(findings: readonly IntegrityFinding[]): Promise<void> {
    if (findings.length === 0) return
    await this.db.transaction(async (c) => {
      await c.query(
        `INSERT INTO integrity_findings (at, station_id, kind, seq, event_id, detail, event)
         SELECT f.at, f."stationId", f.kind, f.seq, f."eventId", f.detail, f.event
         FROM jsonb_to_recordset($1::jsonb)
           AS f(at BIGINT, "stationId" TEXT, kind TEXT, seq BIGINT, "eventId" TEXT, detail TEXT, event JSONB)`,
        [JSON.stringify(findings.map((f) => ({ ...f, event: f.event ?? null })))],
      )
      await c.query(
        'DELETE FROM integrity_findings WHERE id <= (SELECT max(id) FROM integrity_findings) - $1',
        [MAX_FINDINGS],
      )
    })
  }

  findings(q: FindingQuery): Promise<StoredFinding[]> {
    // every filter is a bound parameter; only these fixed fragments are ever spliced in
    const filters: [string, string | number | undefined][] = [
      ['id < $', q.before],
      ['station_id = $', q.stationId],
      ['station_id IN (SELECT id FROM stations WHERE town_code = $)', q.townCode],
    ]
    const used = filters.filter(([, v]) => v !== undefined)
    const where =
      used.length === 0 ? '' : `WHERE ${used.map(([sql], i) => sql.replace('$', `$${i + 1}`)).join(' AND ')}`
    const params = [...used.map(([, v]) => v), q.limit]
    return this.db.query<StoredFinding>(
      `SELECT id, at, station_id AS "stationId", kind, seq, event_id AS "eventId", detail, event
       FROM integrity_findings ${where} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    )
  }
}
