import { describe, expect, it } from 'vitest'
import { TokenBuckets } from './tokenBuckets.js'

function clock() {
  let now = 1_000_000
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}

describe('TokenBuckets', () => {
  it('gives a burst, then the sustained rate, per key', () => {
    const c = clock()
    const b = new TokenBuckets({ burst: 5, perSecond: 2 }, c.now)
    const takes = (key: string, n: number) =>
      Array.from({ length: n }, () => b.take(key)).filter(Boolean).length
    expect(takes('a', 8)).toBe(5)
    // another key has its own bucket
    expect(takes('b', 5)).toBe(5)
    c.advance(1000)
    expect(takes('a', 5)).toBe(2)
    c.advance(250)
    expect(b.take('a')).toBe(false) // half a token
    c.advance(250)
    expect(b.take('a')).toBe(true)
    // refills up to the burst only
    c.advance(60_000)
    expect(takes('a', 10)).toBe(5)
  })

  it('takes n at once, or nothing; more than the burst is refused without sticking', () => {
    const c = clock()
    const b = new TokenBuckets({ burst: 100, perSecond: 100 }, c.now)
    expect(b.take('a', 60)).toBe(true)
    expect(b.take('a', 60)).toBe(false)
    expect(b.take('a', 40)).toBe(true)
    c.advance(10_000)
    expect(b.take('a', 101)).toBe(false)
    expect(b.take('a', 100)).toBe(true)
  })

  it('forgets idle keys, and the longest-standing past the key limit', () => {
    const c = clock()
    const b = new TokenBuckets({ burst: 2, perSecond: 1 }, c.now, 100)
    for (let i = 0; i < 99; i++) b.take(`ip${i}`)
    expect(b.size).toBe(99)
    // a new key at the limit: none idle yet, so the oldest go, down to 90 %
    b.take('new')
    b.take('new2')
    expect(b.size).toBeLessThan(100)
    expect(b.take('new')).toBe(true)
    expect(b.take('new')).toBe(false) // kept: it was the newest
    c.advance(5_000) // every bucket full again
    for (let i = 0; i < 100; i++) b.take(`other${i}`)
    expect(b.size).toBeLessThanOrEqual(100)
  })

  it('refuses a rate that would never refill', () => {
    expect(() => new TokenBuckets({ burst: 1, perSecond: 0 }, Date.now)).toThrow(RangeError)
  })
})
