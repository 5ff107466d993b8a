import { afterAll, beforeAll } from 'vitest'
import { tempDatabase } from '../../../../bench/lib/postgres.js'
import { credentialStoreContract } from '../credentialStore.contract.js'
import { PgCredentialStore } from './pgCredentialStore.js'
import { PgDb } from './pgDb.js'
import { pgMigrations } from './pgMigrations.js'

// the PostgreSQL server of this machine, a database of this file's own, emptied for each test
let db: Awaited<ReturnType<typeof tempDatabase>>
beforeAll(async () => {
  db = await tempDatabase()
})
afterAll(async () => {
  await db?.drop()
})

credentialStoreContract('PostgreSQL', async () => {
  const pg = await PgDb.open(db.url, pgMigrations)
  await pg.query('TRUNCATE station_secrets')
  return { store: new PgCredentialStore(pg), close: () => pg.close() }
})
