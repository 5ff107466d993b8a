import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { revocationStoreContract } from '../revocationStore.contract.js'
import { HubDb } from './hubDb.js'
import { SqliteRevocationStore } from './sqliteRevocationStore.js'

revocationStoreContract('SQLite', async () => {
  const db = await HubDb.open(join(mkdtempSync(join(tmpdir(), 'ejia-revocations-')), 'hub.db'))
  return { store: new SqliteRevocationStore(db), close: () => db.close() }
})
