import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabaseReadOnly } from '@ejia/platform'
import type { Event } from '@ejia/protocol'
import { eventHash, newJournalKey, publicKeyOf, verifyHash } from '@ejia/protocol/chain'
import { v7 as uuidv7 } from 'uuid'
import { describe, expect, it } from 'vitest'
import { editByHand } from '../../../../test/helpers/sqliteByHand.js'
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

const STATION = '339901001001'
const entry = (i: number) => ({
  id: uuidv7(),
  type: 'checkin' as const,
  time: new Date(Date.UTC(2026, 10, 25, 1, 0, i)).toISOString(),
  body: { personId: `p-${i}`, method: 'card', note: undefined },
})

/** True when each event links to the one before and its signature verifies. */
function chainHolds(events: readonly Event[], publicKey: string): boolean {
  const key = publicKeyOf(publicKey)
  return events.every((e, i) => {
    const before = events[i - 1]
    const linked = before === undefined || e.prev === eventHash(before)
    return linked && e.sig !== undefined && verifyHash(eventHash(e), e.sig, key)
  })
}

describe('SqliteJournal hash chain', () => {
  it('links each event to the one before and signs it, across a restart, as the hub will check', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-journal-')), 'journal.db')
    const key = newJournalKey()
    let journal = await SqliteJournal.open(file, STATION, key)
    expect(journal.publicKey).toBe(key.publicKey)
    const appended = await Promise.all([1, 2, 3, 4, 5].map((i) => journal.append(entry(i))))
    expect(appended[0]?.prev).toBeUndefined()
    await journal.close()
    journal = await SqliteJournal.open(file, STATION, key)
    await journal.append(entry(6))
    const sent = await journal.pending({ afterSeq: 0, limit: 10 })
    await journal.close()
    expect(sent.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6])
    // what the hub gets is JSON: the hash must not depend on anything JSON drops
    expect(chainHolds(JSON.parse(JSON.stringify(sent)), key.publicKey)).toBe(true)
    expect(chainHolds(sent, newJournalKey().publicKey)).toBe(false)
  })

  it('shows an event edited in the file by hand: its hash no longer matches its signature', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-journal-')), 'journal.db')
    const key = newJournalKey()
    const journal = await SqliteJournal.open(file, STATION, key)
    for (const i of [1, 2, 3]) await journal.append(entry(i))
    await editByHand(file, `UPDATE events SET body = json_set(body, '$.personId', 'p-9') WHERE seq = 2`)
    const sent = await journal.pending({ afterSeq: 0, limit: 10 })
    await journal.close()
    expect(chainHolds(sent, key.publicKey)).toBe(false)
    expect(chainHolds(sent.slice(0, 1), key.publicKey)).toBe(true)
  })

  it('keeps the newest event through retention, so the next one still has its link', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-journal-')), 'journal.db')
    const key = newJournalKey()
    const journal = await SqliteJournal.open(file, STATION, key)
    const events = [await journal.append(entry(1)), await journal.append(entry(2))]
    await journal.markAcked(
      events.map((e) => e.id),
      Date.now(),
    )
    expect(await journal.prune(Date.now() + 60_000)).toBe(1)
    expect((await journal.shrinkTo(0, Date.now() + 60_000)).removed).toBe(0)
    await journal.close()
    const reopened = await SqliteJournal.open(file, STATION, key)
    const next = await reopened.append(entry(3))
    await reopened.close()
    expect(next.seq).toBe(3)
    expect(next.prev).toBe(eventHash(events[1] as Event))
  })

  it('chains without signing when it has no key, and starts a chain after events from before it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-journal-')), 'journal.db')
    const unsigned = await SqliteJournal.open(file, STATION)
    const first = await unsigned.append(entry(1))
    await unsigned.close()
    expect(first.sig).toBeUndefined()
    // a journal from before the chain: rows without a hash
    await editByHand(file, 'UPDATE events SET hash = NULL, prev = NULL')
    const signed = await SqliteJournal.open(file, STATION, newJournalKey())
    const second = await signed.append(entry(2))
    await signed.close()
    expect(second.seq).toBe(2)
    expect(second.prev).toBeUndefined()
    expect(second.sig).toMatch(/^[A-Za-z0-9_-]{86}$/)
  })

  it('will not link to a newest row it did not sign: a row added by hand gets no vouching event after it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-journal-')), 'journal.db')
    const key = newJournalKey()
    let journal = await SqliteJournal.open(file, STATION, key)
    const [first] = [await journal.append(entry(1))]
    await journal.close()
    // a forger's row after it, linked and with a plausible hash, but no signature of the station's
    await editByHand(
      file,
      `INSERT INTO events (seq, id, type, time, body, recorded_at, prev, hash, sig)
       VALUES (2, '${uuidv7()}', 'checkin', '2026-11-25T01:00:02.000Z', '{"personId":"p-x","method":"card"}', 0,
               '${eventHash(first as Event)}', '${'h'.repeat(43)}', '${'s'.repeat(86)}')`,
    )
    journal = await SqliteJournal.open(file, STATION, key)
    expect(journal.tailRefused).toBe(2)
    const next = await journal.append(entry(3))
    await journal.close()
    expect([next.seq, next.prev]).toEqual([3, undefined])
    // untouched, it links as usual
    journal = await SqliteJournal.open(file, STATION, key)
    expect(journal.tailRefused).toBeUndefined()
    expect((await journal.append(entry(4))).prev).toBe(eventHash(next))
    await journal.close()
  })

  it('keeps the schema version an older agent knows, so one rolled back after an upgrade opens the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-journal-')), 'journal.db')
    const journal = await SqliteJournal.open(file, STATION, newJournalKey())
    await journal.append(entry(1))
    await journal.close()
    const db = await openDatabaseReadOnly(file)
    const version = await db.get<{ user_version: number }>('PRAGMA user_version')
    const columns = await db.all<{ name: string }[]>('PRAGMA table_info(events)')
    await db.close()
    expect(version?.user_version).toBe(1)
    expect(columns.map((c) => c.name)).toEqual(expect.arrayContaining(['prev', 'hash', 'sig']))
    // the older agent's rows, without the columns, and the chain starting again after them
    await editByHand(
      file,
      `INSERT INTO events (id, type, time, body, recorded_at) VALUES ('${uuidv7()}', 'checkin', '2026-11-25T02:00:00.000Z', '{}', 0)`,
    )
    const again = await SqliteJournal.open(file, STATION, newJournalKey())
    const next = await again.append(entry(3))
    await again.close()
    expect([next.seq, next.prev, again.tailRefused]).toEqual([3, undefined, undefined])
  })
})
