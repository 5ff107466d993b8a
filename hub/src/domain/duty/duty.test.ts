import { atLocal } from '@ejia/protocol'
import { describe, expect, it } from 'vitest'
import { collapseDuplicates, evaluateShift, onDutyNow, type Punch } from './evaluate.js'
import { type DutySchedule, rotaInForce, shiftsOn } from './schedule.js'

const schedule: DutySchedule = {
  stationId: '339901001001',
  patterns: [
    { weekday: 3, start: '08:30', end: '17:30', personIds: ['c1'] }, // Wednesday day shift
    { weekday: 3, start: '22:00', end: '06:00', personIds: ['c2'] }, // Wednesday night, across midnight
  ],
  holidays: ['2026-10-01'],
  extraWorkdays: [{ date: '2026-10-10', likeWeekday: 3 }], // a Saturday worked as a Wednesday
  graceLateMin: 5,
  graceEarlyMin: 5,
  duplicateWithinMin: 3,
}
const WED = '2026-11-25'
const at = (date: string, hhmm: string) => atLocal(date, hhmm)
const punch = (
  personId: string,
  direction: 'in' | 'out',
  date: string,
  hhmm: string,
  source: Punch['source'] = 'device',
): Punch => ({
  personId,
  direction,
  at: at(date, hhmm),
  source,
})
const END_OF_DAY = at('2026-11-27', '00:00')

describe('duty schedules', () => {
  it('puts a cross-midnight shift on the day it starts', () => {
    const [day, night] = shiftsOn(schedule, WED)
    expect(day).toMatchObject({ date: WED, start: at(WED, '08:30'), end: at(WED, '17:30') })
    expect(night).toMatchObject({ date: WED, start: at(WED, '22:00'), end: at('2026-11-26', '06:00') })
    expect(shiftsOn(schedule, '2026-11-26')).toEqual([]) // Thursday: nothing
  })

  it('has no duty on holidays, and duty on a worked weekend day', () => {
    expect(shiftsOn(schedule, '2026-10-01')).toEqual([])
    expect(shiftsOn(schedule, '2026-10-10').map((s) => s.personIds)).toEqual([['c1'], ['c2']])
  })

  it('keeps the rota each day had: a new rota applies from its date on', () => {
    const first = { ...schedule }
    const second = { ...schedule, validFrom: '2026-11-20', patterns: [] }
    const third = { ...schedule, validFrom: '2026-12-01' }
    const versions = [third, first, second]
    expect(rotaInForce(versions, '2026-11-19')).toBe(first)
    expect(rotaInForce(versions, '2026-11-20')).toBe(second)
    expect(rotaInForce(versions, '2026-11-30')).toBe(second)
    expect(rotaInForce(versions, '2026-12-01')).toBe(third)
    expect(rotaInForce([second], '2026-11-19')).toBeUndefined()
  })
})

