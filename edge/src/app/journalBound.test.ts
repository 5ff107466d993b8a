import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { v7 as uuidv7 } from 'uuid'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../adapters/fake/manualClock.js'
import { SqliteJournal } from '../adapters/sqlite/sqliteJournal.js'
import type { DiskSpace } from '../ports/diskSpace.js'
import { FaultBoard } from './faults.js'
import { DISK_FAULT, JOURNAL_SIZE_FAULT, JournalBound } from './journalBound.js'

const DAY = 86_400_000
const NOW = Date.parse('2026-11-27T02:00:00Z')
const GIB = 1024 ** 3

/**
 * Medium tier: the journal's disk bound on a real SQLite file. Stored (acked) events go
 * oldest first, unsent ones never; the freed pages go back to the file system; the faults
 * come and go with the condition.
 */
describe('journal disk bound', () => {
  const open: SqliteJournal[] = []
  afterEach(async () => {
    for (const j of open.splice(0)) await j.close()
  })

  async function journalWith(stored: number, unsent: number, ageDays = 10) {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-journal-')), 'journal.db')
    const journal = await SqliteJournal.open(file, '339901001001')
    open.push(journal)
    const filler = 'x'.repeat(400)
    const ids: string[] = []
    for (let i = 0; i < stored + unsent; i++) {
      const e = await journal.append({
        id: uuidv7(),
        type: 'checkin',
        time: new Date(NOW - ageDays * DAY + i * 1000).toISOString(),
        body: { personId: `p-${i}`, method: 'card', note: filler },
      })
      ids.push(e.id)
    }
    await journal.markAcked(ids.slice(0, stored), NOW - DAY)
    return { file, journal, storedIds: ids.slice(0, stored), unsentIds: ids.slice(stored) }
  }

  const onDisk = (file: string) =>
    statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0)
  const pendingIds = async (journal: SqliteJournal) =>
    (await journal.pending({ afterSeq: 0, limit: 1_000_000 })).map((e) => e.id)

  function bound(journal: SqliteJournal, maxBytes: number, disk: { current: DiskSpace }) {
    const faults = new FaultBoard(new ManualClock(NOW))
    const b = new JournalBound(
      {
        journal,
        faults,
        clock: new ManualClock(NOW),
        log: pino({ level: 'silent' }),
        diskSpace: async () => disk.current,
      },
      { maxBytes, diskWarnFreeBytes: GIB },
    )
    return { b, faults }
  }

  it('over its bound: prunes the oldest stored events, keeps every unsent one, and frees the space', async () => {
    const { file, journal, storedIds, unsentIds } = await journalWith(2000, 500)
    const before = await journal.size()
    const fileBefore = onDisk(file)
    const maxBytes = Math.floor(before.usedBytes / 2)
    const { b, faults } = bound(journal, maxBytes, { current: { freeBytes: 50 * GIB, totalBytes: 64 * GIB } })

    const removed = await b.check()
    expect(removed).toBeGreaterThan(1000)
    expect(removed).toBeLessThan(2000)
    const after = await journal.size()
    expect(after.usedBytes).toBeLessThanOrEqual(maxBytes)
    expect(after.pendingEvents).toBe(500)
    expect(await pendingIds(journal)).toEqual(unsentIds)
    // the oldest went first: what is left of the stored ones is the newest of them
    const left = await journal.since('checkin', '2000-01-01T00:00:00Z', 10_000)
    const keptStored = left.map((e) => e.id).filter((id) => !unsentIds.includes(id))
    expect(keptStored).toEqual(storedIds.slice(storedIds.length - keptStored.length))
    // auto_vacuum=INCREMENTAL gave the pages back: the file itself is smaller
    expect(after.fileBytes).toBeLessThanOrEqual(after.usedBytes + 64 * 1024)
    expect(onDisk(file)).toBeLessThan(fileBefore * 0.7)
    expect(faults.list()).toEqual([])
  })

  it('unsent events alone over the bound: journalFull, still recording, cleared once they are sent', async () => {
    const { journal, unsentIds } = await journalWith(200, 1000)
    const disk = { current: { freeBytes: 50 * GIB, totalBytes: 64 * GIB } }
    const { b, faults } = bound(journal, 64 * 1024, disk)

    expect(await b.check()).toBe(200)
    expect(await pendingIds(journal)).toEqual(unsentIds)
    expect(faults.list()).toEqual([
      expect.objectContaining({
        device: JOURNAL_SIZE_FAULT,
        code: 'journalFull',
        message: expect.stringContaining('1000 events unsent'),
      }),
    ])
    // the kiosk keeps recording past its bound
    const more = await journal.append({
      id: uuidv7(),
      type: 'checkin',
      time: new Date(NOW).toISOString(),
      body: { personId: 'p-x', method: 'card' },
    })
    expect((await journal.size()).pendingEvents).toBe(1001)

    await journal.markAcked([...unsentIds, more.id], NOW)
    // the one recorded today stays (the last two days are never pruned); the rest go
    expect(await b.check()).toBe(1000)
    expect(faults.list()).toEqual([])
  })

  it('disk below its floor: diskLow before the disk fills, stored events pruned to make room', async () => {
    const { journal, unsentIds } = await journalWith(1000, 100)
    const size = await journal.size()
    const disk = { current: { freeBytes: GIB - 100 * 1024, totalBytes: 16 * GIB } }
    const { b, faults } = bound(journal, 512 * 1024 ** 2, disk)

    const removed = await b.check()
    expect(removed).toBeGreaterThan(0)
    expect((await journal.size()).usedBytes).toBeLessThanOrEqual(size.usedBytes - 100 * 1024)
    expect(await pendingIds(journal)).toEqual(unsentIds)
    // the figures come from the disk, which the test does not really free: still low
    expect(faults.list()).toEqual([
      expect.objectContaining({
        device: DISK_FAULT,
        code: 'diskLow',
        message: expect.stringContaining(`${GIB - 100 * 1024} bytes free`),
      }),
    ])
    disk.current = { freeBytes: 2 * GIB, totalBytes: 16 * GIB }
    expect(await b.check()).toBe(0)
    expect(faults.list()).toEqual([])
  })

  it('never prunes stored events of the last two days', async () => {
    const { journal } = await journalWith(300, 0, 1)
    const { b, faults } = bound(journal, 16 * 1024, {
      current: { freeBytes: 50 * GIB, totalBytes: 64 * GIB },
    })
    expect(await b.check()).toBe(0)
    expect(faults.list().map((f) => f.code)).toEqual(['journalFull'])
  })
})
