import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Alarm, AlarmKind, AlarmStore } from './alarmStore.js'
import type { StationRecord, Storage } from './storage.js'
import { WorkError } from './workStore.js'

const T0 = Date.parse('2026-11-25T01:00:00Z')
const MIN = 60_000

const stations: StationRecord[] = [
  { id: '339901001001', name: '东岭村', tier: 'village', townCode: '339901001', contact: null },
  { id: '339901001002', name: '西岭村', tier: 'village', townCode: '339901001', contact: null },
  { id: '339901002001', name: '南岙村', tier: 'village', townCode: '339901002', contact: null },
]
const [A, B, C] = stations.map((s) => s.id) as [string, string, string]

/** An entry of the audit trail as the harness reads it back, oldest first. */
export interface AuditRow {
  at: number
  actor: string
  action: string
  detail: unknown
}

/** One adapter's alarm store, over a database of its own whose registry is `storage`'s. */
export interface AlarmHarness {
  storage: Storage
  alarms: AlarmStore
  audit(): Promise<AuditRow[]>
}

/** A raised alarm as it reads before anyone acts on it. */
const fresh = (
  id: number,
  kind: AlarmKind,
  stationId: string,
  raisedAt: number,
  detail: unknown,
  subject = '',
): Alarm => ({
  id,
  kind,
  stationId,
  subject,
  raisedAt,
  detail,
  clearedAt: null,
  clearReason: null,
  ackedBy: null,
  ackedAt: null,
  resolvedBy: null,
  resolvedAt: null,
  resolveNote: null,
})

const offline = { lastSeenAt: '2026-11-25T00:40:00.000Z', silentS: 1200 }
const camera = {
  device: 'camera',
  code: 'noFrames',
  message: '摄像头无画面',
  since: '2026-11-25T00:30:00.000Z',
}
const reader = { device: 'cardReader', code: 'noResponse', message: '读卡器无响应', since: null }
const unmanned = { shift: { start: '08:30', end: '11:30' }, onDuty: [], expected: ['3399010010010007'] }

/**
 * The contract of the AlarmStore port (alarmStore.ts), run against each adapter: SQLite
 * (sqlite/sqliteAlarmStore.test.ts) and PostgreSQL (postgres/pgAlarmStore.test.ts). Both
 * must give the same answers to the same calls, down to the order of rows and the audit
 * entries written.
 */
