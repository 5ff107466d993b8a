import { afterAll, beforeAll } from 'vitest'
import { tempDatabase } from '../../../../bench/lib/postgres.js'
import { integrityStoreContract } from '../integrityStore.contract.js'
import { PgIntegrityStore } from './pgIntegrityStore.js'
import { PgStorage } from './pgStorage.js'

// the PostgreSQL server of this machine, a database of this file's own, emptied for each test
let db: Awaited<ReturnType<typeof tempDatabase>>
beforeAll(async () => {
  db = await tempDatabase()
})
afterAll(async () => {
  await db?.drop()
})

integrityStoreContract('PostgreSQL', async () => {
  const storage = await PgStorage.open(db.url)
  await storage.db.query('TRUNCATE journal_keys, integrity_findings, stations, towns')
  return { store: new PgIntegrityStore(storage.db), storage, close: () => storage.close() }
})
