import { CodedError, type Migration } from '@ejia/platform'
import pg from 'pg'

export class PgError extends CodedError<'schemaTooNew' | 'badMigrations' | 'migrationFailed'> {}

/** Any number that fits a JavaScript number arrives as one, not as a string (int8, numeric). */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v)
    return pg.types.getTypeParser(oid, format)
  }) as typeof pg.types.getTypeParser,
}

/** Attempts at a transaction PostgreSQL aborted for a deadlock (40P01) or a serialisation failure (40001). */
const RETRIES = 3

/** Serialises schema changes of every hub process that opens the same database at once. */
const MIGRATION_LOCK = 0x656a6961 // "ejia"

/**
 * The hub's PostgreSQL database: a pool shared by every query, and a transaction helper.
 * Several hub processes (ingest workers) use one database at once, so the schema is brought
 * up to date under an advisory lock, and writers that touch the same rows take their locks
 * in one order (pgStorage.ts) so that they queue rather than deadlock.
 */
export class PgDb {
  /** Told how long each write transaction took, BEGIN to COMMIT or ROLLBACK (for metrics). */
  onTransaction: ((seconds: number, ok: boolean) => void) | undefined

  private constructor(readonly pool: pg.Pool) {}

  static async open(
    url: string,
    migrations: readonly Migration[],
    opts: { max?: number } = {},
  ): Promise<PgDb> {
    const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 8, types })
    // an idle client's error (the server restarted) must not crash the process; the next query reconnects
    pool.on('error', () => undefined)
    try {
      await migrate(pool, migrations)
    } catch (err) {
      await pool.end().catch(() => undefined)
      throw err
    }
    return new PgDb(pool)
  }

  query<R extends pg.QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.pool.query<R>(sql, params as unknown[]).then((r) => r.rows)
  }

  /**
   * Runs `fn` in a transaction. One PostgreSQL aborted to break a deadlock or a
   * serialisation conflict is run again, up to RETRIES times; any other error is thrown.
   */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(fn)
      } catch (err) {
        const code = (err as { code?: string }).code
        if (attempt >= RETRIES || (code !== '40P01' && code !== '40001')) throw err
      }
    }
  }

  private async once<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    const started = performance.now()
    const took = () => (performance.now() - started) / 1000
    try {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      this.onTransaction?.(took(), true)
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined)
      this.onTransaction?.(took(), false)
      throw err
    } finally {
      client.release()
    }
  }

  close(): Promise<void> {
    return this.pool.end()
  }
}

/**
 * Brings the schema up to date, one transaction per step, recorded in `schema_migrations`.
 * Refuses a database a newer hub has migrated, as the SQLite side does.
 */
async function migrate(pool: pg.Pool, migrations: readonly Migration[]): Promise<void> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new PgError('badMigrations', `migration ${m.name} should be version ${i + 1}`)
  })
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    )
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_migrations',
    )
    const current = rows[0]?.v ?? 0
    if (current > migrations.length)
      throw new PgError(
        'schemaTooNew',
        `the database is at schema ${current}, newer than this hub's ${migrations.length}: run a newer hub`,
      )
    for (const m of migrations.slice(current)) {
      try {
        await client.query('BEGIN')
        await client.query(m.sql)
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ])
        await client.query('COMMIT')
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw new PgError('migrationFailed', `migration ${m.version} (${m.name}) failed: ${String(err)}`, {
          cause: err,
        })
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
    client.release()
  }
}