describe('judging a shift', () => {
  const [day, night] = shiftsOn(schedule, WED) as [
    ReturnType<typeof shiftsOn>[0],
    ReturnType<typeof shiftsOn>[0],
  ]
  const judge = (punches: Punch[], now = END_OF_DAY) => evaluateShift(day, punches, schedule, now)[0]

  it('is on time within the grace minutes, late and early beyond them, to the minute', () => {
    expect(judge([punch('c1', 'in', WED, '08:34'), punch('c1', 'out', WED, '17:26')])).toMatchObject({
      status: 'onTime',
    })
    expect(judge([punch('c1', 'in', WED, '08:36'), punch('c1', 'out', WED, '17:30')])).toMatchObject({
      status: 'late',
      lateMin: 6,
    })
    expect(judge([punch('c1', 'in', WED, '08:00'), punch('c1', 'out', WED, '16:00')])).toMatchObject({
      status: 'leftEarly',
      earlyMin: 90,
    })
    expect(judge([punch('c1', 'in', WED, '09:00'), punch('c1', 'out', WED, '17:00')])).toMatchObject({
      status: 'lateAndLeftEarly',
      lateMin: 30,
      earlyMin: 30,
    })
  })

  it('reports missing punches and absence, and waits while a shift is on', () => {
    expect(judge([punch('c1', 'out', WED, '17:35')])).toMatchObject({
      status: 'missingIn',
      out: at(WED, '17:35'),
    })
    expect(judge([punch('c1', 'in', WED, '08:30')])).toMatchObject({ status: 'missingOut' })
    expect(judge([punch('c1', 'in', WED, '08:30')], at(WED, '12:00'))).toMatchObject({ status: 'onDuty' })
    expect(judge([])).toMatchObject({ status: 'absent' })
    expect(judge([], at(WED, '07:00'))).toMatchObject({ status: 'notYet' })
    // someone else's punches are not c1's
    expect(judge([punch('c2', 'in', WED, '08:30')])).toMatchObject({ status: 'absent' })
  })

  it('collapses duplicate punches within the window into the first', () => {
    const burst = [
      punch('c1', 'in', WED, '08:29'),
      punch('c1', 'in', WED, '08:30'),
      punch('c1', 'in', WED, '08:31'),
    ]
    expect(collapseDuplicates(burst, 3)).toHaveLength(1)
    expect(collapseDuplicates([...burst, punch('c1', 'in', WED, '08:33')], 3)).toHaveLength(2)
    expect(
      judge([...burst, punch('c1', 'out', WED, '17:31'), punch('c1', 'out', WED, '17:32')]),
    ).toMatchObject({
      status: 'onTime',
      in: at(WED, '08:29'),
      out: at(WED, '17:31'),
    })
  })

  it('judges a night shift by punches on both days', () => {
    const r = evaluateShift(
      night,
      [punch('c2', 'in', WED, '21:58'), punch('c2', 'out', '2026-11-26', '06:02')],
      schedule,
      END_OF_DAY,
    )
    expect(r[0]).toMatchObject({ date: WED, status: 'onTime' })
    const late = evaluateShift(
      night,
      [punch('c2', 'in', '2026-11-26', '00:10'), punch('c2', 'out', '2026-11-26', '06:00')],
      schedule,
      END_OF_DAY,
    )
    expect(late[0]).toMatchObject({ status: 'late', lateMin: 130 })
  })

  it('counts an approved correction as a punch, and marks the result corrected', () => {
    const r = judge([punch('c1', 'in', WED, '08:30'), punch('c1', 'out', WED, '17:30', 'correction')])
    expect(r).toMatchObject({ status: 'onTime', corrected: true })
  })
})

describe('on duty now', () => {
  const shifts = shiftsOn(schedule, WED)

  it('names who is in, and calls a station unmanned once the grace is over', () => {
    const t = (hhmm: string) => at(WED, hhmm)
    expect(onDutyNow(shifts, [], schedule, t('08:33'))).toMatchObject({ inShift: true, unmanned: false })
    expect(onDutyNow(shifts, [], schedule, t('08:40'))).toMatchObject({
      inShift: true,
      onDuty: [],
      unmanned: true,
    })
    const punches = [punch('c1', 'in', WED, '08:31')]
    expect(onDutyNow(shifts, punches, schedule, t('10:00'))).toMatchObject({
      onDuty: ['c1'],
      expected: ['c1'],
      unmanned: false,
    })
    const left = [...punches, punch('c1', 'out', WED, '12:00')]
    expect(onDutyNow(shifts, left, schedule, t('13:00'))).toMatchObject({ onDuty: [], unmanned: true })
    expect(onDutyNow(shifts, left, schedule, t('19:00'))).toMatchObject({ inShift: false, unmanned: false })
  })

  it('tells the board who is waiting, absent, in (and how late) or gone (and how early)', () => {
    const t = (hhmm: string) => at(WED, hhmm)
    const board = (punches: Punch[], hhmm: string) =>
      onDutyNow(shifts, punches, schedule, t(hhmm)).people.map(({ personId, state, lateMin, earlyMin }) => ({
        personId,
        state,
        lateMin,
        earlyMin,
      }))
    expect(board([], '08:33')).toEqual([{ personId: 'c1', state: 'waiting', lateMin: 0, earlyMin: 0 }])
    expect(board([], '08:40')).toEqual([{ personId: 'c1', state: 'absent', lateMin: 0, earlyMin: 0 }])
    const late = [punch('c1', 'in', WED, '08:41')]
    expect(board(late, '09:00')).toEqual([{ personId: 'c1', state: 'onDuty', lateMin: 11, earlyMin: 0 }])
    const gone = [...late, punch('c1', 'out', WED, '16:00')]
    expect(board(gone, '16:30')).toEqual([{ personId: 'c1', state: 'left', lateMin: 11, earlyMin: 90 }])
  })
})
