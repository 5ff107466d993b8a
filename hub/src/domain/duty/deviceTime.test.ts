import { describe, expect, it } from 'vitest'
import { PUNCH_AHEAD_MAX_MS, PUNCH_BEHIND_MAX_MS, punchTimeCredible } from './deviceTime.js'

const received = Date.parse('2026-12-02T00:30:00Z')
/** The kiosk's clock right when it sent (network delay only). */
const inTime = 800

describe('punchTimeCredible', () => {
  it('believes a punch stamped before it arrived, however long before, from a kiosk whose clock was right (sending late)', () => {
    expect(punchTimeCredible(received - 1000, received, inTime)).toBe(true)
    expect(punchTimeCredible(received - 20 * 86_400_000, received, inTime)).toBe(true)
  })

  it('believes a clock a few minutes fast or slow, up to the margins', () => {
    expect(punchTimeCredible(received + 3 * 60_000, received, -3 * 60_000)).toBe(true)
    expect(punchTimeCredible(received + PUNCH_AHEAD_MAX_MS, received, -PUNCH_AHEAD_MAX_MS)).toBe(true)
    expect(punchTimeCredible(received - 5 * 60_000, received, 5 * 60_000)).toBe(true)
    expect(punchTimeCredible(received - PUNCH_BEHIND_MAX_MS, received, PUNCH_BEHIND_MAX_MS)).toBe(true)
  })

  it('does not believe a time that had not come when the hub got the punch', () => {
    expect(punchTimeCredible(received + PUNCH_AHEAD_MAX_MS + 1, received, inTime)).toBe(false)
    expect(punchTimeCredible(received + 86_400_000, received, -86_400_000)).toBe(false)
    expect(punchTimeCredible(Number.NaN, received, inTime)).toBe(false)
  })

  it('does not believe a punch from a kiosk whose clock was set back when it sent (a late cadre stamped on time)', () => {
    expect(punchTimeCredible(received - 25 * 60_000, received, 25 * 60_000)).toBe(false)
    expect(punchTimeCredible(received - PUNCH_BEHIND_MAX_MS - 1, received, PUNCH_BEHIND_MAX_MS + 1)).toBe(
      false,
    )
    expect(
      punchTimeCredible(Date.parse('2000-01-01T00:25:00Z'), received, received - Date.parse('2000-01-01')),
    ).toBe(false)
  })

  it('judges events stored before the hub kept the batch skew on the first rule alone', () => {
    expect(punchTimeCredible(received - 25 * 60_000, received, null)).toBe(true)
    expect(punchTimeCredible(received + 86_400_000, received, null)).toBe(false)
  })
})
