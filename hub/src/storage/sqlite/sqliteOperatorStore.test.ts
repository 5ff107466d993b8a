import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { operatorStoreContract } from '../operatorStore.contract.js'
import { SqliteOperatorStore } from './sqliteOperatorStore.js'
import { SqliteStorage } from './sqliteStorage.js'

operatorStoreContract('SQLite', async () => {
  const storage = await SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-operators-')), 'hub.db'))
  return {
    operators: new SqliteOperatorStore(storage.db),
    deleteOperator: (username) =>
      storage.db.transaction(async (db) => {
        await db.run('DELETE FROM operators WHERE username = ?', username)
      }),
    close: () => storage.close(),
  }
})
