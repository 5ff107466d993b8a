import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { integrityStoreContract } from '../integrityStore.contract.js'
import { SqliteIntegrityStore } from './sqliteIntegrityStore.js'
import { SqliteStorage } from './sqliteStorage.js'

integrityStoreContract('SQLite', async () => {
  const storage = await SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-integrity-')), 'hub.db'))
  return { store: new SqliteIntegrityStore(storage.db), storage, close: () => storage.close() }
})
