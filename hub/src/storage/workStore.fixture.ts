import { afterEach, beforeEach } from 'vitest'
import type { ActivityPlan } from '../domain/activities/attendance.js'
import type { DutySchedule } from '../domain/duty/schedule.js'
import type { LedgerEvent, StationRecord, Storage } from './storage.js'
import { type Person, WorkError, type WorkStore } from './workStore.js'

export const T0 = Date.parse('2026-12-02T08:00:00Z')
export const TOWN1 = '339901001'
export const stations: StationRecord[] = [
  { id: '339901001001', name: '东岭村', tier: 'village', townCode: TOWN1, contact: null },
  { id: '339901001002', name: '西岭村', tier: 'village', townCode: TOWN1, contact: null },
  { id: '339901002001', name: '南岙村', tier: 'village', townCode: '339901002', contact: null },
]
export const [A, B, C] = stations.map((s) => s.id) as [string, string, string]

export const person = (personId: string, stationId: string, over: Partial<Person> = {}): Person => ({
  personId,
  stationId,
  name: `村民${personId}`,
  roles: ['member'],
  cards: [],
  qrTokens: [],
  fingerprints: [],
  pinHash: null,
  ...over,
})
export const alice = person('dl-001', A, {
  name: '李红',
  roles: ['member', 'cadre'],
  cards: ['0004A1B2C3'],
  qrTokens: ['qr-dl-001-a'],
  fingerprints: [3, 17],
  pinHash: 'scrypt$16384$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
})
export const bob = person('dl-002', A, { name: '王强', roles: ['villager'] })
// the same card number at another station is another card
export const carol = person('xl-001', B, { name: '张丽', cards: ['0004A1B2C3'] })
export const dan = person('na-001', C, { name: '陈军', roles: ['cadre'], fingerprints: [3] })

export const rota = (stationId: string, over: Partial<DutySchedule> = {}): DutySchedule => ({
  stationId,
  patterns: [{ weekday: 1, start: '09:00', end: '17:00', personIds: ['dl-001'] }],
  holidays: ['2026-10-01'],
  graceLateMin: 5,
  graceEarlyMin: 5,
  duplicateWithinMin: 3,
  ...over,
})

export const plan = (activityId: string, stationId: string, date: string, over: Partial<ActivityPlan> = {}) =>
  ({
    activityId,
    stationId,
    kind: 'themeDay',
    theme: 'service',
    title: '主题党日：环境整治',
    agenda: ['学习', '清扫'],
    date,
    expected: ['dl-001', 'dl-002'],
    quorum: { fraction: 0.5, strictlyMore: false },
    leave: [{ personId: 'dl-002', reason: '外出务工', approvedBy: 'dl-001' }],
    hours: 2,
    ...over,
  }) satisfies ActivityPlan

export const photoId = (c: string) => c.repeat(64)
export const at = (iso: string) => Date.parse(iso)

/** What a failed call threw, as a caller sees it. */
export const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof WorkError ? { code: e.code, message: e.message, problems: e.problems } : e),
  )

/** Opens a fresh, empty hub (ids from 1) whose work store reads the time from `now`. */
export type OpenWorkStore = (now: () => number) => Promise<{ storage: Storage; work: WorkStore }>

/** What each case of the WorkStore contract works with: the store, its ledger and its clock. */
export interface WorkHarness {
  readonly work: WorkStore
  readonly storage: Storage
  /** The time the store stamps audit entries with (T0 at the start of each case). */
  setClock(ms: number): void
  /** An event of the station's next sequence number, made at `time` and received 1.5 s later. */
  event(stationId: string, type: string, time: string, body: unknown): LedgerEvent
  /** Into the ledger one at a time, so that the order given is the order received. */
  ledger(...events: LedgerEvent[]): Promise<void>
  /** The audit trail, newest first, as [id, actor, action, detail]. */
  trail(limit?: number): Promise<unknown[][]>
}

/**
 * Registers the hooks that give each case a fresh hub, with the registry of `stations`
 * synced through the Storage port; call inside a describe.
 */
export function workHarness(open: OpenWorkStore): WorkHarness {
  let storage: Storage
  let work: WorkStore
  let clock = T0
  let eventNo = 0
  const seqs = new Map<string, number>()
  beforeEach(async () => {
    clock = T0
    eventNo = 0
    seqs.clear()
    ;({ storage, work } = await open(() => clock))
    await storage.syncRegistry(
      { code: '339901', name: '青山区' },
      [
        { code: TOWN1, name: '东岭镇' },
        { code: '339901002', name: '南岙镇' },
      ],
      stations,
    )
  })
  afterEach(async () => {
    await storage.close()
  })
  return {
    get work() {
      return work
    },
    get storage() {
      return storage
    },
    setClock(ms) {
      clock = ms
    },
    event(stationId, type, time, body) {
      const seq = (seqs.get(stationId) ?? 0) + 1
      seqs.set(stationId, seq)
      return {
        id: `0190a1b2-c3d4-7e5f-8a9b-${String(++eventNo).padStart(12, '0')}`,
        stationId,
        seq,
        type,
        time: new Date(time).toISOString(),
        body,
        receivedAt: at(time) + 1500,
      } as LedgerEvent
    },
    async ledger(...events) {
      for (const e of events) await storage.commitEvents([e])
    },
    async trail(limit = 100) {
      return (await work.auditLog(limit)).map((e) => [e.id, e.actor, e.action, e.detail])
    },
  }
}
