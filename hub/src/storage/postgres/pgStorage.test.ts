import { afterAll, beforeAll } from 'vitest'
import { tempDatabase } from '../../../../bench/lib/postgres.js'
import { storageContract } from '../storage.contract.js'
import { PgStorage } from './pgStorage.js'

// the PostgreSQL server of this machine, a database of this file's own, emptied for each test
let db: Awaited<ReturnType<typeof tempDatabase>>
beforeAll(async () => {
  db = await tempDatabase()
})
afterAll(async () => {
  await db?.drop()
})

storageContract('PostgreSQL', async () => {
  const storage = await PgStorage.open(db.url)
  await storage.db.query('TRUNCATE events, stations, towns, meta, counters, rejects')
  return storage
})
