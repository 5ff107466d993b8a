import { describe, expect, it } from 'vitest'
import { atLocal } from './localTime.js'
import { type DutyRota, punchOnShift, punchShiftAnswer } from './rota.js'

const rota: DutyRota = {
  stationId: '339901001001',
  patterns: [
    { weekday: 3, start: '08:30', end: '17:30', personIds: ['c1'] }, // Wednesday
    { weekday: 3, start: '22:00', end: '06:00', personIds: ['c2'] }, // Wednesday night
  ],
  holidays: [],
  graceLateMin: 5,
  graceEarlyMin: 5,
  duplicateWithinMin: 3,
}
const WED = '2026-11-25'

describe('punchOnShift', () => {
  it('tells a cadre how late or early a punch is, beyond the grace', () => {
    expect(punchOnShift([rota], 'c1', 'in', atLocal(WED, '08:34'))).toMatchObject({ lateMin: 0, earlyMin: 0 })
    expect(punchOnShift([rota], 'c1', 'in', atLocal(WED, '08:36'))).toMatchObject({ lateMin: 6 })
    expect(punchOnShift([rota], 'c1', 'out', atLocal(WED, '16:00'))).toMatchObject({ earlyMin: 90 })
  })

  it("finds last night's shift for a morning out, and nothing for someone not on the rota", () => {
    const out = punchOnShift([rota], 'c2', 'out', atLocal('2026-11-26', '05:50'))
    expect(out?.shift.date).toBe(WED)
    expect(out?.earlyMin).toBe(10)
    expect(punchOnShift([rota], 'c9', 'in', atLocal(WED, '08:30'))).toBeUndefined()
    expect(punchOnShift([rota], 'c1', 'in', atLocal(WED, '05:00'))).toBeUndefined() // too early to count
  })
})

describe('punchShiftAnswer', () => {
  it('tells the shift as a duty answer does: its start and end in UTC, and how late', () => {
    expect(punchShiftAnswer([rota], 'c1', 'in', atLocal(WED, '08:36'))).toEqual({
      start: new Date(atLocal(WED, '08:30')).toISOString(),
      end: new Date(atLocal(WED, '17:30')).toISOString(),
      lateMin: 6,
      earlyMin: 0,
    })
    expect(punchShiftAnswer([rota], 'c9', 'in', atLocal(WED, '08:30'))).toBeUndefined()
  })
})
