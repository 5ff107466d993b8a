import { describe, expect, it } from 'vitest'
import { datesBetween } from './localTime.js'

describe('datesBetween', () => {
  it('lists the days of a range, ends included, and none of a reversed one', () => {
    expect(datesBetween('2024-02-27', '2024-03-01')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ])
    expect(datesBetween('2026-11-02', '2026-11-01')).toEqual([])
  })

  // found by test/fuzz/hubApi.test.ts: the day after 9999-12-31 is "+010000-01-01", which sorts
  // before "9999-12-31" as text, and the loop never ended
  it('ends at 9999-12-31', () => {
    expect(datesBetween('9999-12-30', '9999-12-31')).toEqual(['9999-12-30', '9999-12-31'])
  })
})