export function alarmStoreContract(name: string, open: () => Promise<AlarmHarness>): void {
  describe(`AlarmStore contract: ${name}`, () => {
    let h: AlarmHarness
    let alarms: AlarmStore
    beforeEach(async () => {
      h = await open()
      alarms = h.alarms
      await h.storage.syncRegistry(
        { code: '339901', name: '青山区' },
        [
          { code: '339901001', name: '东岭镇' },
          { code: '339901002', name: '南岙镇' },
        ],
        stations,
      )
    })
    afterEach(async () => {
      await h.storage.close()
    })

    it('raises at most one open alarm per kind, station and subject, and answers the open one', async () => {
      const a1 = await alarms.raise('offline', A, T0, offline)
      const a2 = await alarms.raise('deviceFault', A, T0 + 1000, camera, 'camera')
      const a3 = await alarms.raise('deviceFault', A, T0 + 2000, reader, 'cardReader')
      const a4 = await alarms.raise('unmanned', B, T0 + 3000, unmanned)
      const a5 = await alarms.raise('offline', B, T0 + 4000, null)
      expect([a1, a2, a3, a4, a5]).toEqual([a1, a2, a3, a4, a5].sort((x, y) => x - y))
      expect(new Set([a1, a2, a3, a4, a5]).size).toBe(5)
      // raised again while open: the open one, unchanged
      expect(await alarms.raise('offline', A, T0 + 5000, { silentS: 1500 })).toBe(a1)
      expect(await alarms.raise('deviceFault', A, T0 + 6000, camera, 'camera')).toBe(a2)
      expect(await alarms.get(a1)).toEqual(fresh(a1, 'offline', A, T0, offline))
      expect(await alarms.get(a3)).toEqual(fresh(a3, 'deviceFault', A, T0 + 2000, reader, 'cardReader'))
      expect(await alarms.get(a5)).toEqual(fresh(a5, 'offline', B, T0 + 4000, null))
      expect(await alarms.get(a5 + 1000)).toBeUndefined()
      expect(await alarms.active()).toEqual([
        fresh(a1, 'offline', A, T0, offline),
        fresh(a2, 'deviceFault', A, T0 + 1000, camera, 'camera'),
        fresh(a3, 'deviceFault', A, T0 + 2000, reader, 'cardReader'),
        fresh(a4, 'unmanned', B, T0 + 3000, unmanned),
        fresh(a5, 'offline', B, T0 + 4000, null),
      ])
      expect((await alarms.active('deviceFault')).map((a) => [a.id, a.subject])).toEqual([
        [a2, 'camera'],
        [a3, 'cardReader'],
      ])
      expect((await alarms.active('offline')).map((a) => a.id)).toEqual([a1, a5])
      expect(await alarms.active('clockSkew')).toEqual([])
      expect(await h.audit()).toEqual([])
    })

    it('clears an open alarm once, and raises a new one for the condition after that', async () => {
      const a1 = await alarms.raise('offline', A, T0, offline)
      const a2 = await alarms.raise('clockSkew', A, T0, { skewS: -95 })
      await alarms.clear(a1, T0 + 5 * MIN, 'online')
      // clearing again, or an unknown alarm, changes nothing
      await alarms.clear(a1, T0 + 9 * MIN, 'stale')
      await alarms.clear(a2 + 1000, T0 + 9 * MIN, 'online')
      expect(await alarms.get(a1)).toEqual({
        ...fresh(a1, 'offline', A, T0, offline),
        clearedAt: T0 + 5 * MIN,
        clearReason: 'online',
      })
      expect((await alarms.active()).map((a) => a.id)).toEqual([a2])
      const again = await alarms.raise('offline', A, T0 + 10 * MIN, { silentS: 600 })
      expect(again).toBeGreaterThan(a2)
      expect(await alarms.get(again)).toEqual(fresh(again, 'offline', A, T0 + 10 * MIN, { silentS: 600 }))
      expect((await alarms.active()).map((a) => a.id)).toEqual([a2, again])
      expect(await h.audit()).toEqual([])
    })

    it('keeps the first acknowledgement, audited once, and refuses an unknown alarm', async () => {
      const a1 = await alarms.raise('deviceFault', A, T0, camera, 'camera')
      const a2 = await alarms.raise('offline', B, T0, offline)
      const acked = await alarms.acknowledge(a1, 'zhang.wei', T0 + MIN)
      const expected = {
        ...fresh(a1, 'deviceFault', A, T0, camera, 'camera'),
        ackedBy: 'zhang.wei',
        ackedAt: T0 + MIN,
      }
      expect(acked).toEqual(expected)
      expect(await alarms.get(a1)).toEqual(expected)
      expect(await alarms.acknowledge(a1, 'li.na', T0 + 2 * MIN)).toEqual(expected)
      // acknowledged is still open
      expect((await alarms.active()).map((a) => [a.id, a.ackedBy])).toEqual([
        [a1, 'zhang.wei'],
        [a2, null],
      ])
      // a cleared alarm can still be acknowledged, and stays cleared
      await alarms.clear(a2, T0 + 3 * MIN, 'online')
      expect(await alarms.acknowledge(a2, 'li.na', T0 + 4 * MIN)).toEqual({
        ...fresh(a2, 'offline', B, T0, offline),
        clearedAt: T0 + 3 * MIN,
        clearReason: 'online',
        ackedBy: 'li.na',
        ackedAt: T0 + 4 * MIN,
      })
      const unknown = alarms.acknowledge(a2 + 1000, 'li.na', T0)
      await expect(unknown).rejects.toBeInstanceOf(WorkError)
      await expect(unknown).rejects.toMatchObject({ code: 'notFound' })
      expect(await h.audit()).toEqual([
        {
          at: T0 + MIN,
          actor: 'zhang.wei',
          action: 'alarm.ack',
          detail: { id: a1, kind: 'deviceFault', stationId: A, subject: 'camera' },
        },
        {
          at: T0 + 4 * MIN,
          actor: 'li.na',
          action: 'alarm.ack',
          detail: { id: a2, kind: 'offline', stationId: B, subject: '' },
        },
      ])
    })

    it('resolves with a note: an open alarm is cleared as resolved, a cleared one keeps its reason', async () => {
      const a1 = await alarms.raise('backlogAge', A, T0, { oldestUnsentAgeS: 7200 })
      const a2 = await alarms.raise('diskLow', C, T0, { freeBytes: 1_000_000 })
      await alarms.acknowledge(a1, 'zhang.wei', T0 + MIN)
      const note = '已重启上传服务，积压清空'
      const resolved = await alarms.resolve(a1, 'wang.fang', T0 + 2 * MIN, note)
      const expected: Alarm = {
        ...fresh(a1, 'backlogAge', A, T0, { oldestUnsentAgeS: 7200 }),
        ackedBy: 'zhang.wei',
        ackedAt: T0 + MIN,
        clearedAt: T0 + 2 * MIN,
        clearReason: 'resolved',
        resolvedBy: 'wang.fang',
        resolvedAt: T0 + 2 * MIN,
        resolveNote: note,
      }
      expect(resolved).toEqual(expected)
      expect(await alarms.get(a1)).toEqual(expected)
      // resolving twice keeps the first, audited once
      expect(await alarms.resolve(a1, 'li.na', T0 + 3 * MIN, 'again')).toEqual(expected)
      expect((await alarms.active()).map((a) => a.id)).toEqual([a2])

      await alarms.clear(a2, T0 + 4 * MIN, 'diskOk')
      expect(await alarms.resolve(a2, 'li.na', T0 + 5 * MIN, '清理了旧照片')).toEqual({
        ...fresh(a2, 'diskLow', C, T0, { freeBytes: 1_000_000 }),
        clearedAt: T0 + 4 * MIN,
        clearReason: 'diskOk',
        resolvedBy: 'li.na',
        resolvedAt: T0 + 5 * MIN,
        resolveNote: '清理了旧照片',
      })
      const unknown = alarms.resolve(a2 + 1000, 'li.na', T0, 'x')
      await expect(unknown).rejects.toBeInstanceOf(WorkError)
      await expect(unknown).rejects.toMatchObject({ code: 'notFound' })
      // the condition still holding raises a new alarm
      const again = await alarms.raise('backlogAge', A, T0 + 6 * MIN, { oldestUnsentAgeS: 60 })
      expect(again).not.toBe(a1)
      expect((await alarms.active()).map((a) => a.id)).toEqual([again])
      expect(await h.audit()).toEqual([
        {
          at: T0 + MIN,
          actor: 'zhang.wei',
          action: 'alarm.ack',
          detail: { id: a1, kind: 'backlogAge', stationId: A, subject: '' },
        },
        {
          at: T0 + 2 * MIN,
          actor: 'wang.fang',
          action: 'alarm.resolve',
          detail: { id: a1, kind: 'backlogAge', stationId: A, subject: '', note },
        },
        {
          at: T0 + 5 * MIN,
          actor: 'li.na',
          action: 'alarm.resolve',
          detail: { id: a2, kind: 'diskLow', stationId: C, subject: '', note: '清理了旧照片' },
        },
      ])
    })

    it('tells the latest resolution of each kind, station and subject since a time', async () => {
      const resolveAt = async (kind: AlarmKind, stationId: string, subject: string, at: number) => {
        const id = await alarms.raise(kind, stationId, at - MIN, {}, subject)
        await alarms.resolve(id, 'zhang.wei', at, '处理')
      }
      await resolveAt('deviceFault', A, 'camera', T0)
      await resolveAt('deviceFault', A, 'camera', T0 + 10 * MIN)
      await resolveAt('deviceFault', A, 'cardReader', T0 + 5 * MIN)
      await resolveAt('offline', B, '', T0 + 2 * MIN)
      await resolveAt('offline', C, '', T0 - 1)
      // cleared by its rule, never resolved by a person
      const cleared = await alarms.raise('clockSkew', A, T0, {})
      await alarms.clear(cleared, T0 + 3 * MIN, 'clockOk')
      const byKey = (r: { kind: string; stationId: string; subject: string }) =>
        `${r.kind}/${r.stationId}/${r.subject}`
      // the port promises no order
      const since = async (t: number) =>
        (await alarms.resolvedSince(t)).sort((x, y) => byKey(x).localeCompare(byKey(y)))
      expect(await since(T0)).toEqual([
        { kind: 'deviceFault', stationId: A, subject: 'camera', resolvedAt: T0 + 10 * MIN },
        { kind: 'deviceFault', stationId: A, subject: 'cardReader', resolvedAt: T0 + 5 * MIN },
        { kind: 'offline', stationId: B, subject: '', resolvedAt: T0 + 2 * MIN },
      ])
      expect(await since(T0 + 5 * MIN)).toEqual([
        { kind: 'deviceFault', stationId: A, subject: 'camera', resolvedAt: T0 + 10 * MIN },
        { kind: 'deviceFault', stationId: A, subject: 'cardReader', resolvedAt: T0 + 5 * MIN },
      ])
      expect(await since(T0 + 10 * MIN + 1)).toEqual([])
    })

    it('counts open alarms by kind, acknowledged and not', async () => {
      expect(await alarms.openCounts()).toEqual([])
      const ids = [
        await alarms.raise('offline', A, T0, offline),
        await alarms.raise('offline', B, T0, offline),
        await alarms.raise('offline', C, T0, offline),
        await alarms.raise('deviceFault', A, T0, camera, 'camera'),
        await alarms.raise('unmanned', B, T0, unmanned),
        await alarms.raise('ledgerGap', C, T0, { missingFrom: 17 }),
      ] as const
      await alarms.acknowledge(ids[0], 'zhang.wei', T0 + 1)
      await alarms.acknowledge(ids[1], 'zhang.wei', T0 + 1)
      await alarms.acknowledge(ids[4], 'li.na', T0 + 1)
      await alarms.clear(ids[1], T0 + 2, 'online')
      await alarms.resolve(ids[5], 'li.na', T0 + 3, '补传完成')
      // the port promises no order
      const counts = (await alarms.openCounts()).sort((x, y) => x.kind.localeCompare(y.kind))
      expect(counts).toEqual([
        { kind: 'deviceFault', acked: 0, unacked: 1 },
        { kind: 'offline', acked: 1, unacked: 1 },
        { kind: 'unmanned', acked: 1, unacked: 0 },
      ])
    })

    it('lists alarms newest first by state, kind, station, town and raise time, up to a limit', async () => {
      const a1 = await alarms.raise('offline', A, T0, offline)
      const a2 = await alarms.raise('deviceFault', A, T0 + MIN, camera, 'camera')
      const a3 = await alarms.raise('offline', B, T0 + 2 * MIN, offline)
      const a4 = await alarms.raise('unmanned', C, T0 + 3 * MIN, unmanned)
      const a5 = await alarms.raise('offline', C, T0 + 4 * MIN, offline)
      await alarms.clear(a1, T0 + 5 * MIN, 'online')
      await alarms.resolve(a4, 'li.na', T0 + 6 * MIN, '已到岗')
      const ids = (f: Omit<Parameters<AlarmStore['list']>[0], 'limit'>, limit = 100) =>
        alarms.list({ ...f, limit }).then((r) => r.map((a) => a.id))
      expect(await ids({})).toEqual([a5, a4, a3, a2, a1])
      expect(await ids({}, 2)).toEqual([a5, a4])
      expect(await ids({ active: true })).toEqual([a5, a3, a2])
      expect(await ids({ active: false })).toEqual([a4, a1])
      expect(await ids({ kind: 'offline' })).toEqual([a5, a3, a1])
      expect(await ids({ kind: 'offline', active: true }, 1)).toEqual([a5])
      expect(await ids({ stationId: A })).toEqual([a2, a1])
      expect(await ids({ townCode: '339901001' })).toEqual([a3, a2, a1])
      expect(await ids({ townCode: '339901002', kind: 'offline' })).toEqual([a5])
      expect(await ids({ townCode: '339901003' })).toEqual([])
      // from is inclusive, to exclusive
      expect(await ids({ from: T0 + MIN, to: T0 + 3 * MIN })).toEqual([a3, a2])
      expect(await ids({ from: T0 + 4 * MIN })).toEqual([a5])
      expect(await ids({ to: T0 + MIN })).toEqual([a1])
      expect(await ids({ stationId: C, from: T0, to: T0 + 4 * MIN, active: false })).toEqual([a4])
      const [listed] = await alarms.list({ kind: 'unmanned', limit: 10 })
      expect(listed).toEqual(await alarms.get(a4))
      expect(listed).toMatchObject({ resolvedBy: 'li.na', clearReason: 'resolved', resolveNote: '已到岗' })
      // a filter is a value, never SQL
      expect(await ids({ stationId: `${A}' OR '1'='1` })).toEqual([])
      expect(await ids({ townCode: "x') OR 1=1 --" })).toEqual([])
      expect(await ids({ kind: "offline' OR kind <> '" as AlarmKind })).toEqual([])
    })

    it('gives one open alarm when the same alarm is raised several times at once', async () => {
      // reads at once first, so that a pooled adapter has its connections open and the raises do race
      await Promise.all(Array.from({ length: 8 }, () => alarms.active()))
      const ids = await Promise.all(
        Array.from({ length: 12 }, (_, i) => alarms.raise('deviceFault', A, T0 + i, camera, 'camera')),
      )
      expect(new Set(ids).size).toBe(1)
      const [id] = ids as [number]
      expect(await alarms.active()).toEqual([
        expect.objectContaining({ id, kind: 'deviceFault', stationId: A, subject: 'camera' }),
      ])
      // at once for different subjects and stations: one each
      const many = await Promise.all(
        [A, B, C].flatMap((s) =>
          ['camera', 'cardReader', 'fingerprint'].map((d) => alarms.raise('deviceFault', s, T0, {}, d)),
        ),
      )
      expect(new Set(many).size).toBe(9)
      expect(many[0]).toBe(id)
      expect(await alarms.openCounts()).toEqual([{ kind: 'deviceFault', acked: 0, unacked: 9 }])
    })

    it('answers every raise with an alarm that was open, while the rule clears it at once', async () => {
      await Promise.all(Array.from({ length: 8 }, () => alarms.active()))
      // the race is a matter of timing: run it on several subjects
      for (const subject of ['camera', 'cardReader', 'fingerprint', 'printer', 'speaker']) {
        const first = await alarms.raise('deviceFault', A, T0, camera, subject)
        const raised = await Promise.all([
          alarms.raise('deviceFault', A, T0 + 1, camera, subject),
          alarms.clear(first, T0 + 2, 'recovered').then(() => first),
          ...Array.from({ length: 8 }, (_, i) => alarms.raise('deviceFault', A, T0 + 3 + i, camera, subject)),
        ])
        for (const id of raised) expect(await alarms.get(id)).toMatchObject({ kind: 'deviceFault', subject })
        const later = new Set(raised.filter((id) => id !== first))
        // at most one alarm raised after the clear, and it is the open one
        expect(later.size).toBeLessThanOrEqual(1)
        expect((await alarms.active()).filter((a) => a.subject === subject).map((a) => a.id)).toEqual([
          ...later,
        ])
        expect(await alarms.get(first)).toMatchObject({ clearedAt: T0 + 2, clearReason: 'recovered' })
      }
    })

    it('keeps the first of two people acknowledging or resolving at once, audited once', async () => {
      await Promise.all(Array.from({ length: 8 }, () => alarms.active()))
      const id = await alarms.raise('offline', A, T0, offline)
      const acks = await Promise.all([
        alarms.acknowledge(id, 'zhang.wei', T0 + 1),
        alarms.acknowledge(id, 'li.na', T0 + 2),
        alarms.acknowledge(id, 'wang.fang', T0 + 3),
      ])
      const [first] = acks
      expect(['zhang.wei', 'li.na', 'wang.fang']).toContain(first.ackedBy)
      for (const a of acks) expect(a).toEqual(first)
      expect(await alarms.get(id)).toEqual(first)
      const resolutions = await Promise.all([
        alarms.resolve(id, 'zhang.wei', T0 + 10, 'a'),
        alarms.resolve(id, 'li.na', T0 + 20, 'b'),
      ])
      expect(resolutions[1]).toEqual(resolutions[0])
      expect(await alarms.get(id)).toEqual(resolutions[0])
      const log = await h.audit()
      expect(log.map((e) => e.action)).toEqual(['alarm.ack', 'alarm.resolve'])
      expect(log[0]).toMatchObject({ actor: first.ackedBy, at: first.ackedAt })
      expect(log[1]).toMatchObject({
        actor: resolutions[0].resolvedBy,
        at: resolutions[0].resolvedAt,
        detail: { id, kind: 'offline', stationId: A, subject: '', note: resolutions[0].resolveNote },
      })
    })
  })
}
