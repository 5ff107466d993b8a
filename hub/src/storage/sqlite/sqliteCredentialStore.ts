import type { CredentialStore, StationSecretRecord } from '../credentialStore.js'
import type { HubDb } from './hubDb.js'

interface Row {
  station_id: string
  registry_sha256: string
  current_sha256: string | null
  rotated_at: number | null
  pending_sha256: string | null
  pending_command_id: string | null
  pending_expires_at: number | null
}

/** Station secrets' hashes in the hub's SQLite file (migration 9). */
export class SqliteCredentialStore implements CredentialStore {
  constructor(private readonly db: HubDb) {}

  async records(): Promise<StationSecretRecord[]> {
    const rows = await this.db.reader.all<Row[]>('SELECT * FROM station_secrets ORDER BY station_id')
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
    await this.db.transaction((db) =>
      db.run(
        `INSERT INTO station_secrets
           (station_id, registry_sha256, pending_sha256, pending_command_id, pending_expires_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (station_id) DO UPDATE SET pending_sha256 = excluded.pending_sha256,
           pending_command_id = excluded.pending_command_id,
           pending_expires_at = excluded.pending_expires_at`,
        stationId,
        registrySha256,
        p.sha256,
        p.commandId,
        p.expiresAt,
      ),
    )
  }

  async promote(stationId: string, commandId: string, at: number): Promise<boolean> {
    const r = await this.db.transaction((db) =>
      db.run(
        `UPDATE station_secrets SET current_sha256 = pending_sha256, rotated_at = ?,
           pending_sha256 = NULL, pending_command_id = NULL, pending_expires_at = NULL
         WHERE station_id = ? AND pending_command_id = ?`,
        at,
        stationId,
        commandId,
      ),
    )
    return (r.changes ?? 0) > 0
  }

  async discardPending(stationId: string, commandId: string): Promise<boolean> {
    const r = await this.db.transaction((db) =>
      db.run(
        `UPDATE station_secrets SET pending_sha256 = NULL, pending_command_id = NULL, pending_expires_at = NULL
         WHERE station_id = ? AND pending_command_id = ?`,
        stationId,
        commandId,
      ),
    )
    return (r.changes ?? 0) > 0
  }

  expirePending(now: number): Promise<{ stationId: string; commandId: string }[]> {
    return this.db.transaction(async (db) => {
      const rows = await db.all<{ station_id: string; pending_command_id: string }[]>(
        'SELECT station_id, pending_command_id FROM station_secrets WHERE pending_expires_at <= ?',
        now,
      )
      if (rows.length === 0) return []
      await db.run(
        `UPDATE station_secrets SET pending_sha256 = NULL, pending_command_id = NULL, pending_expires_at = NULL
         WHERE pending_expires_at <= ?`,
        now,
      )
      return rows.map((r) => ({ stationId: r.station_id, commandId: r.pending_command_id }))
    })
  }

  async forget(stationId: string): Promise<void> {
    await this.db.transaction((db) => db.run('DELETE FROM station_secrets WHERE station_id = ?', stationId))
  }
}
