import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { v7 as uuidv7 } from 'uuid'
import { describe, expect, it } from 'vitest'
import { MemoryJournal } from '../adapters/fake/memoryJournal.js'
import { SqliteJournal } from '../adapters/sqlite/sqliteJournal.js'
import { describeJournal } from './journal.contract.js'

const STATION = '339901001001'
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'ejia-journal-')), 'journal.db')

describeJournal('MemoryJournal', async () => new MemoryJournal(STATION))
describeJournal('SqliteJournal', () => SqliteJournal.open(tempFile(), STATION))

describe('SqliteJournal on disk', () => {
  const entry = (i: number) => ({
    id: uuidv7(),
    type: 'checkin' as const,
    time: new Date(Date.UTC(2026, 10, 25, 1, 0, i)).toISOString(),
    body: { personId: `p-${i}`, method: 'card' },
  })

  it('keeps the sequence and the outbox across a reopen, and tells a clean close from a crash', async () => {
    const file = tempFile()
    const first = await SqliteJournal.open(file, STATION)
    expect(first.previousRunUnclean).toBe(false)
    await first.append(entry(1))
    await first.append(entry(2))
    await first.close()

    const second = await SqliteJournal.open(file, STATION)
    expect(second.previousRunUnclean).toBe(false)
    expect((await second.append(entry(3))).seq).toBe(3)
    // no close: as if the process were killed
    const third = await SqliteJournal.open(file, STATION)
    expect(third.previousRunUnclean).toBe(true)
    expect((await third.pending({ afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([1, 2, 3])
    await third.close()
    await second.close().catch(() => undefined)
  })

  it("refuses to open another station's journal", async () => {
    const file = tempFile()
    await (await SqliteJournal.open(file, STATION)).close()
    await expect(SqliteJournal.open(file, '339901001002')).rejects.toMatchObject({ code: 'wrongStation' })
  })
})
