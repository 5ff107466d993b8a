import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { alarmStoreContract } from '../alarmStore.contract.js'
import { SqliteAlarmStore } from './sqliteAlarmStore.js'
import { SqliteStorage } from './sqliteStorage.js'

alarmStoreContract('SQLite', async () => {
  const storage = await SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-alarms-')), 'hub.db'))
  return {
    storage,
    alarms: new SqliteAlarmStore(storage.db),
    audit: async () => {
      const rows = await storage.db.reader.all<
        { at: number; actor: string; action: string; detail: string }[]
      >('SELECT at, actor, action, detail FROM audit ORDER BY id')
      return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) }))
    },
  }
})
