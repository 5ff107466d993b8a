import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storageContract } from '../storage.contract.js'
import { SqliteStorage } from './sqliteStorage.js'

storageContract('SQLite', () =>
  SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-storage-')), 'hub.db')),
)
