import { afterAll, beforeAll } from 'vitest'
import { tempDatabase } from '../../../../bench/lib/postgres.js'
import { revocationStoreContract } from '../revocationStore.contract.js'
import { PgDb } from './pgDb.js'
import { pgMigrations } from './pgMigrations.js'
import { PgRevocationStore } from './pgRevocationStore.js'

// the PostgreSQL server of this machine, a database of this file's own, emptied for each test
let db: Awaited<ReturnType<typeof tempDatabase>>
beforeAll(async () => {
  db = await tempDatabase()
})
afterAll(async () => {
  await db?.drop()
})

revocationStoreContract('PostgreSQL', async () => {
  const pg = await PgDb.open(db.url, pgMigrations)
  await pg.query('TRUNCATE station_revocations')
  return { store: new PgRevocationStore(pg), close: () => pg.close() }
})
