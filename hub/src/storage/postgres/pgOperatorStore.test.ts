import { afterAll, beforeAll } from 'vitest'
import { tempDatabase } from '../../../../bench/lib/postgres.js'
import { operatorStoreContract } from '../operatorStore.contract.js'
import { PgDb } from './pgDb.js'
import { pgMigrations } from './pgMigrations.js'
import { PgOperatorStore } from './pgOperatorStore.js'

// the PostgreSQL server of this machine, a database of this file's own, emptied for each test
let db: Awaited<ReturnType<typeof tempDatabase>>
beforeAll(async () => {
  db = await tempDatabase()
})
afterAll(async () => {
  await db?.drop()
})

operatorStoreContract('PostgreSQL', async () => {
  const pg = await PgDb.open(db.url, pgMigrations)
  await pg.query('TRUNCATE operators, sessions, api_tokens')
  return {
    operators: new PgOperatorStore(pg),
    deleteOperator: async (username) => {
      await pg.query('DELETE FROM operators WHERE username = $1', [username])
    },
    close: () => pg.close(),
  }
})
