import type { Heartbeat } from '@ejia/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventKey, type LedgerEvent, type StationRecord, type Storage } from './storage.js'

const T0 = Date.parse('2026-11-25T01:00:00Z')

const stations: StationRecord[] = [
  { id: '339901001001', name: '东岭村', tier: 'village', townCode: '339901001', contact: null },
  {
    id: '339901001002',
    name: '西岭村',
    tier: 'village',
    townCode: '339901001',
    contact: { name: '王芳', phone: '13800000000' },
  },
  { id: '339901002001', name: '南岙村', tier: 'village', townCode: '339901002', contact: null },
]
const [A, B, C] = stations.map((s) => s.id) as [string, string, string]

/** A check-in, or (with `over`) any event: the ledger stores bodies as they came, whatever the type. */
const event = (stationId: string, seq: number, over: { type?: string; body?: unknown } = {}): LedgerEvent =>
  ({
    id: `0190a1b2-c3d4-7e5f-8a9b-${stationId.slice(-6)}${String(seq).padStart(6, '0')}`,
    stationId,
    seq,
    type: 'checkin',
    time: new Date(T0 + seq * 60_000).toISOString(),
    body: { personId: `${stationId}-p${seq % 3}`, method: 'card' },
    receivedAt: T0 + seq * 60_000 + 500,
    ...over,
  }) as LedgerEvent

const heartbeat: Heartbeat = {
  time: '2026-11-25T01:00:00.000Z',
  bootedAt: '2026-11-25T00:00:00.000Z',
  intervalS: 30,
  lastSeq: 12,
  backlog: { depth: 2, oldestUnsentAt: null, oldestUnsentAgeS: null, deadLetters: 0 },
  versions: { agent: '0.1.0', protocol: '1', config: '3' },
  faults: [
    { device: 'camera', code: 'noFrames', message: '摄像头无画面', since: '2026-11-25T00:30:00.000Z' },
  ],
}

/**
 * The contract of the hub's Storage port (storage.ts), run against each adapter: SQLite
 * (sqlite/sqliteStorage.test.ts) and PostgreSQL (postgres/pgStorage.test.ts). Both must
 * give the same answers to the same calls, down to the order of rows.
 */
