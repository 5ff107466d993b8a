import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { controlStoreContract } from '../controlStore.contract.js'
import { SqliteControlStore } from './sqliteControlStore.js'
import { SqliteStorage } from './sqliteStorage.js'

controlStoreContract('SQLite', async () => {
  const storage = await SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-control-')), 'hub.db'))
  return {
    store: new SqliteControlStore(storage.db),
    storage,
    audit: async () => {
      const rows = await storage.db.reader.all<
        { at: number; actor: string; action: string; detail: string }[]
      >('SELECT at, actor, action, detail FROM audit ORDER BY id')
      return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown }))
    },
    uniqueViolation: 'SQLITE_CONSTRAINT',
  }
})
