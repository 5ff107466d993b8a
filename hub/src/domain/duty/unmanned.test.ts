import { describe, expect, it } from 'vitest'
import { type DutyObservation, stepUnmannedAlarms, UNMANNED_HOLD_MS } from './unmanned.js'

const seen = (unmanned: boolean, inShift = true): DutyObservation[] => [
  { stationId: 's1', inShift, unmanned, expected: ['c-1'] },
]
const T0 = Date.parse('2026-11-27T01:10:00Z')

describe('unmanned-station alarm', () => {
  it('waits out the hold time before raising, and raises once', () => {
    const since = new Map<string, number>()
    expect(stepUnmannedAlarms(since, [], seen(true), T0)).toEqual([])
    expect(stepUnmannedAlarms(since, [], seen(true), T0 + UNMANNED_HOLD_MS - 1)).toEqual([])
    expect(stepUnmannedAlarms(since, [], seen(true), T0 + UNMANNED_HOLD_MS)).toEqual([
      { kind: 'raise', stationId: 's1', unmannedSince: T0, expected: ['c-1'] },
    ])
    // already raised: nothing new while it stays unmanned
    expect(
      stepUnmannedAlarms(since, [{ id: 7, stationId: 's1' }], seen(true), T0 + 2 * UNMANNED_HOLD_MS),
    ).toEqual([])
  })

  it('forgets a short absence: a cadre stepping out and back in raises nothing', () => {
    const since = new Map<string, number>()
    stepUnmannedAlarms(since, [], seen(true), T0)
    stepUnmannedAlarms(since, [], seen(false), T0 + 5 * 60_000)
    expect(stepUnmannedAlarms(since, [], seen(true), T0 + UNMANNED_HOLD_MS + 60_000)).toEqual([])
  })

  it('clears when someone clocks in, when the shift ends, or when the rota is gone', () => {
    const active = [{ id: 7, stationId: 's1' }]
    expect(stepUnmannedAlarms(new Map(), active, seen(false, true), T0)).toEqual([
      { kind: 'clear', alarmId: 7, stationId: 's1', reason: 'staffed' },
    ])
    expect(stepUnmannedAlarms(new Map(), active, seen(false, false), T0)).toEqual([
      { kind: 'clear', alarmId: 7, stationId: 's1', reason: 'shiftEnded' },
    ])
    expect(stepUnmannedAlarms(new Map(), active, [], T0)).toEqual([
      { kind: 'clear', alarmId: 7, stationId: 's1', reason: 'noRota' },
    ])
  })
})
