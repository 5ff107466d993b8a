import { describe, expect, it } from 'vitest'
import { PUNCH_AHEAD_MAX_MS, punchTimeCredible } from './deviceTime.js'

const received = Date.parse('2026-12-02T00:30:00Z')

describe('punchTimeCredible', () => {
  it('believes a punch stamped before it arrived, however long before (a kiosk sending late)', () => {
    expect(punchTimeCredible(received - 1000, received)).toBe(true)
    expect(punchTimeCredible(received - 20 * 86_400_000, received)).toBe(true)
    expect(punchTimeCredible(Date.parse('2000-01-01T00:25:00Z'), received)).toBe(true)
  })

  it('believes a clock a few minutes fast, up to the margin', () => {
    expect(punchTimeCredible(received + 3 * 60_000, received)).toBe(true)
    expect(punchTimeCredible(received + PUNCH_AHEAD_MAX_MS, received)).toBe(true)
  })

  it('does not believe a time that had not come when the hub got the punch', () => {
    expect(punchTimeCredible(received + PUNCH_AHEAD_MAX_MS + 1, received)).toBe(false)
    expect(punchTimeCredible(received + 86_400_000, received)).toBe(false)
    expect(punchTimeCredible(Number.NaN, received)).toBe(false)
  })
})
