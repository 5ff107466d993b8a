import { describe, expect, it } from 'vitest'
import { type ActivityPlan, attendance, defaultQuorum, stillAbsent } from './attendance.js'
import { studyStatus } from './studyHours.js'

const plan = (over: Partial<ActivityPlan> = {}): ActivityPlan => ({
  activityId: 'a1',
  stationId: '339901001001',
  kind: 'branchAssembly',
  title: '支部党员大会',
  agenda: ['学习', '表决'],
  date: '2026-11-25',
  expected: ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'],
  quorum: defaultQuorum('branchAssembly'),
  leave: [{ personId: 'm6', reason: '外出务工', approvedBy: 'c1' }],
  hours: 2,
  ...over,
})
const s = (personId: string, method = 'card', at = 1, vouchedBy?: string) => ({
  personId,
  method,
  at,
  ...(vouchedBy ? { vouchedBy } : {}),
})

describe('attendance and quorum', () => {
  it('counts each person once, vouched apart, leave out of the rate but not the quorum', () => {
    const r = attendance(plan(), [
      s('m1'),
      s('m1', 'face', 2),
      s('m2', 'face'),
      s('m3', 'vouch', 3, 'c1'),
      s('guest'),
    ])
    expect(r).toEqual({
      activityId: 'a1',
      expected: 6,
      onLeave: 1,
      present: 2,
      vouched: 1,
      absent: ['m4', 'm5'],
      unexpected: ['guest'],
      attendanceRate: 0.6, // 3 of the 5 not on leave
      quorumMet: false, // 3 is not more than half of 6
    })
    expect(attendance(plan(), [s('m1'), s('m2'), s('m3'), s('m4')]).quorumMet).toBe(true)
  })

  it('counts someone on leave who comes anyway as present, not on leave', () => {
    const r = attendance(plan(), [s('m6'), s('m1')])
    expect(r).toMatchObject({
      onLeave: 0,
      present: 2,
      absent: ['m2', 'm3', 'm4', 'm5'],
      attendanceRate: 0.3333,
    })
  })

  it('has no quorum for a lecture, and a full rate when nobody was required', () => {
    expect(
      attendance(plan({ kind: 'partyLecture', quorum: defaultQuorum('partyLecture') }), []).quorumMet,
    ).toBe(true)
    expect(attendance(plan({ expected: [], leave: [] }), [s('x')]).attendanceRate).toBe(1)
  })

  it('takes make-up sessions into account for who is still absent', () => {
    const r = attendance(plan(), [s('m1'), s('m2'), s('m3')])
    expect(stillAbsent(r, [s('m4')])).toEqual(['m5'])
  })
})

describe('study hours', () => {
  const targets = { yearly: 32, byQuarter: [8, 16, 24, 32] as [number, number, number, number] }
  const entries = [
    { personId: 'm1', hours: 2, source: 'activity' as const, ref: 'a1', date: '2026-01-25' },
    { personId: 'm1', hours: 6, source: 'manual' as const, ref: 'online course', date: '2026-03-01' },
    { personId: 'm1', hours: 4, source: 'study' as const, ref: 's1', date: '2025-12-20' }, // last year
  ]

  it('sums this year only, and is due pro rata through each quarter', () => {
    expect(studyStatus('m1', entries, targets, '2026-01-01')).toMatchObject({
      done: 8,
      dueByNow: 0,
      behind: false,
    })
    expect(studyStatus('m1', entries, targets, '2026-04-01')).toMatchObject({
      done: 8,
      dueByNow: 8,
      behind: false,
    })
    // 16 May is day 45 of the 91 days of Q2: 8 + 8 × 45/91 = 11.96 due
    expect(studyStatus('m1', entries, targets, '2026-05-16')).toMatchObject({
      dueByNow: 11.96,
      behind: true,
      shortfall: 3.96,
    })
    expect(studyStatus('m2', entries, targets, '2026-12-31')).toMatchObject({ done: 0, behind: true })
  })
})