export function storageContract(name: string, open: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage
    beforeEach(async () => {
      storage = await open()
      await storage.syncRegistry(
        { code: '339901', name: '青山区' },
        [
          { code: '339901001', name: '东岭镇' },
          { code: '339901002', name: '南岙镇' },
        ],
        stations,
      )
    })
    afterEach(async () => {
      await storage.close()
    })

    it('stores each event once, says which were new, and keeps each station’s summary', async () => {
      const first = await storage.commitEvents([event(A, 1), event(A, 2), event(B, 1)])
      expect([...first].sort()).toEqual(
        [eventKey(A, event(A, 1).id), eventKey(A, event(A, 2).id), eventKey(B, event(B, 1).id)].sort(),
      )
      // a resend of two with one new: only the new one is new
      const again = await storage.commitEvents([event(A, 2), event(B, 1), event(A, 4)])
      expect([...again]).toEqual([eventKey(A, event(A, 4).id)])
      expect(await storage.ledgerSummary(A)).toEqual({ stationId: A, events: 3, seqMax: 4 })
      expect(await storage.ledgerSummary(B)).toEqual({ stationId: B, events: 1, seqMax: 1 })
      expect(await storage.ledgerSummary('999999999999')).toBeUndefined()
      expect(
        (await storage.ledgerSummaries()).sort((x, y) => x.stationId.localeCompare(y.stationId)),
      ).toEqual([
        { stationId: A, events: 3, seqMax: 4 },
        { stationId: B, events: 1, seqMax: 1 },
        { stationId: C, events: 0, seqMax: 0 },
      ])
      expect(await storage.counters()).toMatchObject({ accepted: 4, duplicates: 2 })
    })

    it('stores each event once when overlapping batches commit at the same time', async () => {
      const batches = Array.from({ length: 6 }, (_, k) =>
        // each batch: 40 events of every station, overlapping the next batch by half, in varying order
        stations.flatMap((s) => Array.from({ length: 40 }, (_, i) => event(s.id, k * 20 + i + 1))).reverse(),
      )
      batches[1]?.reverse()
      batches[4]?.reverse()
      const results = await Promise.all(batches.map((b) => storage.commitEvents(b)))
      const stored = results.reduce((n, r) => n + r.size, 0)
      expect(stored).toBe(3 * 140)
      const keys = results.flatMap((r) => [...r])
      expect(new Set(keys).size).toBe(keys.length)
      for (const s of stations)
        expect(await storage.ledgerSummary(s.id)).toEqual({ stationId: s.id, events: 140, seqMax: 140 })
      expect(await storage.counters()).toMatchObject({ accepted: 420, duplicates: 6 * 120 - 420 })
    })

    it('keeps each event’s place in its chain, and finds it by seq or by id', async () => {
      const hashed = (seq: number) => ({
        ...event(A, seq),
        hash: `h${seq}`.padEnd(43, 'x'),
        ...(seq > 1 ? { prev: `h${seq - 1}`.padEnd(43, 'x'), sig: 's'.repeat(86) } : {}),
      })
      await storage.commitEvents([hashed(1), hashed(2), hashed(3), event(A, 4), event(B, 2)])
      const links = await storage.chainLinks(A, [2, 4, 9], [event(A, 1).id, event(B, 2).id])
      expect(links).toEqual([
        { seq: 1, id: event(A, 1).id, time: event(A, 1).time, hash: hashed(1).hash, prev: null },
        { seq: 2, id: event(A, 2).id, time: event(A, 2).time, hash: hashed(2).hash, prev: hashed(2).prev },
        { seq: 4, id: event(A, 4).id, time: event(A, 4).time, hash: null, prev: null },
      ])
      expect(await storage.chainLinks(C, [1], [])).toEqual([])
    })

    it('finds the first sequence number the ledger lacks', async () => {
      expect(await storage.firstMissingSeq(A)).toBe(1)
      await storage.commitEvents([2, 3].map((s) => event(A, s)))
      expect(await storage.firstMissingSeq(A)).toBe(1)
      await storage.commitEvents([1, 5, 6].map((s) => event(A, s)))
      expect(await storage.firstMissingSeq(A)).toBe(4)
      await storage.commitEvents([event(A, 4)])
      expect(await storage.firstMissingSeq(A)).toBe(7)
    })

    it('answers event queries by station, town, type, person and device time, in ingest order, a page at a time', async () => {
      await storage.commitEvents([event(A, 1), event(B, 1), event(C, 1)])
      await storage.commitEvents([
        event(A, 2, { type: 'duty.punch', body: { personId: `${A}-c1`, direction: 'in', method: 'card' } }),
        event(A, 3),
        event(C, 2),
      ])
      const all = await storage.queryEvents({ limit: 100 })
      expect(all.map((e) => [e.stationId, e.seq])).toEqual([
        [A, 1],
        [B, 1],
        [C, 1],
        [A, 2],
        [A, 3],
        [C, 2],
      ])
      expect(all[0]).toEqual({
        ingestId: all[0]?.ingestId,
        id: event(A, 1).id,
        stationId: A,
        seq: 1,
        type: 'checkin',
        time: event(A, 1).time,
        receivedAt: new Date(event(A, 1).receivedAt).toISOString(),
        body: event(A, 1).body,
      })
      const seqs = (q: Parameters<Storage['queryEvents']>[0]) =>
        storage.queryEvents(q).then((r) => r.map((e) => `${e.stationId.slice(-4)}/${e.seq}`))
      expect(await seqs({ stationId: A, limit: 100 })).toEqual(['1001/1', '1001/2', '1001/3'])
      expect(await seqs({ townCode: '339901002', limit: 100 })).toEqual(['2001/1', '2001/2'])
      expect(await seqs({ type: 'duty.punch', limit: 100 })).toEqual(['1001/2'])
      expect(await seqs({ personId: `${A}-p1`, limit: 100 })).toEqual(['1001/1'])
      expect(await seqs({ since: event(A, 2).time, until: event(A, 3).time, limit: 100 })).toEqual([
        '1001/2',
        '2001/2',
      ])
      const page = await storage.queryEvents({ limit: 2 })
      expect(await seqs({ after: page[1]?.ingestId as number, limit: 2 })).toEqual(['2001/1', '1001/2'])
      // a filter is a value, never SQL
      expect(await seqs({ stationId: `${A}' OR '1'='1`, limit: 100 })).toEqual([])
      expect(await seqs({ personId: "x') OR 1=1 --", limit: 100 })).toEqual([])
    })

    it('keeps rejects newest first, and counters added from several places', async () => {
      await storage.recordRejects([
        { at: T0, stationId: A, topic: `ejia/v1/${A}/events`, code: 'schema', detail: 'bad', excerpt: '{' },
        { at: T0 + 1, stationId: null, topic: 'x', code: 'badJson', detail: 'not json', excerpt: 'nope' },
      ])
      await storage.recordRejects([])
      const rejects = await storage.recentRejects(10)
      expect(rejects.map((r) => [r.code, r.stationId])).toEqual([
        ['badJson', null],
        ['schema', A],
      ])
      expect(rejects[1]).toMatchObject({ at: T0, topic: `ejia/v1/${A}/events`, detail: 'bad', excerpt: '{' })
      expect(await storage.recentRejects(1)).toHaveLength(1)
      await Promise.all([
        storage.addCounters({ 'rejected.schema': 2, 'denied.publish': 1 }),
        storage.addCounters({ 'rejected.schema': 3, zero: 0 }),
      ])
      expect(await storage.counters()).toEqual({ 'rejected.schema': 5, 'denied.publish': 1 })
    })

    it('keeps the registry, with stations that left it out of the list but their ledger kept', async () => {
      expect(await storage.listTowns()).toEqual([
        { code: '339901001', name: '东岭镇' },
        { code: '339901002', name: '南岙镇' },
      ])
      expect(await storage.listStations()).toEqual(stations)
      await storage.commitEvents([event(C, 1)])
      await storage.syncRegistry(
        { code: '339901', name: '青山区' },
        [{ code: '339901001', name: '东岭镇（新）' }],
        [{ ...stations[0]!, name: '东岭新村' }, stations[1]!],
      )
      expect((await storage.listStations()).map((s) => [s.id, s.name])).toEqual([
        [A, '东岭新村'],
        [B, '西岭村'],
      ])
      expect((await storage.listTowns()).find((t) => t.code === '339901001')?.name).toBe('东岭镇（新）')
      expect(await storage.ledgerSummary(C)).toEqual({ stationId: C, events: 1, seqMax: 1 })
      // back in the registry, back in the list
      await storage.syncRegistry({ code: '339901', name: '青山区' }, [], stations)
      expect((await storage.listStations()).map((s) => s.id)).toEqual([A, B, C])
    })

    it('saves and loads what the hub last knew of each station', async () => {
      await storage.saveStationStates([
        {
          id: A,
          connected: true,
          statusReason: 'connected',
          statusSince: '2026-11-25T00:59:00.000Z',
          lastSeenAt: T0,
          clockSkewMs: -1200,
          heartbeat,
        },
        {
          id: B,
          connected: false,
          statusReason: 'connectionLost',
          statusSince: null,
          lastSeenAt: null,
          clockSkewMs: null,
          heartbeat: null,
        },
      ])
      await storage.saveStationStates([])
      const states = (await storage.loadStationStates()).sort((x, y) => x.id.localeCompare(y.id))
      expect(states).toEqual([
        {
          id: A,
          connected: true,
          statusReason: 'connected',
          statusSince: '2026-11-25T00:59:00.000Z',
          lastSeenAt: T0,
          clockSkewMs: -1200,
          heartbeat,
        },
        {
          id: B,
          connected: false,
          statusReason: 'connectionLost',
          statusSince: null,
          lastSeenAt: null,
          clockSkewMs: null,
          heartbeat: null,
        },
        {
          id: C,
          connected: false,
          statusReason: null,
          statusSince: null,
          lastSeenAt: null,
          clockSkewMs: null,
          heartbeat: null,
        },
      ])
    })
  })
}
