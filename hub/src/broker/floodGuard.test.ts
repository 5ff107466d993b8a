import { describe, expect, it } from 'vitest'
import { DEFAULT_BROKER_LIMITS, FloodGuard } from './floodGuard.js'

const MIN = 60_000

function setup() {
  let now = Date.parse('2026-11-28T02:00:00Z')
  const guard = new FloodGuard(
    {
      ...DEFAULT_BROKER_LIMITS,
      logins: { burst: 3, perSecond: 0.5 },
      publishes: { burst: 10, perSecond: 10 },
      publishBytes: { burst: 1000, perSecond: 1000 },
    },
    { now: () => now, quietMs: 10 * MIN, elapsed: () => now },
  )
  return {
    guard,
    at: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}

describe('FloodGuard', () => {
  it('throttles a station’s logins past its rate, and records the flood', () => {
    const { guard, at } = setup()
    const admitted = Array.from({ length: 10 }, () => guard.admitLogin('s1', '10.0.0.1')).filter(Boolean)
    expect(admitted).toHaveLength(3)
    expect(guard.admitLogin('s2', '10.0.0.2')).toBe(true)
    expect(guard.recent()).toEqual(
      new Map([
        [
          's1',
          {
            firstAt: at(),
            lastAt: at(),
            count: 7,
            byKind: { connect: 7, publish: 0, bytes: 0 },
            addresses: ['10.0.0.1'],
          },
        ],
      ]),
    )
    expect(guard.byStation().get('s1')).toEqual({ connect: 7, publish: 0, bytes: 0 })
  })

  it('throttles messages and bytes apart, and names the limit met', () => {
    const { guard, advance } = setup()
    const over = Array.from({ length: 12 }, () => guard.admitPublish('s1', 10, 'a'))
    expect(over.filter((o) => o === undefined)).toHaveLength(10)
    expect(over.slice(10)).toEqual(['publish', 'publish'])
    advance(1000)
    expect(guard.admitPublish('s1', 600, 'a')).toBeUndefined()
    expect(guard.admitPublish('s1', 600, 'b')).toBe('bytes')
    expect(guard.byStation().get('s1')).toEqual({ connect: 0, publish: 2, bytes: 1 })
    expect(guard.recent().get('s1')?.addresses).toEqual(['a', 'b'])
  })

  it('keeps a flood going while throttles come within the quiet time, then forgets it', () => {
    const { guard, at, advance } = setup()
    const start = at()
    for (let i = 0; i < 6; i++) {
      while (guard.admitLogin('s1', null)) {}
      advance(9 * MIN)
    }
    const f = guard.recent().get('s1')
    expect(f?.firstAt).toBe(start)
    expect(f?.lastAt).toBe(start + 5 * 9 * MIN)
    advance(2 * MIN) // 11 minutes since the last throttle
    expect(guard.recent().has('s1')).toBe(false)
    // a new flood starts afresh; the totals since the start stay
    while (guard.admitLogin('s1', null)) {}
    expect(guard.recent().get('s1')?.firstAt).toBe(at())
    expect(guard.byStation().get('s1')?.connect).toBe(6 + 1)
  })

  it('lets refused logins from an address be logged up to its rate', () => {
    const { guard } = setup()
    const { burst } = DEFAULT_BROKER_LIMITS.failedLogins
    const logged = Array.from({ length: burst + 20 }, () => guard.admitFailedLogin('10.9.9.9')).filter(
      Boolean,
    )
    expect(logged).toHaveLength(burst)
    expect(guard.admitFailedLogin('10.9.9.8')).toBe(true)
    // one log line a minute per key
    expect([guard.shouldLog('s1'), guard.shouldLog('s1'), guard.shouldLog('s2')]).toEqual([true, false, true])
  })
})
