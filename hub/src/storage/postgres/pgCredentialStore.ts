import type { CredentialStore, StationSecretRecord } from '../credentialStore.js'
import type { PgDb } from './pgDb.js'

interface Row {
  station_id: string
  registry_sha256: string
  current_sha256: string | null
  rotated_at: number | null
  pending_sha256: string | null
  pending_command_id: string | null
  pending_expires_at: number | null
}

const CLEAR_PENDING = 'pending_sha256 = NULL, pending_command_id = NULL, pending_expires_at = NULL'

/**
 * Station secrets' hashes in the hub's PostgreSQL database (pgMigrations.ts, version 2), as
 * sqliteCredentialStore.ts. A pending secret is promoted (a login with it), discarded (the
 * kiosk's answer) or expired (the sweep), each a single conditional write on the station's
 * row, so of a login and a sweep that meet, one finds the secret pending and the other not.
 */
export class PgCredentialStore implements CredentialStore {
  constructor(private readonly db: PgDb) {}

  async records(): Promise<StationSecretRecord[]> {
    const rows = await this.db.query<Row>(
      `SELECT station_id, registry_sha256, current_sha256, rotated_at, pending_sha256, pending_command_id,
         pending_expires_at
       FROM station_secrets ORDER BY station_id`,
    )
    return rows.map((r) => ({
      stationId: r.station_id,
      registrySha256: r.registry_sha256,
      currentSha256: r.current_sha256,
      rotatedAt: r.rotated_at,
      pending:
        r.pending_sha256 !== null && r.pending_command_id !== null && r.pending_expires_at !== null
          ? { sha256: r.pending_sha256, commandId: r.pending_command_id, expiresAt: r.pending_expires_at }
          : null,
    }))
  }

  async setPending(
    stationId: string,
    registrySha256: string,
    p: { sha256: string; commandId: string; expiresAt: number },
  ): Promise<void> {
    await this.db.transaction((c) =>
      c.query(
        `INSERT INTO station_secrets
           (station_id, registry_sha256, pending_sha256, pending_command_id, pending_expires_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (station_id) DO UPDATE SET pending_sha256 = excluded.pending_sha256,
           pending_command_id = excluded.pending_command_id,
           pending_expires_at = excluded.pending_expires_at`,
        [stationId, registrySha256, p.sha256, p.commandId, p.expiresAt],
      ),
    )
  }

  async promote(stationId: string, commandId: string, at: number): Promise<boolean> {
    const r = await this.db.transaction((c) =>
      c.query(
        `UPDATE station_secrets SET current_sha256 = pending_sha256, rotated_at = $1, ${CLEAR_PENDING}
         WHERE station_id = $2 AND pending_command_id = $3`,
        [at, stationId, commandId],
      ),
    )
    return (r.rowCount ?? 0) > 0
  }

  async discardPending(stationId: string, commandId: string): Promise<boolean> {
    const r = await this.db.transaction((c) =>
      c.query(
        `UPDATE station_secrets SET ${CLEAR_PENDING} WHERE station_id = $1 AND pending_command_id = $2`,
        [stationId, commandId],
      ),
    )
    return (r.rowCount ?? 0) > 0
  }

  expirePending(now: number): Promise<{ stationId: string; commandId: string }[]> {
    return this.db.transaction(async (c) => {
      // rows locked in key order, so two sweeps queue; a row a login promoted meanwhile is
      // read again once its lock is free, and no longer matches
      const { rows } = await c.query<{ stationId: string; commandId: string }>(
        `SELECT station_id AS "stationId", pending_command_id AS "commandId" FROM station_secrets
         WHERE pending_expires_at <= $1 ORDER BY station_id FOR UPDATE`,
        [now],
      )
      if (rows.length === 0) return []
      await c.query(`UPDATE station_secrets SET ${CLEAR_PENDING} WHERE station_id = ANY($1)`, [
        rows.map((r) => r.stationId),
      ])
      return rows
    })
  }

  async forget(stationId: string): Promise<void> {
    await this.db.transaction((c) =>
      c.query('DELETE FROM station_secrets WHERE station_id = $1', [stationId]),
    )
  }
}
