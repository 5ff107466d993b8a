import { afterAll, beforeAll } from 'vitest'
import { tempDatabase } from '../../../../bench/lib/postgres.js'
import { workStoreContract } from '../workStore.contract.js'
import { PgStorage } from './pgStorage.js'
import { PgWorkStore } from './pgWorkStore.js'

// the PostgreSQL server of this machine, a database of this file's own, emptied for each test
let db: Awaited<ReturnType<typeof tempDatabase>>
beforeAll(async () => {
  db = await tempDatabase()
})
afterAll(async () => {
  await db?.drop()
})

workStoreContract('PostgreSQL', async (now) => {
  const storage = await PgStorage.open(db.url)
  // identities restart too: the contract expects a fresh hub's ids, from 1
  await storage.db.query(
    `TRUNCATE events, stations, towns, meta, counters, rejects, people, people_removed, roster_versions,
       duty_rotas, duty_corrections, activity_plans, study_entries, inspections, audit RESTART IDENTITY`,
  )
  return { storage, work: new PgWorkStore(storage.db, now) }
})
