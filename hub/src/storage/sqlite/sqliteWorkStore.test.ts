import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { workStoreContract } from '../workStore.contract.js'
import { SqliteStorage } from './sqliteStorage.js'
import { SqliteWorkStore } from './sqliteWorkStore.js'

workStoreContract('SQLite', async (now) => {
  const storage = await SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-work-')), 'hub.db'))
  return { storage, work: new SqliteWorkStore(storage.db, now) }
})
