import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { SqliteStorage } from './sqliteStorage.js'

let storage: SqliteStorage
beforeAll(async () => {
  storage = await SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-person-')), 'hub.db'))
})
afterAll(() => storage.close())

/** A person's records come from the index, not a scan of a ledger of millions of events. */
it('searches the ledger by person through its index', async () => {
  const sql =
    "SELECT * FROM events WHERE ingest_id > ? AND json_extract(body, '$.personId') = ? ORDER BY ingest_id LIMIT ?"
  const plan = await storage.db.reader.all<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, 0, 'p', 10)
  expect(plan.map((p) => p.detail).join(' | ')).toMatch(/USING INDEX events_by_person/)
  // and the query the API runs is that one
  const q = await storage.queryEvents({ personId: 'nobody', limit: 10 })
  expect(q).toEqual([])
})
