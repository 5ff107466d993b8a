import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Event } from '@ejia/protocol'
import { eventHash, type JournalKey, newJournalKey, signHash } from '@ejia/protocol/chain'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { IntegrityFinding } from '../storage/integrityStore.js'
import { SqliteIntegrityStore } from '../storage/sqlite/sqliteIntegrityStore.js'
import { SqliteStorage } from '../storage/sqlite/sqliteStorage.js'
import { ChainCheck } from './chainCheck.js'
import { Counters } from './counters.js'

const STATION = '339901001001'
const T0 = Date.parse('2026-11-25T01:00:00Z')

/** A kiosk's journal in miniature: each event linked to the one before and signed. */
class Signer {
  private prev: string | undefined
  private seq = 0
  constructor(readonly key: JournalKey) {}

  next(over: { time?: string; body?: unknown; prev?: string | null } = {}): Event {
    this.seq++
    const content = {
      id: `0190a1b2-c3d4-7e5f-8a9b-${String(this.seq).padStart(12, '0')}`,
      stationId: STATION,
      seq: this.seq,
      time: over.time ?? new Date(T0 + this.seq * 60_000).toISOString(),
      type: 'checkin',
      body: over.body ?? { personId: `p-${this.seq}`, method: 'card' },
    } as Event
    const prev = over.prev === undefined ? this.prev : (over.prev ?? undefined)
    const e = (prev === undefined ? content : { ...content, prev }) as Event
    const hash = eventHash(e)
    this.prev = hash
    return { ...e, sig: signHash(hash, this.key.privateKey) } as Event
  }

  batch(n: number): Event[] {
    return Array.from({ length: n }, () => this.next())
  }
}

