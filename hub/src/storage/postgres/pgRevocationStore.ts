import type { RevocationRecord, RevocationStore } from '../revocationStore.js'
import type { PgDb } from './pgDb.js'

/** Revoked stations in the hub's PostgreSQL database (pgMigrations.ts, version 2), as sqliteRevocationStore.ts. */
export class PgRevocationStore implements RevocationStore {
  constructor(private readonly db: PgDb) {}

  list(): Promise<RevocationRecord[]> {
    return this.db.query<RevocationRecord>(
      `SELECT station_id AS "stationId", revoked_at AS "revokedAt", revoked_by AS "revokedBy", reason
       FROM station_revocations ORDER BY station_id`,
    )
  }

  async revoke(r: RevocationRecord): Promise<void> {
    await this.db.transaction((c) =>
      c.query(
        `INSERT INTO station_revocations (station_id, revoked_at, revoked_by, reason) VALUES ($1, $2, $3, $4)
         ON CONFLICT (station_id) DO UPDATE SET revoked_at = excluded.revoked_at,
           revoked_by = excluded.revoked_by, reason = excluded.reason`,
        [r.stationId, r.revokedAt, r.revokedBy, r.reason],
      ),
    )
  }

  async unrevoke(stationId: string): Promise<boolean> {
    const r = await this.db.transaction((c) =>
      c.query('DELETE FROM station_revocations WHERE station_id = $1', [stationId]),
    )
    return (r.rowCount ?? 0) > 0
  }
}
