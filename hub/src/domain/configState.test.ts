import { describe, expect, it } from 'vitest'
import { configStanding } from './configState.js'

const report = (over: Partial<Parameters<typeof configStanding>[1] & object> = {}) => ({
  desiredVersion: null,
  appliedVersion: null,
  state: null,
  problems: [],
  heartbeatVersion: null,
  ...over,
})
const problem = { path: '/devices/0/port', message: 'no serial device /dev/ttyUSB7 on this kiosk' }

describe('config standing', () => {
  it('is none before any push, pending until the kiosk says, applied once it runs the version', () => {
    expect(configStanding(null, undefined).state).toBe('none')
    expect(configStanding(2, undefined)).toEqual({ state: 'pending', appliedVersion: 0, problems: [] })
    expect(configStanding(2, report({ desiredVersion: 1, appliedVersion: 1, state: 'applied' })).state).toBe(
      'pending',
    )
    expect(configStanding(2, report({ desiredVersion: 2, appliedVersion: 2, state: 'applied' })).state).toBe(
      'applied',
    )
    // a heartbeat naming the version is enough, e.g. after a hub restart lost the retained state
    expect(configStanding(2, report({ heartbeatVersion: 2 }))).toMatchObject({
      state: 'applied',
      appliedVersion: 2,
    })
  })

  it('shows a rejection of the desired version with its problems, and not one of an older version', () => {
    const rejected = report({ desiredVersion: 3, appliedVersion: 2, state: 'rejected', problems: [problem] })
    expect(configStanding(3, rejected)).toEqual({ state: 'rejected', appliedVersion: 2, problems: [problem] })
    expect(configStanding(4, rejected)).toEqual({ state: 'pending', appliedVersion: 2, problems: [] })
  })
})
