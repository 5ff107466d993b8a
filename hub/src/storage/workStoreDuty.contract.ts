import { expect, it } from 'vitest'
import { A, at, B, failure, rota, T0, type WorkHarness } from './workStore.fixture.js'
import type { Correction, WorkError } from './workStore.js'

/** Duty rotas, corrections and the punches of a period (WorkStore contract). */
export function dutyCases(h: WorkHarness): void {
  it('keeps every rota version by station and the date it applies from, the last save of one standing', async () => {
    const first = rota(A)
    const december = rota(A, { validFrom: '2026-12-01', graceLateMin: 10 })
    const november = rota(A, {
      validFrom: '2026-11-01',
      extraWorkdays: [{ date: '2026-11-08', likeWeekday: 1 }],
    })
    const nightWatch = rota(B, {
      patterns: [{ weekday: 3, start: '20:00', end: '08:00', personIds: ['xl-001', 'xl-002'] }],
      offsetMin: 480,
    })
    await h.work.setSchedule(december, 'op-a')
    await h.work.setSchedule(nightWatch, 'op-b')
    await h.work.setSchedule(first, 'op-a')
    await h.work.setSchedule(november, 'op-a')
    const december2 = { ...december, graceEarlyMin: 15 }
    await h.work.setSchedule(december2, 'op-c')
    expect(await h.work.schedules()).toEqual([first, november, december2, nightWatch])
    expect(await h.trail()).toEqual([
      [5, 'op-c', 'duty.schedule', { stationId: A, validFrom: '2026-12-01' }],
      [4, 'op-a', 'duty.schedule', { stationId: A, validFrom: '2026-11-01' }],
      [3, 'op-a', 'duty.schedule', { stationId: A, validFrom: null }],
      [2, 'op-b', 'duty.schedule', { stationId: B, validFrom: null }],
      [1, 'op-a', 'duty.schedule', { stationId: A, validFrom: '2026-12-01' }],
    ])
  })

  it('takes duty corrections, decides each once, and lists them by station and status in id order', async () => {
    const req = (stationId: string, personId: string, direction: 'in' | 'out', when: string) => ({
      stationId,
      personId,
      direction,
      at: at(when),
      reason: '读卡器故障，补卡',
      requestedBy: `op-${stationId.slice(-3)}`,
      requestedAt: T0,
    })
    const r1 = req(A, 'dl-001', 'in', '2026-11-30T01:02:00Z')
    const r2 = req(B, 'xl-001', 'out', '2026-11-30T09:00:00Z')
    const r3 = req(A, 'dl-001', 'out', '2026-11-30T09:10:00Z')
    const r4 = req(A, 'dl-002', 'in', '2026-11-30T01:00:00Z')
    const ids = []
    for (const r of [r1, r2, r3, r4]) ids.push(await h.work.requestCorrection(r))
    expect(ids).toEqual([1, 2, 3, 4])
    const pending = { status: 'pending', decidedBy: null, decidedAt: null } as const
    const approved: Correction = {
      id: 1,
      ...r1,
      status: 'approved',
      decidedBy: 'op-town',
      decidedAt: T0 + 60_000,
    }
    const rejected: Correction = {
      id: 2,
      ...r2,
      status: 'rejected',
      decidedBy: 'op-town',
      decidedAt: T0 + 61_000,
    }
    expect(await h.work.decideCorrection(1, true, 'op-town', T0 + 60_000)).toEqual(approved)
    expect(await h.work.decideCorrection(2, false, 'op-town', T0 + 61_000)).toEqual(rejected)
    expect(await failure(h.work.decideCorrection(1, false, 'op-x', T0 + 62_000))).toEqual({
      code: 'alreadyDecided',
      message: 'correction 1 was already decided',
      problems: [],
    })
    expect(await failure(h.work.decideCorrection(99, true, 'op-x', T0))).toEqual({
      code: 'notFound',
      message: 'no correction 99',
      problems: [],
    })
    // two operators deciding one correction at once: the first decides, the second is told
    const both = await Promise.allSettled([
      h.work.decideCorrection(3, true, 'op-1', T0 + 70_000),
      h.work.decideCorrection(3, false, 'op-2', T0 + 70_001),
    ])
    const decided = both.find((s) => s.status === 'fulfilled') as PromiseFulfilledResult<Correction>
    const lost = both.find((s) => s.status === 'rejected') as PromiseRejectedResult
    expect((lost.reason as WorkError).code).toBe('alreadyDecided')
    const third = decided.value
    expect([third.status, third.decidedBy]).toEqual(
      third.status === 'approved' ? ['approved', 'op-1'] : ['rejected', 'op-2'],
    )

    const fourth = { id: 4, ...r4, ...pending }
    expect(await h.work.corrections()).toEqual([approved, rejected, third, fourth])
    expect(await h.work.corrections({ stationId: A })).toEqual([approved, third, fourth])
    expect(await h.work.corrections({ status: 'pending' })).toEqual([fourth])
    expect(await h.work.corrections({ stationId: A, status: 'approved' })).toEqual(
      [approved, third].filter((c) => c.status === 'approved'),
    )
    expect(await h.work.corrections({ stationId: B, status: 'pending' })).toEqual([])
    expect((await h.trail()).slice(-6).reverse()).toEqual([
      [1, 'op-001', 'duty.correction.request', { id: 1, ...r1 }],
      [2, 'op-002', 'duty.correction.request', { id: 2, ...r2 }],
      [3, 'op-001', 'duty.correction.request', { id: 3, ...r3 }],
      [4, 'op-001', 'duty.correction.request', { id: 4, ...r4 }],
      [5, 'op-town', 'duty.correction.approve', { id: 1 }],
      [6, 'op-town', 'duty.correction.reject', { id: 2 }],
    ])
    expect(await h.trail()).toHaveLength(7)
  })

  it('gives the duty punches of a period from the ledger and the approved corrections, by time', async () => {
    const punch = (stationId: string, personId: string, direction: 'in' | 'out', time: string) =>
      h.event(stationId, 'duty.punch', time, { personId, direction, method: 'card', score: 0.97 })
    await h.ledger(
      punch(A, 'dl-001', 'out', '2026-11-30T09:05:00Z'),
      punch(B, 'xl-001', 'in', '2026-11-30T01:00:00Z'),
      punch(A, 'dl-001', 'in', '2026-11-30T01:00:00Z'),
      punch(A, 'dl-003', 'in', '2026-11-29T16:00:00Z'),
      punch(A, 'dl-003', 'out', '2026-11-30T16:00:00Z'),
      punch(A, 'dl-003', 'in', '2026-11-29T15:59:59.999Z'),
      h.event(A, 'checkin', '2026-11-30T02:00:00Z', { personId: 'dl-001', method: 'card' }),
    )
    const corr = (stationId: string, personId: string, direction: 'in' | 'out', when: string) =>
      h.work.requestCorrection({
        stationId,
        personId,
        direction,
        at: at(when),
        reason: '忘记打卡',
        requestedBy: 'op',
        requestedAt: T0,
      })
    const ids = [
      await corr(B, 'xl-002', 'in', '2026-11-30T01:00:00Z'),
      await corr(A, 'dl-002', 'in', '2026-11-30T01:00:00Z'),
      await corr(A, 'dl-002', 'out', '2026-11-30T09:05:00Z'),
      await corr(A, 'dl-004', 'in', '2026-11-29T16:00:00Z'),
      await corr(A, 'dl-004', 'out', '2026-11-30T16:00:00Z'),
      await corr(A, 'dl-005', 'in', '2026-11-30T03:00:00Z'),
      await corr(A, 'dl-006', 'in', '2026-11-30T04:00:00Z'),
    ]
    for (const id of ids.slice(0, 5)) await h.work.decideCorrection(id, true, 'op-town', T0)
    await h.work.decideCorrection(ids[5] as number, false, 'op-town', T0)
    const p = (
      stationId: string,
      personId: string,
      direction: 'in' | 'out',
      when: string,
      source: string,
    ) => ({
      stationId,
      personId,
      direction,
      at: at(when),
      source,
    })
    // the local day of 30 November (UTC+8): from inclusive, to exclusive
    expect(await h.work.dutyPunches(at('2026-11-29T16:00:00Z'), at('2026-11-30T16:00:00Z'))).toEqual([
      p(A, 'dl-003', 'in', '2026-11-29T16:00:00Z', 'device'),
      p(A, 'dl-004', 'in', '2026-11-29T16:00:00Z', 'correction'),
      p(B, 'xl-001', 'in', '2026-11-30T01:00:00Z', 'device'),
      p(A, 'dl-001', 'in', '2026-11-30T01:00:00Z', 'device'),
      p(B, 'xl-002', 'in', '2026-11-30T01:00:00Z', 'correction'),
      p(A, 'dl-002', 'in', '2026-11-30T01:00:00Z', 'correction'),
      p(A, 'dl-001', 'out', '2026-11-30T09:05:00Z', 'device'),
      p(A, 'dl-002', 'out', '2026-11-30T09:05:00Z', 'correction'),
    ])
    expect(await h.work.dutyPunches(at('2026-11-30T16:00:00Z'), at('2026-12-01T16:00:00Z'))).toEqual([
      p(A, 'dl-003', 'out', '2026-11-30T16:00:00Z', 'device'),
      p(A, 'dl-004', 'out', '2026-11-30T16:00:00Z', 'correction'),
    ])
    expect(await h.work.dutyPunches(at('2026-12-01T16:00:00Z'), at('2026-12-02T16:00:00Z'))).toEqual([])
  })

  it('leaves out a device punch stamped later than it reached the hub: a clock running ahead', async () => {
    const punch = (personId: string, time: string, receivedAt: string) => ({
      ...h.event(A, 'duty.punch', time, { personId, direction: 'in', method: 'card' }),
      receivedAt: at(receivedAt),
    })
    await h.ledger(
      // a kiosk a day ahead: made on 30 November, stamped 1 December (issue 10, test/faults)
      punch('dl-001', '2026-12-01T00:25:00Z', '2026-11-30T00:25:02Z'),
      // 10 minutes fast: within the margin, it counts
      punch('dl-002', '2026-12-01T00:35:00Z', '2026-12-01T00:25:00Z'),
      // sent a day late after an outage: it counts at the time it was made
      punch('dl-003', '2026-12-01T00:20:00Z', '2026-12-02T08:00:00Z'),
    )
    expect(
      (await h.work.dutyPunches(at('2026-11-30T16:00:00Z'), at('2026-12-01T16:00:00Z'))).map(
        (p) => p.personId,
      ),
    ).toEqual(['dl-003', 'dl-002'])
  })

  it('leaves out a device punch sent by a kiosk whose clock was behind: a clock set back', async () => {
    const punch = (personId: string, time: string, sentSkewMs: number | undefined) => ({
      ...h.event(A, 'duty.punch', time, { personId, direction: 'in', method: 'card' }),
      receivedAt: at('2026-12-01T00:50:02Z'),
      ...(sentSkewMs === undefined ? {} : { sentSkewMs }),
    })
    await h.ledger(
      // came at 08:50 China time, the kiosk set back to say 08:25
      punch('db-001', '2026-12-01T00:25:00Z', 25 * 60_000),
      // 5 minutes slow: within the margin
      punch('db-002', '2026-12-01T00:45:00Z', 5 * 60_000),
      // stored before the hub kept the skew: judged on its device time alone
      punch('db-003', '2026-12-01T00:30:00Z', undefined),
    )
    expect(
      (await h.work.dutyPunches(at('2026-11-30T16:00:00Z'), at('2026-12-01T16:00:00Z'))).map(
        (p) => p.personId,
      ),
    ).toEqual(['db-003', 'db-002'])
  })
}
