import { describe, expect, it } from 'vitest'
import {
  type Condition,
  type DenialSummary,
  fleetConditions,
  DEFAULT_FLEET_ALARM_RULES as rules,
  type StationHealth,
  stepFleetAlarms,
} from './fleetAlarms.js'

const T0 = Date.parse('2026-11-27T01:00:00Z')
const MIN = 60_000
const healthy: StationHealth = {
  id: 's1',
  status: 'online',
  offlineReason: null,
  lastSeen: new Date(T0).toISOString(),
  backlog: 0,
  oldestUnsentAgeS: null,
  clockSkewS: 0.2,
  faults: [],
  disk: { freeBytes: 8 * 1024 ** 3, totalBytes: 16 * 1024 ** 3 },
}
const conditions = (s: Partial<StationHealth>, now: number, denied = new Map<string, DenialSummary>()) =>
  fleetConditions([{ ...healthy, ...s }], denied, new Map(), now, rules)
const step = (
  cs: Condition[],
  now: number,
  open: { id: number; kind: any; subject?: string }[] = [],
  resolved: any[] = [],
) =>
  stepFleetAlarms(
    cs,
    open.map((a) => ({ stationId: 's1', subject: '', ...a })),
    resolved,
    new Set(['s1']),
    now,
    rules.reraiseAfterResolveMs,
  )
const raised = (changes: ReturnType<typeof step>) =>
  changes.flatMap((c) => (c.kind === 'raise' ? [`${c.condition.kind}:${c.condition.subject}`] : []))

