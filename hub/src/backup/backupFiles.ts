import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { CodedError, openDatabaseReadOnly } from '@ejia/platform'

export class BackupError extends CodedError<
  'noBackup' | 'badManifest' | 'checksum' | 'integrity' | 'schemaTooNew' | 'rowCounts' | 'hubRunning'
> {}

/** Tables whose row counts a manifest records, and a verify or restore checks again. */
export const COUNTED_TABLES = ['stations', 'people', 'events', 'operators', 'alarms', 'audit'] as const

/** What sits beside each backup file, `hub-<time>.json` beside `hub-<time>.db`. */
export interface BackupManifest {
  format: 1
  createdAt: string
  hubVersion: string
  schemaVersion: number
  /** The database file's name, in the manifest's folder. */
  file: string
  bytes: number
  sha256: string
  rows: Record<string, number>
  /** Photos: copied to the mirror this time, and all the hub held then (files, bytes). */
  photos: { copied: number; files: number; bytes: number } | null
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Makes a written file durable before it is renamed into place. */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

export interface DatabaseFacts {
  schemaVersion: number
  integrity: string
  rows: Record<string, number>
}

/** Opens a database copy read-only: its schema version, `PRAGMA integrity_check` and row counts. */
export async function inspectDatabase(file: string): Promise<DatabaseFacts> {
  const db = await openDatabaseReadOnly(file)
  try {
    const schemaVersion = (await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0
    const checks = await db.all<{ integrity_check: string }[]>('PRAGMA integrity_check')
    const integrity = checks.map((r) => r.integrity_check).join('; ')
    const rows: Record<string, number> = {}
    if (integrity === 'ok') {
      const tables = new Set(
        (await db.all<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table'")).map(
          (t) => t.name,
        ),
      )
      for (const t of COUNTED_TABLES) {
        if (tables.has(t)) rows[t] = (await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))?.n ?? 0
      }
    }
    return { schemaVersion, integrity, rows }
  } catch (err) {
    // not a database at all ("file is not a database"): as good as a failed integrity check
    return { schemaVersion: 0, integrity: (err as Error).message, rows: {} }
  } finally {
    await db.close().catch(() => undefined)
  }
}