describe('ChainCheck', () => {
  let storage: SqliteStorage
  let integrity: SqliteIntegrityStore
  let chain: ChainCheck
  let alarmed: IntegrityFinding[]
  let counters: Counters

  beforeEach(async () => {
    storage = await SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-chain-')), 'hub.db'))
    integrity = new SqliteIntegrityStore(storage.db)
    counters = new Counters()
    alarmed = []
    chain = new ChainCheck({
      storage,
      integrity,
      counters,
      log: pino({ level: 'silent' }),
      onFindings: (f) => alarmed.push(...f),
    })
    await chain.start()
  })
  afterEach(async () => {
    chain.stop()
    await storage.close()
  })

  /** Admits, commits and checks a batch as EventIngest does; resolves with what it answered. */
  async function ingest(events: Event[], key: string | undefined, at = T0) {
    const admission = chain.admit(STATION, key, events, at)
    const inserted = await storage.commitEvents(admission.admitted.map((e) => ({ ...e, receivedAt: at })))
    await chain.afterCommit(STATION, admission.admitted, inserted, at)
    return { ...admission, inserted }
  }

  async function findings() {
    // stored in the background: wait for the writes queued so far
    await new Promise((r) => setTimeout(r, 50))
    return (await integrity.findings({ stationId: STATION, limit: 100 })).reverse()
  }

  it('pins the key of the first signed batch and takes a clean chain across batches without a finding', async () => {
    const kiosk = new Signer(newJournalKey())
    for (const n of [5, 1, 40]) {
      const r = await ingest(kiosk.batch(n), kiosk.key.publicKey)
      expect([r.admitted.length, r.rejected.length, r.held, r.inserted.size]).toEqual([n, 0, 0, n])
    }
    expect((await findings()).map((f) => f.kind)).toEqual(['keyPinned'])
    expect(alarmed).toEqual([])
    expect(chain.pinnedKey(STATION)).toBe(kiosk.key.publicKey)
    expect((await integrity.journalKeys())[0]).toMatchObject({ publicKey: kiosk.key.publicKey, firstSeq: 1 })
  })

  it('refuses an event whose content is not what the station signed, and only that one', async () => {
    const kiosk = new Signer(newJournalKey())
    const events = kiosk.batch(100)
    const edited = { ...events[57], body: { personId: 'p-999', method: 'card' } } as Event
    events[57] = edited
    const r = await ingest(events, kiosk.key.publicKey)
    expect(r.rejected).toEqual([
      { id: edited.id, code: 'badSignature', message: expect.stringContaining('seq 58') },
    ])
    expect(r.inserted.size).toBe(99)
    const f = await findings()
    expect(f.map((x) => [x.kind, x.seq])).toEqual([
      ['keyPinned', null],
      ['badSignature', 58],
    ])
    // kept whole for the auditors, the edited body included
    expect(f[1]?.event).toEqual(edited)
    expect(alarmed.map((x) => x.kind)).toEqual(['badSignature'])
  })

  it('refuses unsigned rows among signed ones, and holds events signed by another key until re-pinned', async () => {
    const kiosk = new Signer(newJournalKey())
    await ingest(kiosk.batch(3), kiosk.key.publicKey)
    // a row without a signature among signed ones is refused; an unsigned batch (an agent
    // rolled back to a release before signing) is kept, and flagged
    const { sig: _, ...unsigned } = kiosk.next()
    expect((await ingest([unsigned as Event], kiosk.key.publicKey)).rejected[0]?.code).toBe('unsigned')
    const { sig: _s, ...rolledBack } = kiosk.next()
    expect((await ingest([rolledBack as Event], undefined)).inserted.size).toBe(1)

    // the kiosk reinstalled with a new key: nothing stored, nothing refused, the kiosk sends again
    const reinstalled = new Signer(newJournalKey())
    const again = reinstalled.batch(2)
    for (const _ of [1, 2]) {
      const r = await ingest(again, reinstalled.key.publicKey)
      expect([r.admitted.length, r.rejected.length, r.held]).toEqual([0, 0, 2])
    }
    expect((await findings()).map((f) => f.kind)).toEqual(['keyPinned', 'unsigned', 'unsigned', 'keyChanged'])
    expect(await chain.unpin(STATION)).toBe(true)
    const r = await ingest(again, reinstalled.key.publicKey)
    expect([r.admitted.length, r.held]).toEqual([2, 0])
    expect(chain.pinnedKey(STATION)).toBe(reinstalled.key.publicKey)
  })

  it('flags an event sent again with other content, a broken link, a restarted chain and a back-dated event', async () => {
    const kiosk = new Signer(newJournalKey())
    const first = kiosk.batch(4)
    await ingest(first, kiosk.key.publicKey)

    // seq 2 rewritten and re-signed by someone holding the key, then sent again
    const key = kiosk.key
    const original = first[1] as Event
    const { sig: _s, ...content } = { ...original, body: { personId: 'p-x', method: 'card' } }
    const rewritten = { ...content, sig: signHash(eventHash(content as Event), key.privateKey) } as Event
    const resent = await ingest([rewritten], key.publicKey)
    expect(resent.inserted.size).toBe(0)

    // seq 5 linking to a seq 4 the hub never saw, seq 6 naming no previous event, seq 7 dated a day back
    const broken = kiosk.next({ prev: 'B'.repeat(43) })
    const restarted = kiosk.next({ prev: null })
    const backdated = kiosk.next({ time: new Date(T0 - 86_400_000).toISOString() })
    await ingest([broken], key.publicKey)
    await ingest([restarted, backdated], key.publicKey)
    expect((await findings()).map((f) => [f.kind, f.seq])).toEqual([
      ['keyPinned', null],
      ['edited', 2],
      ['chainBreak', 5],
      ['chainRestart', 6],
      ['backdated', 7],
    ])
  })

  it('checks links across restarts and out of order: a stored event that does not link to one arriving late', async () => {
    const kiosk = new Signer(newJournalKey())
    const events = kiosk.batch(6)
    await ingest([...events.slice(0, 2), ...events.slice(3)], kiosk.key.publicKey)
    // a fresh check, as after a hub restart: nothing in memory but the pinned key
    chain.stop()
    chain = new ChainCheck({
      storage,
      integrity,
      counters,
      log: pino({ level: 'silent' }),
      onFindings: () => {},
    })
    await chain.start()
    // seq 3 arrives late, forged by someone with the key: seq 4 stored before does not link to it
    const { sig: _, ...content } = { ...(events[2] as Event), body: { personId: 'p-forged', method: 'card' } }
    const forged = { ...content, sig: signHash(eventHash(content as Event), kiosk.key.privateKey) } as Event
    await ingest([forged], kiosk.key.publicKey)
    expect((await findings()).map((f) => [f.kind, f.seq])).toEqual([
      ['keyPinned', null],
      ['chainBreak', 4],
    ])
    // the genuine seq 3, sent after: the first content stays stored, and the second is flagged beside it
    const genuine = await ingest([events[2] as Event], kiosk.key.publicKey)
    expect(genuine.inserted.size).toBe(0)
    expect((await findings()).map((f) => [f.kind, f.seq])).toEqual([
      ['keyPinned', null],
      ['chainBreak', 4],
      ['edited', 3],
    ])
  })

  it('takes unsigned events from a station that never signed, and counts them', async () => {
    const kiosk = new Signer(newJournalKey())
    const unsigned = kiosk.batch(3).map(({ sig: _, ...e }) => e as Event)
    const r = await ingest(unsigned, undefined)
    expect(r.inserted.size).toBe(3)
    expect(await findings()).toEqual([])
    expect(await counters.totals(() => storage.counters())).toMatchObject({ 'integrity.unsigned': 3 })
  })
})
