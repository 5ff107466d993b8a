import { describe, expect, it } from 'vitest'
import { nextThemeDay, nextThemeDayAt } from './themeDay.js'

describe('the next theme day (主题党日)', () => {
  it('is later this month while the day has not come', () => {
    expect(nextThemeDay('2026-12-22', 25)).toEqual({ date: '2026-12-25', month: 12, day: 25, inDays: 3 })
  })

  it('is today on the day itself', () => {
    expect(nextThemeDay('2026-11-25', 25)).toEqual({ date: '2026-11-25', month: 11, day: 25, inDays: 0 })
  })

  it('rolls over to next month once the day has passed', () => {
    expect(nextThemeDay('2026-11-26', 25)).toEqual({ date: '2026-12-25', month: 12, day: 25, inDays: 29 })
    // from the last day of a 31-day month
    expect(nextThemeDay('2026-07-31', 1)).toEqual({ date: '2026-08-01', month: 8, day: 1, inDays: 1 })
    // into February, a short month, across the 28 days it has in 2027
    expect(nextThemeDay('2027-01-29', 28)).toEqual({ date: '2027-02-28', month: 2, day: 28, inDays: 30 })
  })

  it('goes from December into January of the next year', () => {
    expect(nextThemeDay('2026-12-26', 25)).toEqual({ date: '2027-01-25', month: 1, day: 25, inDays: 30 })
    expect(nextThemeDay('2026-12-31', 1)).toEqual({ date: '2027-01-01', month: 1, day: 1, inDays: 1 })
  })

  it('falls on the last day of a month too short for a day past 28', () => {
    expect(nextThemeDay('2027-02-10', 31)).toEqual({ date: '2027-02-28', month: 2, day: 28, inDays: 18 })
  })

  it('counts the day in China Standard Time, whatever the machine’s zone', () => {
    // 16:30 UTC on the 24th is already 00:30 on the 25th in China
    expect(nextThemeDayAt(new Date('2026-11-24T16:30:00Z'), 25)).toMatchObject({
      date: '2026-11-25',
      inDays: 0,
    })
    // 15:59 UTC on the 24th is still 23:59 on the 24th
    expect(nextThemeDayAt(new Date('2026-11-24T15:59:00Z'), 25)).toMatchObject({
      date: '2026-11-25',
      inDays: 1,
    })
  })
})
