import { type Database, openDatabase } from '@ejia/platform'
import { hubMigrations } from './migrations.js'

/**
 * The hub's SQLite file: one connection for writes, taken one transaction at a time in
 * order, and one for reads, which WAL lets run alongside. Every store of the hub shares it.
 */
export class HubDb {
  private writes: Promise<unknown> = Promise.resolve()
  /** Told how long each write transaction took, BEGIN to COMMIT or ROLLBACK (for metrics). */
  onTransaction: ((seconds: number, ok: boolean) => void) | undefined

  private constructor(
    private readonly writer: Database,
    readonly reader: Database,
  ) {}

  static async open(file: string): Promise<HubDb> {
    const writer = await openDatabase(file, { migrations: hubMigrations, synchronous: 'FULL' })
    const reader = await openDatabase(file, { migrations: hubMigrations })
    await reader.exec('PRAGMA query_only = ON')
    return new HubDb(writer, reader)
  }

  /** Runs `fn` in its own transaction, after every write queued before it. */
  transaction<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const started = performance.now()
      const took = () => (performance.now() - started) / 1000
      await this.writer.exec('BEGIN IMMEDIATE')
      try {
        const result = await fn(this.writer)
        await this.writer.exec('COMMIT')
        this.onTransaction?.(took(), true)
        return result
      } catch (err) {
        await this.writer.exec('ROLLBACK').catch(() => undefined)
        this.onTransaction?.(took(), false)
        throw err
      }
    }
    const result = this.writes.then(run, run)
    this.writes = result.catch(() => undefined)
    return result
  }

  async close(): Promise<void> {
    await this.writes.catch(() => undefined)
    await this.reader.close()
    await this.writer.close()
  }
}
