import { afterAll, beforeAll } from 'vitest'
import { tempDatabase } from '../../../../bench/lib/postgres.js'
import { controlStoreContract } from '../controlStore.contract.js'
import { PgControlStore } from './pgControlStore.js'
import { PgStorage } from './pgStorage.js'

// the PostgreSQL server of this machine, a database of this file's own, emptied for each test
let db: Awaited<ReturnType<typeof tempDatabase>>
beforeAll(async () => {
  db = await tempDatabase()
})
afterAll(async () => {
  await db?.drop()
})

controlStoreContract('PostgreSQL', async () => {
  const storage = await PgStorage.open(db.url)
  await storage.db.query(
    'TRUNCATE station_configs, station_config_reports, station_commands, audit, stations, towns, meta RESTART IDENTITY',
  )
  return {
    store: new PgControlStore(storage.db),
    storage,
    audit: () =>
      storage.db.query<{ at: number; actor: string; action: string; detail: unknown }>(
        'SELECT at, actor, action, detail FROM audit ORDER BY id',
      ),
    uniqueViolation: '23505',
  }
})