describe('fleet alarm rules', () => {
  it('holds nothing for a healthy station', () => {
    expect(conditions({}, T0)).toEqual([])
  })

  it('raises offline 30 minutes after the station was last heard, counted from then', () => {
    const off = { status: 'offline' as const, offlineReason: 'connectionLost' }
    expect(raised(step(conditions(off, T0 + 30 * MIN - 1), T0 + 30 * MIN - 1))).toEqual([])
    expect(raised(step(conditions(off, T0 + 30 * MIN), T0 + 30 * MIN))).toEqual(['offline:'])
    expect(conditions({ status: 'never', lastSeen: null }, T0 + 600 * MIN)).toEqual([])
  })

  it('holds a fault from its own since, brought to hub time with the clock skew', () => {
    // the kiosk's clock is 5 minutes fast: its fault began 5 minutes before the time it says
    const fault = { device: 'camera', code: 'noFrames', message: '', since: new Date(T0).toISOString() }
    const at = (t: number) => raised(step(conditions({ clockSkewS: 300, faults: [fault] }, t), t))
    expect(at(T0 + 5 * MIN - 1)).toEqual(['clockSkew:'])
    expect(at(T0 + 5 * MIN)).toEqual(['clockSkew:', 'deviceFault:camera'])
  })

  it('takes the larger of 1 GiB and 5 % as the low-disk line', () => {
    const disk = (freeGiB: number, totalGiB: number) => ({
      disk: { freeBytes: freeGiB * 1024 ** 3, totalBytes: totalGiB * 1024 ** 3 },
    })
    expect(conditions(disk(0.9, 8), T0).map((c) => c.kind)).toEqual(['diskLow'])
    expect(conditions(disk(1.1, 8), T0)).toEqual([])
    expect(conditions(disk(4, 100), T0).map((c) => c.kind)).toEqual(['diskLow'])
  })

  it('raises a ledger gap once it has held for 15 minutes since first seen', () => {
    const firstSeen = new Map<string, number>()
    const at = (t: number) =>
      raised(step(fleetConditions([{ ...healthy, ledgerMissing: 15 }], new Map(), firstSeen, t, rules), t))
    expect(at(T0)).toEqual([])
    expect(at(T0 + 15 * MIN - 1)).toEqual([])
    expect(at(T0 + 15 * MIN)).toEqual(['ledgerGap:'])
    expect(conditions({ ledgerMissing: null }, T0)).toEqual([])
  })

  it('raises denied logins at the count and keeps the alarm until a quiet window', () => {
    const denied = (count: number) =>
      new Map([
        ['s1', { count, firstAt: T0, lastAt: T0, reasons: {}, clientIds: [], usernames: [], addresses: [] }],
      ])
    expect(raised(step(conditions({}, T0, denied(4)), T0))).toEqual([])
    expect(raised(step(conditions({}, T0, denied(5)), T0))).toEqual(['deniedLogins:'])
    const open = [{ id: 3, kind: 'deniedLogins' }]
    expect(step(conditions({}, T0, denied(1)), T0, open)).toEqual([])
    expect(step(conditions({}, T0, new Map()), T0, open)).toEqual([
      { kind: 'clear', alarm: expect.objectContaining({ id: 3 }), reason: 'quiet' },
    ])
  })

  it('raises a broker flood once its throttles span a minute, and clears it when the guard forgets it', () => {
    const flood = (spanMs: number) =>
      new Map([
        [
          's1',
          {
            firstAt: T0,
            lastAt: T0 + spanMs,
            count: 40,
            byKind: { connect: 30, publish: 10, bytes: 0 },
            addresses: ['10.0.0.9'],
          },
        ],
      ])
    const at = (spanMs: number) => {
      const now = T0 + spanMs
      return step(fleetConditions([healthy], new Map(), new Map(), now, rules, flood(spanMs)), now)
    }
    // a burst throttled and over: held, not raised
    expect(raised(at(rules.brokerFloodHoldMs - 1))).toEqual([])
    const changes = at(rules.brokerFloodHoldMs)
    expect(raised(changes)).toEqual(['brokerFlood:'])
    expect(changes[0]).toMatchObject({
      condition: { since: T0, detail: { count: 40, byKind: { connect: 30 }, addresses: ['10.0.0.9'] } },
    })
    // the guard forgets a flood after its quiet time: the alarm clears
    const open = [{ id: 7, kind: 'brokerFlood' }]
    expect(step(conditions({}, T0 + 20 * MIN), T0 + 20 * MIN, open)).toEqual([
      { kind: 'clear', alarm: expect.objectContaining({ id: 7 }), reason: 'rateNormal' },
    ])
  })

  it('waits after a person resolved an alarm whose condition still holds, not after a new episode', () => {
    const off = { status: 'offline' as const, offlineReason: 'shutdown' }
    const resolvedAt = T0 + 40 * MIN
    const resolved = [{ kind: 'offline', stationId: 's1', subject: '', resolvedAt }]
    const later = (ms: number) =>
      raised(step(conditions(off, resolvedAt + ms), resolvedAt + ms, [], resolved))
    expect(later(MIN)).toEqual([])
    expect(later(rules.reraiseAfterResolveMs)).toEqual(['offline:'])
    // back online and offline again after the resolution: a new episode goes off as usual
    const again = { ...off, lastSeen: new Date(resolvedAt + MIN).toISOString() }
    const at = resolvedAt + 32 * MIN
    expect(raised(step(conditions(again, at), at, [], resolved))).toEqual(['offline:'])
  })

  it('clears an alarm whose condition ended, or whose station left the registry', () => {
    const open = [
      { id: 1, kind: 'clockSkew' },
      { id: 2, kind: 'deviceFault', subject: 'camera' },
    ]
    expect(step([], T0, open).map((c) => (c.kind === 'clear' ? c.reason : c.kind))).toEqual([
      'clockOk',
      'faultGone',
    ])
    const gone = stepFleetAlarms(
      [],
      [{ id: 9, kind: 'offline', stationId: 'old', subject: '' }],
      [],
      new Set(['s1']),
      T0,
      rules.reraiseAfterResolveMs,
    )
    expect(gone).toEqual([
      { kind: 'clear', alarm: expect.objectContaining({ id: 9 }), reason: 'stationRemoved' },
    ])
  })
})
