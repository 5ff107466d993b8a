import type { RevocationRecord, RevocationStore } from '../revocationStore.js'
import type { HubDb } from './hubDb.js'

interface Row {
  station_id: string
  revoked_at: number
  revoked_by: string
  reason: string
}

/** Revoked stations in the hub's SQLite file (migration 10), so a revocation outlives a restart. */
export class SqliteRevocationStore implements RevocationStore {
  constructor(private readonly db: HubDb) {}

  async list(): Promise<RevocationRecord[]> {
    const rows = await this.db.reader.all<Row[]>('SELECT * FROM station_revocations ORDER BY station_id')
    return rows.map((r) => ({
      stationId: r.station_id,
      revokedAt: r.revoked_at,
      revokedBy: r.revoked_by,
      reason: r.reason,
    }))
  }

  async revoke(r: RevocationRecord): Promise<void> {
    await this.db.transaction((db) =>
      db.run(
        `INSERT INTO station_revocations (station_id, revoked_at, revoked_by, reason) VALUES (?, ?, ?, ?)
         ON CONFLICT (station_id) DO UPDATE SET revoked_at = excluded.revoked_at,
           revoked_by = excluded.revoked_by, reason = excluded.reason`,
        r.stationId,
        r.revokedAt,
        r.revokedBy,
        r.reason,
      ),
    )
  }

  async unrevoke(stationId: string): Promise<boolean> {
    const r = await this.db.transaction((db) =>
      db.run('DELETE FROM station_revocations WHERE station_id = ?', stationId),
    )
    return (r.changes ?? 0) > 0
  }
}
