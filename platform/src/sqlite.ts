import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { type Database, open } from 'sqlite'
import sqlite3 from 'sqlite3'
import { CodedError } from './errors.js'

export type { Database } from 'sqlite'

/** A schema step. Versions start at 1 and rise by 1; a step never changes once released. */
export interface Migration {
  version: number
  name: string
  sql: string
}

export class DatabaseError extends CodedError<
  'noWal' | 'schemaTooNew' | 'badMigrations' | 'migrationFailed'
> {}

export interface OpenOptions {
  migrations: readonly Migration[]
  /**
   * FULL syncs the WAL on every commit, so a committed transaction survives power loss
   * (sqlite.org/pragma.html#pragma_synchronous). NORMAL may lose the last commits on power
   * loss, but never corrupts. The journal and the ledger both use FULL.
   */
  synchronous?: 'FULL' | 'NORMAL'
}

/**
 * Opens (creating if needed) a SQLite file in WAL mode and brings its schema up to date.
 * Refuses a file written by a newer schema rather than run against tables it does not know.
 */
export async function openDatabase(file: string, opts: OpenOptions): Promise<Database> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = await open({ filename: file, driver: sqlite3.Database })
  try {
    await db.exec('PRAGMA busy_timeout = 5000')
    const mode = await db.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL')
    if (file !== ':memory:' && mode?.journal_mode !== 'wal') {
      throw new DatabaseError('noWal', `${file}: could not switch to WAL mode (got ${mode?.journal_mode})`)
    }
    await db.exec(`PRAGMA synchronous = ${opts.synchronous ?? 'FULL'}`)
    await db.exec('PRAGMA foreign_keys = ON')
    await migrate(db, file, opts.migrations)
    return db
  } catch (err) {
    await db.close().catch(() => undefined)
    throw err
  }
}

async function migrate(db: Database, file: string, migrations: readonly Migration[]): Promise<void> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new DatabaseError('badMigrations', `migration ${m.name} should be version ${i + 1}`)
  })
  const current = (await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0
  if (current > migrations.length) {
    throw new DatabaseError(
      'schemaTooNew',
      `${file} has schema version ${current}, this program knows up to ${migrations.length}; refusing to touch it`,
    )
  }
  for (const m of migrations.slice(current)) {
    await db.exec('BEGIN IMMEDIATE')
    try {
      await db.exec(m.sql)
      await db.exec(`PRAGMA user_version = ${m.version}`)
      await db.exec('COMMIT')
    } catch (err) {
      await db.exec('ROLLBACK')
      throw new DatabaseError('migrationFailed', `${file}: migration ${m.version} (${m.name}) failed`, {
        cause: err,
      })
    }
  }
}

/**
 * Adds nullable columns that older releases of the program do not know, without a schema
 * version: the file stays at the version they know, so a kiosk agent that rolls back after
 * an upgrade (docs/OPERATIONS.md, "Releasing and staging an agent upgrade") still opens it,
 * and its rows leave the new columns NULL. Only for additions the older code can ignore;
 * anything else is a migration. Idempotent: run at every open, after the migrations.
 * `table` and the column names are the program's own, never input.
 */
export async function addCompatibleColumns(
  db: Database,
  table: string,
  columns: Readonly<Record<string, 'TEXT' | 'INTEGER' | 'REAL'>>,
): Promise<void> {
  const have = new Set((await db.all<{ name: string }[]>(`PRAGMA table_info(${table})`)).map((c) => c.name))
  for (const [name, type] of Object.entries(columns)) {
    if (!have.has(name)) await db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`)
  }
}

/** True for SQLite's "disk full" and "I/O error" results, which mean the storage is failing. */
export function isStorageFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'SQLITE_FULL' || code === 'SQLITE_IOERR' || code === 'SQLITE_CANTOPEN'
}

/** Opens an existing database for reading only, e.g. to inspect a ledger or a journal. */
export async function openDatabaseReadOnly(file: string): Promise<Database> {
  const db = await open({ filename: file, driver: sqlite3.Database, mode: sqlite3.OPEN_READONLY })
  await db.exec('PRAGMA busy_timeout = 5000')
  return db
}
