import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabaseReadOnly } from '@ejia/platform'
import { v7 as uuidv7 } from 'uuid'
import { describe, expect, it } from 'vitest'
import { SqliteJournal } from './sqliteJournal.js'

/**
 * `append` resolving is the kiosk's promise that the event is on disk (it answers 201 on
 * it). The fault suite (test/faults, issue 10) found appends resolved before their commit
 * when several ran at once, and a kill -9 then lost an answered event and gave its seq to
 * the next. Here each append, as it resolves, must already be visible to another
 * connection: committed, not merely inserted inside a transaction still open.
 */
describe('SqliteJournal durability', () => {
  it('commits each of 60 concurrent appends before it resolves', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-journal-')), 'journal.db')
    const journal = await SqliteJournal.open(file, '339901001001')
    const other = await openDatabaseReadOnly(file)
    try {
      const seen = await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const e = await journal.append({
            id: uuidv7(),
            type: 'checkin',
            time: new Date().toISOString(),
            body: { personId: `p-${i}`, method: 'card' },
          })
          const row = await other.get<{ id: string }>('SELECT id FROM events WHERE seq = ?', e.seq)
          return row?.id === e.id ? e.seq : -e.seq
        }),
      )
      expect(seen.filter((s) => s < 0)).toEqual([])
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
    } finally {
      await other.close()
      await journal.close()
    }
  })
})
