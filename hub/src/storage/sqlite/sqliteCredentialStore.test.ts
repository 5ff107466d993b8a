import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { credentialStoreContract } from '../credentialStore.contract.js'
import { HubDb } from './hubDb.js'
import { SqliteCredentialStore } from './sqliteCredentialStore.js'

credentialStoreContract('SQLite', async () => {
  const db = await HubDb.open(join(mkdtempSync(join(tmpdir(), 'ejia-credentials-')), 'hub.db'))
  return { store: new SqliteCredentialStore(db), close: () => db.close() }
})
