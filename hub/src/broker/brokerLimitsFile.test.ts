import { describe, expect, it } from 'vitest'
import { parseBrokerLimits } from './brokerLimitsFile.js'
import { DEFAULT_BROKER_LIMITS } from './floodGuard.js'

describe('parseBrokerLimits', () => {
  it('takes the rates given and keeps the defaults for the rest', () => {
    expect(parseBrokerLimits('{"publishes": {"burst": 4000, "perSecond": 2000}}', 'limits.json')).toEqual({
      ...DEFAULT_BROKER_LIMITS,
      publishes: { burst: 4000, perSecond: 2000 },
    })
    expect(parseBrokerLimits('\uFEFF{}', 'limits.json')).toEqual(DEFAULT_BROKER_LIMITS)
  })

  it('refuses what is not a limit, naming the file and the problem', () => {
    expect(() => parseBrokerLimits('{', 'l.json')).toThrow(/--broker-limits l.json: not JSON/)
    expect(() => parseBrokerLimits('{"logins": {"burst": 0, "perSecond": 1}}', 'l.json')).toThrow(
      /--broker-limits l\.json: \/logins\/burst/,
    )
    expect(() => parseBrokerLimits('{"login": {"burst": 5, "perSecond": 1}}', 'l.json')).toThrow(/l\.json/)
  })
})
